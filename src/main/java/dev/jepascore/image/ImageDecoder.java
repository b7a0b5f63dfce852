package dev.jepascore.image;

import dev.jepascore.ErrorCode;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import dev.jepascore.JepaException.Kind;
import dev.jepascore.OverloadedException;

/**
 * Turns encoded bytes into the model's input pixels, refusing what must not be decoded: empty
 * input, input over the byte limit, and images whose header declares more pixels than allowed
 * (checked before any pixel buffer is allocated, so a "decompression bomb" costs nothing).
 *
 * <p>Photos are never held at full resolution: JPEG is decoded at a reduced scale in the DCT
 * domain by libjpeg-turbo when it is installed ({@link TurboJpeg}), PNG is read row by row
 * ({@link PngReader}); every row goes straight into the reference resize ({@link RowResizer}). Other
 * formats, and JPEG without libjpeg-turbo, go through ImageIO. EXIF orientation is applied.
 *
 * <p>Every fast path hands what it cannot decode (a CMYK JPEG, an animated WebP, a reader's own limit or bug) to
 * ImageIO; only ImageIO's verdict makes an image {@code image_corrupt}. The log says which path decoded what (DEBUG;
 * a fallback at INFO, naming the fast path's reason).
 */
// Created at start-up by dev.jepascore.startup.StartupWork, in parallel with the model: it says which decoders are
// active (and fails the start if a required one is missing).
@ApplicationScoped
public class ImageDecoder {

    private static final Logger LOG = Logger.getLogger(ImageDecoder.class);

    /**
     * JPEG is decoded at the smallest DCT scale that keeps at least this many pixels per model pixel
     * on each axis; the antialiased resize then averages them (Pillow's draft mode keeps 1; with 4
     * the reduced tensor stays within a few levels of the full-resolution one, see docs/api.md).
     */
    static final int OVERSAMPLE = 4;

    /** JPEG reader warnings that mean the data ended early; the reader still returns a grey-filled image. */
    private static final List<String> TRUNCATION_WARNINGS = List.of("premature end", "truncated", "corrupt");

    private final ImageConfig config;
    private final TurboJpeg turbo;
    private final String jpegPath;
    private final WebpNative webp;
    private final String webpPath;
    /** The fast decode paths in use, each for one format; ImageIO decodes the rest and what they cannot. */
    private final List<DecodePath> fastPaths;

    @Inject
    public ImageDecoder(ImageConfig config, JpegConfig jpeg) {
        this(config, jpegDecoder(jpeg.decoder(), Path.of(jpeg.turbojpegJar()), Path.of(jpeg.turbojpegLibrary())));
        LOG.infof("JPEG decoding: %s", jpegPath);
        LOG.infof("WebP decoding: %s", webpPath);
    }

    /** With the JPEG decoder chosen as {@code auto} at the default paths. */
    public ImageDecoder(ImageConfig config) {
        this(config, jpegDecoder("auto", Path.of("/usr/share/java/turbojpeg.jar"),
                Path.of("/usr/lib/x86_64-linux-gnu/libturbojpeg.so.0")));
    }

    ImageDecoder(ImageConfig config, JpegChoice jpeg) {
        this(config, jpeg, true);
    }

    /** @param nativeWebp whether to use libwebp when it loads (false: TwelveMonkeys, for tests of the fallback) */
    ImageDecoder(ImageConfig config, JpegChoice jpeg, boolean nativeWebp) {
        this.config = config;
        this.turbo = jpeg.turbo();
        this.jpegPath = jpeg.description();
        ImageIO.setUseCache(false);
        ImageIO.scanForPlugins();
        WebpNative found;
        String path;
        WebpNative.keepOutOfImageIo(); // ImageIO's WebP reader is always TwelveMonkeys'
        try {
            if (!nativeWebp) {
                throw new IllegalStateException("libwebp not asked for");
            }
            found = WebpNative.load();
            path = found.description();
        } catch (IllegalStateException e) {
            found = null;
            path = "TwelveMonkeys (pure Java, full-resolution decode): " + e.getMessage();
        }
        this.webp = found;
        this.webpPath = path;
        List<DecodePath> paths = new ArrayList<>();
        paths.add(new PngRows());
        if (turbo != null) {
            paths.add(new TurboJpegPath());
        }
        if (webp != null) {
            paths.add(new LibwebpPath());
        }
        this.fastPaths = List.copyOf(paths);
    }

