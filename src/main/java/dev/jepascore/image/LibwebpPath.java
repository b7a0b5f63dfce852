package dev.jepascore.image;

import java.awt.image.BufferedImage;

/**
 * WebP: a still WebP through libwebp when it loads, reduced while decoding ({@link WebpNative}); an animated one, and
 * every WebP without libwebp, through ImageIO (TwelveMonkeys' reader, first frame). Orientation comes from the
 * {@code EXIF} chunk.
 */
public final class LibwebpPath extends AbstractDecodePath {

    /** The path's name. */
    public static final String NAME = "webp libwebp";
    /** Not measured: assumed as the PNG path's ({@link PngRowsPath#PRIOR_NANOS_PER_PIXEL}). */
    public static final double PRIOR_NANOS_PER_PIXEL = 10.0;
    /** libwebp decodes into packed {@code int} ARGB ({@code TYPE_INT_ARGB}). */
    static final int BYTES_PER_PIXEL = 4;

    /** The library, or {@code null}: ImageIO decodes every WebP. */
    private final WebpNative webp;

    private LibwebpPath(WebpNative webp, String description) {
        super(NAME, "WebP", description, PRIOR_NANOS_PER_PIXEL);
        this.webp = webp;
    }

    /**
     * The WebP path, taking libwebp's own ImageIO reader out of ImageIO's registry (call after ImageIO scanned for
     * plugins), where TwelveMonkeys' stays the WebP reader of the fallback.
     *
     * @param nativeWebp whether to use libwebp when it loads (false: TwelveMonkeys, for tests of the fallback)
     */
    static LibwebpPath load(boolean nativeWebp) {
        WebpNative.keepOutOfImageIo();
        if (!nativeWebp) {
            return new LibwebpPath(null, "TwelveMonkeys (pure Java, full-resolution decode): libwebp not asked for");
        }
        try {
            WebpNative found = WebpNative.load();
            return new LibwebpPath(found, found.description());
        } catch (IllegalStateException e) {
            return new LibwebpPath(null, "TwelveMonkeys (pure Java, full-resolution decode): " + e.getMessage());
        }
    }

    @Override
    public boolean isFormat(byte[] bytes) {
        return WebpNative.isWebp(bytes);
    }

    @Override
    public boolean accepts(byte[] bytes) {
        return webp != null && isFormat(bytes);
    }

    @Override
    public Orientation orientation(byte[] bytes) {
        return Exif.ofWebp(bytes);
    }

    @Override
    public DecodeCost.Estimate estimate(byte[] bytes, InputSpec spec, long maxPixels) {
        DecodeCost.Header h = DecodeCost.peek(bytes);
        if (h == null || Reduction.refused(h.width(), h.height(), maxPixels) || WebpNative.isAnimated(bytes)) {
            return null; // ImageIO's estimate refuses what it cannot read
        }
        Orientation o = Reduction.upright(spec, Exif.ofWebp(bytes));
        int[] scaled = WebpNative.scaledSize((int) h.width(), (int) h.height(), Reduction.minWidth(spec, o),
                Reduction.minHeight(spec, o));
        return Reduction.reduced(this, h.width(), h.height(), scaled, BYTES_PER_PIXEL, spec, o);
    }

    @Override
    public ModelImage decode(byte[] bytes, InputSpec spec, long maxPixels) {
        if (WebpNative.isAnimated(bytes)) {
            throw new IllegalArgumentException("animated WebP is read by ImageIO (first frame)");
        }
        Orientation o = Reduction.upright(spec, Exif.ofWebp(bytes));
        BufferedImage image = webp.decode(bytes, Reduction.minWidth(spec, o), Reduction.minHeight(spec, o), maxPixels);
        RowResizer out = Reduction.resizer(image.getWidth(), image.getHeight(), spec, o);
        ImageRows.feed(image, out, spec.channels());
        return new ModelImage(out.finish(), spec.width(), spec.height(),
                NAME + " " + image.getWidth() + "x" + image.getHeight());
    }
}
