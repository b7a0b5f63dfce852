package dev.jepascore.image;

/**
 * The steps the decode paths share: the sizes they refuse before any pixel, the orientation they apply, the smallest
 * stored size a reduced decode may produce for a model, and the resize every decoded row goes into.
 */
final class Reduction {

    /**
     * A reduced decode keeps at least this many stored pixels per model pixel on each axis; the antialiased resize
     * then averages them (Pillow's draft mode keeps 1; with 4 the reduced tensor stays within a few levels of the
     * full-resolution one, see docs/api.md).
     */
    static final int OVERSAMPLE = 4;

    private Reduction() {
    }

    /** Whether decode refuses a header of this size before allocating pixels. */
    static boolean refused(long width, long height, long maxPixels) {
        return width <= 0 || height <= 0 || width * height > maxPixels;
    }

    /** {@code found}, or {@link Orientation#NORMAL} for a model that does not apply orientation. */
    static Orientation upright(InputSpec spec, Orientation found) {
        return spec.appliesOrientation() ? found : Orientation.NORMAL;
    }

    /** Narrowest stored width a reduced decode may produce for this model and orientation. */
    static int minWidth(InputSpec spec, Orientation o) {
        return OVERSAMPLE * (o.transpose ? spec.height() : spec.width());
    }

    /** Shortest stored height a reduced decode may produce for this model and orientation. */
    static int minHeight(InputSpec spec, Orientation o) {
        return OVERSAMPLE * (o.transpose ? spec.width() : spec.height());
    }

    /** The resize of a stored {@code w x h} picture of the model's channels, applying {@code o}. */
    static RowResizer resizer(int w, int h, InputSpec spec, Orientation o) {
        return new RowResizer(w, h, spec.width(), spec.height(), spec.channels(), o);
    }

    /**
     * Peak heap of a reduced decode of a {@code width x height} image to the {@code {width, height}} {@code scaled} of
     * {@code bytesPerPixel}, then fed to the resize: what the path charges, for the stored pixels it reads.
     */
    static DecodeCost.Estimate reduced(DecodePath path, long width, long height, int[] scaled, int bytesPerPixel,
            InputSpec spec, Orientation o) {
        return path.cost(DecodeCost.raster(scaled[0], scaled[1], bytesPerPixel, spec, o.transpose), width * height);
    }
}