    /** The WebP decoder in use and why. */
    public String webpPath() {
        return webpPath;
    }

    /** The JPEG decoder in use and why, e.g. {@code libjpeg-turbo ... (DCT-domain scaling)}. */
    public String jpegPath() {
        return jpegPath;
    }

    record JpegChoice(TurboJpeg turbo, String description) {
    }

    static JpegChoice jpegDecoder(String choice, Path jar, Path library) {
        switch (choice.toLowerCase(Locale.ROOT)) {
            case "imageio":
                return new JpegChoice(null, "ImageIO (full-resolution decode; jepa.image.jpeg.decoder=imageio)");
            case "turbojpeg":
                TurboJpeg required = TurboJpeg.load(jar, library);
                return new JpegChoice(required, required.description() + " (DCT-domain scaling)");
            case "auto":
                try {
                    TurboJpeg found = TurboJpeg.load(jar, library);
                    return new JpegChoice(found, found.description() + " (DCT-domain scaling)");
                } catch (IllegalStateException e) {
                    return new JpegChoice(null, "ImageIO (full-resolution decode): " + e.getMessage()
                            + "; install libturbojpeg-java and libturbojpeg0 to decode photos at the model's scale");
                }
            default:
                throw new IllegalArgumentException(
                        "jepa.image.jpeg.decoder must be auto, turbojpeg or imageio, found " + choice);
        }
    }

    /**
     * Decodes {@code bytes} (first frame) to the input of a model taking {@code spec}, or throws
     * {@link BadImageException} naming the problem.
     */
    public ModelImage decode(byte[] bytes, InputSpec spec) {
        if (bytes == null || bytes.length == 0) {
            throw BadImageException.empty();
        }
        if (bytes.length > config.maxBytes()) {
            throw new BadImageException(ErrorCode.IMAGE_TOO_LARGE,
                    "the image is " + bytes.length + " bytes; the limit is " + config.maxBytes() + " bytes");
        }
        try {
            return decodeFormat(bytes, spec);
        } catch (OutOfMemoryError e) {
            // the heap ran out while this or a concurrent decode held pixels: the upload is not at fault
            throw OverloadedException.outOfMemory("decoding a " + bytes.length + "-byte image", e);
        }
    }

    /**
     * What {@link #decode} of {@code bytes} will cost, read from the header alone: its peak heap on the path it will
     * take ({@link DecodeCost}), the stored pixels that path reads and the path's name; {@link DecodeCost#REFUSED}
     * for bytes decode refuses before allocating pixels (empty, too large, too many pixels, unreadable header).
     */
    public DecodeCost.Estimate estimate(byte[] bytes, InputSpec spec) {
        if (bytes == null || bytes.length == 0 || bytes.length > config.maxBytes()) {
            return DecodeCost.REFUSED;
        }
        DecodePath fast = fastPath(bytes);
        if (fast != null) {
            try {
                DecodeCost.Estimate e = fast.estimate(bytes, spec);
                if (e != null) {
                    return e;
                }
            } catch (RuntimeException e) {
                // the fast path cannot read the header: decode hands the bytes to ImageIO, so the cost is ImageIO's
            }
        }
        try {
            return imageIoEstimate(bytes, spec, orientation(bytes, spec).transpose, imageIoRasters(bytes));
        } catch (RuntimeException e) {
            return DecodeCost.REFUSED; // a header decode refuses at once, naming the problem
        }
    }

    /**
     * One of the fast decode paths: it reads a format's header and decodes straight to a reduced size. Each path says
     * which bytes it takes, what decoding them will cost ({@link DecodeCost}'s formula for the path) and decodes;
     * whatever a fast path cannot decode goes to ImageIO ({@link #decodeFormat}), whose verdict is final.
     */
    private interface DecodePath {

        /** The path's name in estimates, logs and {@link ModelImage#path()}, e.g. {@link DecodeCost#TURBOJPEG}. */
        String name();

        /** Whether the bytes are of this path's format (from their magic bytes alone). */
        boolean accepts(byte[] bytes);

