package dev.jepascore.image;

import java.io.IOException;

/**
 * PNG: a non-interlaced PNG is inflated row by row straight into the resize ({@link PngReader}), never holding its
 * raster; an interlaced (Adam7) one goes to ImageIO. Orientation comes from the {@code eXIf} chunk.
 */
public final class PngRowsPath extends AbstractDecodePath {

    /** The path's name. */
    public static final String NAME = "png rows";
    /**
     * Measured on a quiet 2-core machine: a 39.7 MP 16-bit RGBA PNG read row by row for a 28x28 grey model took 278 ms
     * of CPU, 7 ns a pixel; rounded up.
     */
    public static final double PRIOR_NANOS_PER_PIXEL = 10.0;

    /** IHDR's interlace byte: signature 8, length and type 8, width and height 8, four one-byte fields. */
    private static final int INTERLACE_OFFSET = 28;

    PngRowsPath() {
        super(NAME, "PNG", "row by row (non-interlaced), ImageIO (interlaced)", PRIOR_NANOS_PER_PIXEL);
    }

    /**
     * Peak bytes of the row-by-row read: two stored rows of {@code rowBytes} (plus the filter byte), each converted
     * straight into the resizer's row, and the resize ({@link DecodeCost#resize}).
     */
    static long rowsCost(long width, long height, long rowBytes, InputSpec spec, boolean transpose) {
        return 2 * (rowBytes + 1) + DecodeCost.resize(width, height, spec, transpose);
    }

    @Override
    public boolean isFormat(byte[] bytes) {
        return PngReader.isPng(bytes);
    }

    /** A PNG whose IHDR (the first chunk, by the standard) does not declare Adam7 interlacing. */
    @Override
    public boolean accepts(byte[] bytes) {
        return isFormat(bytes) && (bytes.length <= INTERLACE_OFFSET || bytes[INTERLACE_OFFSET] == 0);
    }

    @Override
    public Orientation orientation(byte[] bytes) {
        return PngReader.header(bytes).orientation();
    }

    @Override
    public DecodeCost.Estimate estimate(byte[] bytes, InputSpec spec, long maxPixels) {
        PngReader.Header h = PngReader.header(bytes);
        if (Reduction.refused(h.width(), h.height(), maxPixels)) {
            return DecodeCost.REFUSED;
        }
        if (h.interlaced()) {
            return null;
        }
        return cost(rowsCost(h.width(), h.height(), h.rowBytes(), spec,
                Reduction.upright(spec, h.orientation()).transpose), (long) h.width() * h.height());
    }

    @Override
    public ModelImage decode(byte[] bytes, InputSpec spec, long maxPixels) {
        PngReader.Header h = PngReader.header(bytes);
        ImageIoReader.checkPixels("PNG", h.width(), h.height(), maxPixels);
        if (h.width() <= 0 || h.height() <= 0) {
            throw BadImageException.truncated("PNG",
                    new IOException("header declares " + h.width() + "x" + h.height() + " pixels"));
        }
        if (h.interlaced()) {
            throw new IllegalArgumentException("interlaced (Adam7) PNG is read by ImageIO");
        }
        int channels = h.channelsFor(spec.channels()); // a grey image is resized once for every channel
        RowResizer out = new RowResizer(h.width(), h.height(), spec.width(), spec.height(), channels,
                Reduction.upright(spec, h.orientation()));
        PngReader.read(bytes, h, out, channels);
        return new ModelImage(PngReader.onEveryChannel(out.finish(), spec.channels()), spec.width(), spec.height(),
                NAME);
    }
}
