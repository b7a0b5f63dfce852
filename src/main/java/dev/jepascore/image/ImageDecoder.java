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
        try {
            if (PngReader.isPng(bytes)) {
                PngReader.Header h = PngReader.header(bytes);
                if (refused(h.width(), h.height())) {
                    return DecodeCost.REFUSED;
                }
                boolean transpose = upright(spec, h.orientation()).transpose;
                if (!h.interlaced()) {
                    return new DecodeCost.Estimate(
                            DecodeCost.pngRows(h.width(), h.height(), h.rowBytes(), spec, transpose),
                            (long) h.width() * h.height(), DecodeCost.PNG_ROWS);
                }
                return imageIoEstimate(bytes, spec, transpose, 1);
            }
            if (isJpeg(bytes)) {
                Orientation o = upright(spec, Exif.ofJpeg(bytes));
                if (turbo == null) {
                    return imageIoEstimate(bytes, spec, o.transpose, DecodeCost.IMAGEIO_JPEG_RASTERS);
                }
                int[] size = turbo.size(bytes);
                if (refused(size[0], size[1])) {
                    return DecodeCost.REFUSED;
                }
                int[] scaled = turbo.scaledSize(size[0], size[1], minWidth(spec, o), minHeight(spec, o));
                return new DecodeCost.Estimate(DecodeCost.raster(scaled[0], scaled[1],
                        DecodeCost.turboJpegBytesPerPixel(spec), spec, o.transpose), (long) size[0] * size[1],
                        DecodeCost.TURBOJPEG);
            }
            if (WebpNative.isWebp(bytes)) {
                Orientation o = upright(spec, Exif.ofWebp(bytes));
                DecodeCost.Header h = DecodeCost.peek(bytes);
                if (webp == null || h == null || refused(h.width(), h.height())) {
                    return imageIoEstimate(bytes, spec, o.transpose, 1);
                }
                int[] scaled = WebpNative.scaledSize((int) h.width(), (int) h.height(), minWidth(spec, o),
                        minHeight(spec, o));
                return new DecodeCost.Estimate(DecodeCost.raster(scaled[0], scaled[1], DecodeCost.WEBP_BYTES_PER_PIXEL,
                        spec, o.transpose), h.width() * h.height(), DecodeCost.LIBWEBP);
            }
            return imageIoEstimate(bytes, spec, false, 1);
        } catch (RuntimeException e) {
            return DecodeCost.REFUSED; // a header decode refuses at once, naming the problem
        }
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

    private ModelImage decodeFormat(byte[] bytes, InputSpec spec) {
        if (PngReader.isPng(bytes)) {
            PngReader.Header h = PngReader.header(bytes);
            checkPixels("PNG", h.width(), h.height(), config.maxPixels());
            if (h.width() <= 0 || h.height() <= 0) {
                throw BadImageException.truncated("PNG",
                        new IOException("header declares " + h.width() + "x" + h.height() + " pixels"));
            }
            if (!h.interlaced()) {
                int channels = h.channelsFor(spec.channels()); // a grey image is resized once for every channel
                RowResizer out = new RowResizer(h.width(), h.height(), spec.width(), spec.height(), channels,
                        upright(spec, h.orientation()));
                PngReader.read(bytes, h, out, channels);
                return new ModelImage(PngReader.onEveryChannel(out.finish(), spec.channels()), spec.width(),
                        spec.height(), "png rows");
            }
            return readWithImageIo(bytes, spec, upright(spec, h.orientation()));
        }
        if (isJpeg(bytes)) {
            Orientation o = upright(spec, Exif.ofJpeg(bytes));
            if (turbo != null) {
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
                        "jpeg turbojpeg " + s.num() + "/" + s.denom());
            }
            return readWithImageIo(bytes, spec, o);
        }
        if (WebpNative.isWebp(bytes)) {
            Orientation o = upright(spec, Exif.ofWebp(bytes));
            if (webp != null) {
                BufferedImage image = webp.decode(bytes, minWidth(spec, o), minHeight(spec, o), config.maxPixels());
                RowResizer out = resizer(image.getWidth(), image.getHeight(), spec, o);
                ImageRows.feed(image, out, spec.channels());
                return new ModelImage(out.finish(), spec.width(), spec.height(),
                        "webp libwebp " + image.getWidth() + "x" + image.getHeight());
            }
            return readWithImageIo(bytes, spec, o);
        }
        return readWithImageIo(bytes, spec, Orientation.NORMAL);
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

    private ModelImage readWithImageIo(byte[] bytes, InputSpec spec, Orientation orientation) {
        BufferedImage image = decodeWithImageIo(bytes);
        RowResizer out = resizer(image.getWidth(), image.getHeight(), spec, orientation);
        ImageRows.feed(image, out, spec.channels());
        return new ModelImage(out.finish(), spec.width(), spec.height(), "imageio");
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
                throw BadImageException.notAnImage("no image reader recognises the first bytes " + hexPrefix(bytes));
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

    private static String hexPrefix(byte[] b) {
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < Math.min(8, b.length); i++) {
            hex.append(String.format("%02x", b[i] & 0xff));
        }
        return hex.toString();
    }
}