        /**
         * The cost of decoding {@code bytes} on this path, from the header; {@link DecodeCost#REFUSED} when decode
         * refuses them for their size; {@code null} when the header shows this path cannot take them (ImageIO does).
         */
        DecodeCost.Estimate estimate(byte[] bytes, InputSpec spec);

        /**
         * Decodes, or throws: {@link BadImageException} of kind {@code TOO_LARGE} is final, any other failure hands
         * the bytes to ImageIO.
         */
        ModelImage decode(byte[] bytes, InputSpec spec);
    }

    /** A non-interlaced PNG, inflated row by row straight into the resize ({@link PngReader}). */
    private final class PngRows implements DecodePath {

        /** IHDR's interlace byte: signature 8, length and type 8, width and height 8, four one-byte fields. */
        private static final int INTERLACE_OFFSET = 28;

        @Override
        public String name() {
            return DecodeCost.PNG_ROWS;
        }

        /** A PNG whose IHDR (the first chunk, by the standard) does not declare Adam7 interlacing. */
        @Override
        public boolean accepts(byte[] bytes) {
            return PngReader.isPng(bytes) && (bytes.length <= INTERLACE_OFFSET || bytes[INTERLACE_OFFSET] == 0);
        }

        @Override
        public DecodeCost.Estimate estimate(byte[] bytes, InputSpec spec) {
            PngReader.Header h = PngReader.header(bytes);
            if (refused(h.width(), h.height())) {
                return DecodeCost.REFUSED;
            }
            if (h.interlaced()) {
                return null;
            }
            return new DecodeCost.Estimate(DecodeCost.pngRows(h.width(), h.height(), h.rowBytes(), spec,
                    upright(spec, h.orientation()).transpose), (long) h.width() * h.height(), name());
        }

        @Override
        public ModelImage decode(byte[] bytes, InputSpec spec) {
            PngReader.Header h = PngReader.header(bytes);
            checkPixels("PNG", h.width(), h.height(), config.maxPixels());
            if (h.width() <= 0 || h.height() <= 0) {
                throw BadImageException.truncated("PNG",
                        new IOException("header declares " + h.width() + "x" + h.height() + " pixels"));
            }
            if (h.interlaced()) {
                throw new IllegalArgumentException("interlaced (Adam7) PNG is read by ImageIO");
            }
            int channels = h.channelsFor(spec.channels()); // a grey image is resized once for every channel
            RowResizer out = new RowResizer(h.width(), h.height(), spec.width(), spec.height(), channels,
                    upright(spec, h.orientation()));
            PngReader.read(bytes, h, out, channels);
            return new ModelImage(PngReader.onEveryChannel(out.finish(), spec.channels()), spec.width(),
                    spec.height(), name());
        }
    }

    /** A JPEG through libjpeg-turbo, reduced in the DCT domain ({@link TurboJpeg}). */
    private final class TurboJpegPath implements DecodePath {

        @Override
        public String name() {
            return DecodeCost.TURBOJPEG;
        }

        @Override
        public boolean accepts(byte[] bytes) {
            return isJpeg(bytes);
        }

        @Override
        public DecodeCost.Estimate estimate(byte[] bytes, InputSpec spec) {
            TurboJpeg.Header h = turbo.header(bytes);
            if (refused(h.width(), h.height())) {
                return DecodeCost.REFUSED;
            }
            if (!h.convertible()) {
                return null;
            }
            Orientation o = upright(spec, Exif.ofJpeg(bytes));
            int[] scaled = turbo.scaledSize(h.width(), h.height(), minWidth(spec, o), minHeight(spec, o));
            return new DecodeCost.Estimate(DecodeCost.raster(scaled[0], scaled[1],
                    DecodeCost.turboJpegBytesPerPixel(spec), spec, o.transpose), (long) h.width() * h.height(),
                    name());
        }

