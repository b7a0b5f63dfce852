package dev.jepascore.image;

import java.awt.image.DataBuffer;
import java.awt.image.MultiPixelPackedSampleModel;
import java.awt.image.SampleModel;
import java.awt.image.SinglePixelPackedSampleModel;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.ImageInputStream;

/**
 * How much heap decoding and preprocessing one image will hold at its peak, from its header alone (no pixel is
 * allocated to find out), so that work can be admitted against a memory budget before it starts.
 * <p>
 * The peak of the current path ({@link ImageDecoder} then {@link Preprocessor}) is the decoded raster
 * (width x height x bytes per pixel of the reader's raw type: 8 for 16-bit RGBA), the packed ARGB copy of it
 * (4 bytes per pixel), the float planes (4 bytes per pixel per tensor channel) and the first resize pass
 * (4 bytes x tensor width x image height). When decoding changes, this is the one place to change.
 */
public final class DecodeCost {

    /** Bytes per pixel assumed when the reader cannot name its raw type before decoding (e.g. some JPEGs): RGBA 8-bit. */
    static final int UNKNOWN_BYTES_PER_PIXEL = 4;
    /** Packed {@code int} ARGB copy made by {@code BufferedImage.getRGB}. */
    static final int ARGB_BYTES_PER_PIXEL = 4;
    /** One {@code float} per pixel per tensor channel. */
    static final int PLANE_BYTES_PER_PIXEL = 4;

    private DecodeCost() {
    }

    /** The header facts the cost depends on. */
    public record Header(long width, long height, int bytesPerPixel) {
    }

    /** Peak bytes for an image of this header scored into this tensor. */
    public static long bytes(Header header, InputSpec spec) {
        long pixels = header.width() * header.height();
        long perPixel = header.bytesPerPixel() + ARGB_BYTES_PER_PIXEL + (long) PLANE_BYTES_PER_PIXEL * spec.channels();
        long resizeRows = (long) Float.BYTES * spec.width() * header.height();
        return pixels * perPixel + resizeRows;
    }

    /**
     * The header of encoded bytes, or {@code null} when no reader recognises them or the header cannot be read (the
     * decoder then refuses the bytes and names the problem; refusing costs nothing worth admitting).
     */
    public static Header peek(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            return null;
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                return null;
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                return new Header(reader.getWidth(0), reader.getHeight(0), bytesPerPixel(reader.getRawImageType(0)));
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    static int bytesPerPixel(ImageTypeSpecifier raw) {
        if (raw == null) {
            return UNKNOWN_BYTES_PER_PIXEL;
        }
        SampleModel model = raw.getSampleModel();
        int elementBytes = Math.max(1, DataBuffer.getDataTypeSize(model.getDataType()) / 8);
        if (model instanceof SinglePixelPackedSampleModel) {
            return elementBytes; // all bands packed into one element (INT_RGB, USHORT_565)
        }
        if (model instanceof MultiPixelPackedSampleModel) {
            return 1; // several pixels per byte (1-, 2-, 4-bit): one byte is an upper bound
        }
        return elementBytes * model.getNumBands();
    }
}
