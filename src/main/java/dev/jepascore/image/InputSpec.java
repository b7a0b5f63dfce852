package dev.jepascore.image;

import java.util.List;

/**
 * The tensor an encoder takes and how an image becomes it, as declared by the model manifest's
 * {@code input} object: the encoder sees {@code (pixel * scale - mean[c]) / std[c]} for 8-bit
 * pixels, laid out NCHW. The preprocessing is the reference's (Pillow 9.4, what the bundled model's
 * training and calibration images went through), value for value on decoded pixels:
 * {@code ImageOps.exif_transpose}, alpha premultiplied onto black, {@code convert("L")},
 * {@code resize((width, height), BILINEAR)}. A manifest may leave out {@code colour}, {@code alpha} and
 * {@code orientation}: the values below marked default apply.
 *
 * @param channels    1 (luma) or 3 (RGB)
 * @param height      rows of the tensor
 * @param width       columns of the tensor
 * @param resize      {@code bilinear}: Pillow's antialiased bilinear resize (triangle kernel widened by
 *                    the reduction factor, 8-bit fixed point, horizontal pass then vertical), on the
 *                    stored sRGB-encoded values (no gamma linearisation), stretching to height x width
 * @param colour      {@code luma-601}: ITU-R 601-2 luma of 8-bit R'G'B' in 16-bit fixed point (Pillow's
 *                    mode {@code L}); {@code rgb} for 3 channels (default: by the channels)
 * @param alpha       {@code black}: transparency composited onto black ({@code c * a / 255}, rounded)
 * @param orientation {@code exif} (default): the EXIF orientation is applied before resizing; {@code stored}: ignored
 * @param scale       factor applied to the 8-bit pixel value first (usually 1/255)
 * @param mean        per-channel mean subtracted after scaling
 * @param std         per-channel standard deviation divided by after subtracting the mean
 */
public record InputSpec(int channels, int height, int width, String resize, String colour, String alpha,
        String orientation, double scale, List<Double> mean, List<Double> std) {

    /** The one resize this function implements. */
    public static final String RESIZE_BILINEAR = "bilinear";
    public static final String COLOUR_LUMA = "luma-601";
    public static final String COLOUR_RGB = "rgb";
    public static final String ALPHA_BLACK = "black";
    public static final String ORIENTATION_EXIF = "exif";
    public static final String ORIENTATION_STORED = "stored";

    /** A spec with the reference preprocessing (luma for 1 channel, RGB for 3; EXIF orientation applied). */
    public static InputSpec of(int channels, int height, int width, double scale, List<Double> mean,
            List<Double> std) {
        return new InputSpec(channels, height, width, RESIZE_BILINEAR, channels == 1 ? COLOUR_LUMA : COLOUR_RGB,
                ALPHA_BLACK, ORIENTATION_EXIF, scale, mean, std);
    }

    /** Number of values one image contributes to the tensor (C x H x W). */
    public int size() {
        return channels * height * width;
    }

    /** Whether the EXIF orientation is to be applied. */
    public boolean appliesOrientation() {
        return !ORIENTATION_STORED.equals(orientation);
    }
}