        @Override
        public ModelImage decode(byte[] bytes, InputSpec spec) {
            Orientation o = upright(spec, Exif.ofJpeg(bytes));
            TurboJpeg.Scaled s = turbo.decode(bytes, minWidth(spec, o), minHeight(spec, o), config.maxPixels(),
                    spec.channels());
            RowResizer out = resizer(s.width(), s.height(), spec, o);
            byte[] px = s.pixels();
            // the decoder's output already has the model's channels (luma straight from the JPEG for
            // grey models): rows go to the resizer as they are
            for (int y = 0, stride = s.width() * s.channels(); y < s.height(); y++) {
                out.row(px, y * stride);
            }
            return new ModelImage(out.finish(), spec.width(), spec.height(),
                    name() + " " + s.num() + "/" + s.denom());
        }
    }

    /** A still WebP through libwebp, reduced while decoding ({@link WebpNative}). */
    private final class LibwebpPath implements DecodePath {

        @Override
        public String name() {
            return DecodeCost.LIBWEBP;
        }

        @Override
        public boolean accepts(byte[] bytes) {
            return WebpNative.isWebp(bytes);
        }

        @Override
        public DecodeCost.Estimate estimate(byte[] bytes, InputSpec spec) {
            DecodeCost.Header h = DecodeCost.peek(bytes);
            if (h == null || refused(h.width(), h.height()) || WebpNative.isAnimated(bytes)) {
                return null; // ImageIO's estimate refuses what it cannot read
            }
            Orientation o = upright(spec, Exif.ofWebp(bytes));
            int[] scaled = WebpNative.scaledSize((int) h.width(), (int) h.height(), minWidth(spec, o),
                    minHeight(spec, o));
            return new DecodeCost.Estimate(DecodeCost.raster(scaled[0], scaled[1], DecodeCost.WEBP_BYTES_PER_PIXEL,
                    spec, o.transpose), h.width() * h.height(), name());
        }

        @Override
        public ModelImage decode(byte[] bytes, InputSpec spec) {
            if (WebpNative.isAnimated(bytes)) {
                throw new IllegalArgumentException("animated WebP is read by ImageIO (first frame)");
            }
            Orientation o = upright(spec, Exif.ofWebp(bytes));
            BufferedImage image = webp.decode(bytes, minWidth(spec, o), minHeight(spec, o), config.maxPixels());
            RowResizer out = resizer(image.getWidth(), image.getHeight(), spec, o);
            ImageRows.feed(image, out, spec.channels());
            return new ModelImage(out.finish(), spec.width(), spec.height(),
                    name() + " " + image.getWidth() + "x" + image.getHeight());
        }
    }

    /** The fast path whose format {@code bytes} are in, or {@code null} (ImageIO decodes them). */
    private DecodePath fastPath(byte[] bytes) {
        for (DecodePath path : fastPaths) {
            if (path.accepts(bytes)) {
                return path;
            }
        }
        return null;
    }

    /** Rasters ImageIO holds at its peak for these bytes: its JPEG reader two, the others one. */
    private static int imageIoRasters(byte[] bytes) {
        return isJpeg(bytes) ? DecodeCost.IMAGEIO_JPEG_RASTERS : 1;
    }

    /** The orientation to apply to {@code bytes} for {@code spec}, from their EXIF (JPEG, WebP, PNG's eXIf). */
    static Orientation orientation(byte[] bytes, InputSpec spec) {
        if (!spec.appliesOrientation()) {
            return Orientation.NORMAL;
        }
        try {
            if (isJpeg(bytes)) {
                return Exif.ofJpeg(bytes);
            }
            if (WebpNative.isWebp(bytes)) {
                return Exif.ofWebp(bytes);
            }
            if (PngReader.isPng(bytes)) {
                return PngReader.header(bytes).orientation();
            }
        } catch (RuntimeException e) {
            // an unreadable EXIF or header: ImageIO decides whether the image itself is readable
        }
        return Orientation.NORMAL;
    }

    /** A full-resolution ImageIO decode holding {@code rasters} rasters at its peak. */
    private DecodeCost.Estimate imageIoEstimate(byte[] bytes, InputSpec spec, boolean transpose, int rasters) {
        DecodeCost.Header h = DecodeCost.peek(bytes);
        if (h == null || refused(h.width(), h.height())) {
            return DecodeCost.REFUSED;
        }
        return new DecodeCost.Estimate(rasters * DecodeCost.raster(h.width(), h.height(), h.bytesPerPixel(), spec,
                transpose), h.width() * h.height(), DecodeCost.IMAGEIO);
    }

