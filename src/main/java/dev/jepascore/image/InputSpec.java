package dev.jepascore.image;

import java.util.List;

/**
 * The tensor an encoder takes, as declared by the model manifest's {@code input} object: the
 * encoder sees {@code (pixel * scale - mean[c]) / std[c]} for 8-bit pixels, laid out NCHW.
 *
 * @param channels 1 (luma, as ITU-R 601 weights) or 3 (RGB)
 * @param height   rows of the tensor
 * @param width    columns of the tensor
 * @param resize   policy for images of another size; {@code bilinear} stretches to height x width
 * @param scale    factor applied to the 8-bit pixel value first (usually 1/255)
 * @param mean     per-channel mean subtracted after scaling
 * @param std      per-channel standard deviation divided by after subtracting the mean
 */
public record InputSpec(int channels, int height, int width, String resize, double scale, List<Double> mean,
        List<Double> std) {

    /** Number of values one image contributes to the tensor (C x H x W). */
    public int size() {
        return channels * height * width;
    }
}
