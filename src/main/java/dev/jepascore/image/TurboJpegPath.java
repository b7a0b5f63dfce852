package dev.jepascore.image;

import java.nio.file.Path;
import java.util.Locale;

/**
 * JPEG: through libjpeg-turbo when it is installed, reduced in the DCT domain ({@link TurboJpeg}); without it, and
 * for what it cannot convert (CMYK, YCCK), through ImageIO. Orientation comes from the EXIF APP1 segment.
 */
public final class TurboJpegPath extends AbstractDecodePath {

    /** The path's name. */
    public static final String NAME = "jpeg turbojpeg";
    /** Measured on a quiet 2-core machine: a 12 MP JPEG through libjpeg-turbo took about 20 ms; rounded up. */
    public static final double PRIOR_NANOS_PER_PIXEL = 2.0;
    /**
     * Rasters ImageIO's JPEG reader allocates per decoded image: measured twice the image's raster in total
     * ({@code DecodeCostTest}), so a JPEG decoded without libjpeg-turbo is charged two.
     */
    static final int IMAGEIO_RASTERS = 2;

    /** The bindings, or {@code null}: ImageIO decodes every JPEG. */
    private final TurboJpeg turbo;

    private TurboJpegPath(TurboJpeg turbo, String description) {
        super(NAME, "JPEG", description, PRIOR_NANOS_PER_PIXEL);
        this.turbo = turbo;
    }

    /**
     * The JPEG path for {@code jepa.image.jpeg.decoder}: {@code turbojpeg} (required: fails when the bindings do not
     * load), {@code auto} (libjpeg-turbo when it loads) or {@code imageio}.
     */
    public static TurboJpegPath choose(String choice, Path jar, Path library) {
        switch (choice.toLowerCase(Locale.ROOT)) {
            case "imageio":
                return new TurboJpegPath(null, "ImageIO (full-resolution decode; jepa.image.jpeg.decoder=imageio)");
            case "turbojpeg":
                TurboJpeg required = TurboJpeg.load(jar, library);
                return new TurboJpegPath(required, required.description() + " (DCT-domain scaling)");
            case "auto":
                try {
                    TurboJpeg found = TurboJpeg.load(jar, library);
                    return new TurboJpegPath(found, found.description() + " (DCT-domain scaling)");
                } catch (IllegalStateException e) {
                    return new TurboJpegPath(null, "ImageIO (full-resolution decode): " + e.getMessage()
                            + "; install libturbojpeg-java and libturbojpeg0 to decode photos at the model's scale");
                }
            default:
                throw new IllegalArgumentException(
                        "jepa.image.jpeg.decoder must be auto, turbojpeg or imageio, found " + choice);
        }
    }

    /**
     * Packed bytes libjpeg-turbo decodes into: the model's channels, RGB ({@code TJ.PF_RGB}) for a colour model, luma
     * ({@code TJ.PF_GRAY}) for a grey one.
     */
    static int bytesPerPixel(InputSpec spec) {
        return spec.channels();
    }

    static boolean isJpeg(byte[] b) {
        return b.length >= 3 && (b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0xd8 && (b[2] & 0xff) == 0xff;
    }

    @Override
    public boolean isFormat(byte[] bytes) {
        return isJpeg(bytes);
    }

    @Override
    public boolean accepts(byte[] bytes) {
        return turbo != null && isJpeg(bytes);
    }

    @Override
    public Orientation orientation(byte[] bytes) {
        return Exif.ofJpeg(bytes);
    }

    @Override
    public int imageIoRasters() {
        return IMAGEIO_RASTERS;
    }

    @Override
    public DecodeCost.Estimate estimate(byte[] bytes, InputSpec spec, long maxPixels) {
        TurboJpeg.Header h = turbo.header(bytes);
        if (Reduction.refused(h.width(), h.height(), maxPixels)) {
            return DecodeCost.REFUSED;
        }
        if (!h.convertible()) {
            return null;
        }
        Orientation o = Reduction.upright(spec, Exif.ofJpeg(bytes));
        int[] scaled = turbo.scaledSize(h.width(), h.height(), Reduction.minWidth(spec, o),
                Reduction.minHeight(spec, o));
        return Reduction.reduced(this, h.width(), h.height(), scaled, bytesPerPixel(spec), spec, o);
    }

    @Override
    public ModelImage decode(byte[] bytes, InputSpec spec, long maxPixels) {
        Orientation o = Reduction.upright(spec, Exif.ofJpeg(bytes));
        TurboJpeg.Scaled s = turbo.decode(bytes, Reduction.minWidth(spec, o), Reduction.minHeight(spec, o), maxPixels,
                spec.channels());
        RowResizer out = Reduction.resizer(s.width(), s.height(), spec, o);
        byte[] px = s.pixels();
        // the decoder's output already has the model's channels (luma straight from the JPEG for grey models): rows
        // go to the resizer as they are
        for (int y = 0, stride = s.width() * s.channels(); y < s.height(); y++) {
            out.row(px, y * stride);
        }
        return new ModelImage(out.finish(), spec.width(), spec.height(), NAME + " " + s.num() + "/" + s.denom());
    }
}