    /** Whether decode refuses a header of this size before allocating pixels. */
    private boolean refused(long width, long height) {
        return width <= 0 || height <= 0 || width * height > config.maxPixels();
    }

    /** Narrowest stored width a reduced decode may produce for this model and orientation. */
    private static int minWidth(InputSpec spec, Orientation o) {
        return OVERSAMPLE * (o.transpose ? spec.height() : spec.width());
    }

    /** Shortest stored height a reduced decode may produce for this model and orientation. */
    private static int minHeight(InputSpec spec, Orientation o) {
        return OVERSAMPLE * (o.transpose ? spec.width() : spec.height());
    }

    /**
     * Decodes on the fast path of the bytes' format when there is one; whatever it cannot decode (a colour space or
     * feature it lacks, a reader bug, anything but a declared size over the limit) goes to ImageIO, and only
     * ImageIO's verdict makes an image corrupt: a valid image is never refused because a fast path could not read it.
     */
    private ModelImage decodeFormat(byte[] bytes, InputSpec spec) {
        DecodePath fast = fastPath(bytes);
        if (fast == null) {
            return readWithImageIo(bytes, spec, orientation(bytes, spec), DecodeCost.IMAGEIO);
        }
        RuntimeException failure;
        try {
            ModelImage image = fast.decode(bytes, spec);
            LOG.debugf("decoded %d bytes on %s", bytes.length, image.path());
            return image;
        } catch (BadImageException e) {
            if (e.kind() == Kind.TOO_LARGE) {
                throw e;
            }
            failure = e;
        } catch (OverloadedException e) {
            throw e;
        } catch (RuntimeException e) {
            failure = e;
        }
        String reason = failure.getMessage() == null ? failure.toString() : failure.getMessage();
        try {
            ModelImage image = readWithImageIo(bytes, spec, orientation(bytes, spec),
                    DecodeCost.IMAGEIO + " after " + fast.name());
            LOG.infof("%s could not decode %d bytes (%s); ImageIO did", fast.name(), bytes.length, reason);
            return image;
        } catch (BadImageException e) {
            LOG.debugf("%s could not decode %d bytes (%s), nor could ImageIO: %s", fast.name(), bytes.length, reason,
                    e.getMessage());
            throw e;
        }
    }

    private static Orientation upright(InputSpec spec, Orientation found) {
        return spec.appliesOrientation() ? found : Orientation.NORMAL;
    }

    private static RowResizer resizer(int w, int h, InputSpec spec, Orientation o) {
        return new RowResizer(w, h, spec.width(), spec.height(), spec.channels(), o);
    }

    static boolean isJpeg(byte[] b) {
        return b.length >= 3 && (b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0xd8 && (b[2] & 0xff) == 0xff;
    }

    private ModelImage readWithImageIo(byte[] bytes, InputSpec spec, Orientation orientation, String path) {
        BufferedImage image = decodeWithImageIo(bytes);
        RowResizer out = resizer(image.getWidth(), image.getHeight(), spec, orientation);
        ImageRows.feed(image, out, spec.channels());
        return new ModelImage(out.finish(), spec.width(), spec.height(), path);
    }

    /** Decodes the first frame with ImageIO at full resolution. */
    protected BufferedImage decodeWithImageIo(byte[] bytes) {
        if ("TIFF".equals(knownUnsupportedFormat(bytes))) {
            // the JDK has a TIFF reader, but TIFF is not a supported upload format (multi-page, CMYK, float samples)
            throw BadImageException.unsupported("TIFF");
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                String known = knownUnsupportedFormat(bytes);
                if (known != null) {
                    throw BadImageException.unsupported(known);
                }
                throw BadImageException.notAnImage("no image reader recognises the bytes: " + describeStart(bytes));
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                return read(reader);
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            throw BadImageException.notAnImage(e.getMessage());
        }
    }

    /** Refuses an image whose header declares more than {@code maxPixels} pixels. */
    static void checkPixels(String format, long width, long height, long maxPixels) {
        if (width * height > maxPixels) {
            throw new BadImageException(ErrorCode.TOO_MANY_PIXELS, "the " + format + " image declares "
                    + width + "x" + height + " = " + width * height + " pixels; the limit is " + maxPixels);
        }
    }

    /** Whether a decoder warning means the data ended early or is damaged. */
    static boolean isTruncationWarning(String warning) {
        String lower = warning == null ? "" : warning.toLowerCase(Locale.ROOT);
        return TRUNCATION_WARNINGS.stream().anyMatch(lower::contains);
    }

    private BufferedImage read(ImageReader reader) {
        String format = formatName(reader);
        long width;
        long height;
        try {
            width = reader.getWidth(0);
            height = reader.getHeight(0);
        } catch (IOException | RuntimeException e) {
            throw readFailure(format, e);
        }
        if (width <= 0 || height <= 0) {
            throw BadImageException.truncated(format,
                    new IOException("header declares " + width + "x" + height + " pixels"));
        }
        checkPixels(format, width, height, config.maxPixels());
        List<String> warnings = new ArrayList<>();
        reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
        BufferedImage image;
        try {
            image = reader.read(0);
        } catch (IOException | RuntimeException e) {
            throw readFailure(format, e);
        } catch (OutOfMemoryError e) {
            throw OverloadedException.outOfMemory("decoding a " + width + "x" + height + " " + format + " image", e);
        }
        for (String warning : warnings) {
            if (isTruncationWarning(warning)) {
                throw BadImageException.truncated(format, new IOException(warning));
            }
        }
        return image;
    }

    /**
     * What a failure inside a reader means. Only a format error is the image's fault ({@code image_corrupt}); readers
     * wrap resource failures too (an {@link OutOfMemoryError} arrives inside an {@code IIOException}), and those are
     * the function's: out of memory is {@code overloaded} (retriable), any other VM error propagates as internal.
     */
    private static RuntimeException readFailure(String format, Exception e) {
        VirtualMachineError resource = OverloadedException.resourceFailure(e);
        if (resource instanceof OutOfMemoryError) {
            return OverloadedException.outOfMemory("decoding a " + format + " image", e);
        }
        if (resource != null) {
            throw resource;
        }
        return BadImageException.truncated(format, e);
    }

    private static String formatName(ImageReader reader) {
        try {
            return reader.getFormatName().toUpperCase(Locale.ROOT);
        } catch (IOException e) {
            return reader.getOriginatingProvider().getFormatNames()[0].toUpperCase(Locale.ROOT);
        }
    }

    /** Names formats recognisable from their magic bytes that no installed reader decodes. */
    static String knownUnsupportedFormat(byte[] b) {
        String head = new String(b, 0, Math.min(b.length, 64), StandardCharsets.ISO_8859_1);
        if (head.startsWith("RIFF") && head.length() >= 12 && head.startsWith("WEBP", 8)) {
            return "WebP";
        }
        if (head.length() >= 12 && head.startsWith("ftyp", 4)) {
            String brand = head.substring(8, 12);
            return brand.startsWith("avi") ? "AVIF" : "HEIF/HEIC (" + brand.trim() + ")";
        }
        if (head.startsWith("II*\0") || head.startsWith("MM\0*")) {
            return "TIFF";
        }
        if (head.startsWith("8BPS")) {
            return "PSD";
        }
        if (head.startsWith("%PDF")) {
            return "PDF";
        }
        String text = head.stripLeading().toLowerCase(Locale.ROOT);
        if (text.startsWith("<svg") || text.startsWith("<?xml")) {
            return "SVG";
        }
        if (head.startsWith("\0\0\1\0")) {
            return "ICO";
        }
        return null;
    }

    /**
     * What the first bytes of something that is no image look like, in words a person reads (the message reaches
     * the failure document and the report): the start of the text when they are text, else only that they are
     * binary.
     */
    static String describeStart(byte[] b) {
        int n = Math.min(b.length, 40);
        String head = new String(b, 0, n, StandardCharsets.UTF_8);
        long printable = head.codePoints().filter(c -> c == '\n' || c == '\r' || c == '\t' || !Character.isISOControl(c)
                && c != 0xfffd).count();
        if (n > 0 && printable == head.codePoints().count()) {
            String line = head.strip().replaceAll("\\s+", " ");
            return "they are text, starting \"" + line + (b.length > n ? "..." : "") + "\"";
        }
        return "they are binary data (" + b.length + " bytes) in no image format read here";
    }
}
