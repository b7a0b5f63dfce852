package dev.jepascore.image;

import dev.jepascore.ErrorCode;

import java.awt.Dimension;
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
 * <p>Photos are never held at full resolution: each {@link DecodePath} decodes its format straight to a reduced size
 * (PNG row by row, JPEG in the DCT domain through libjpeg-turbo, WebP through libwebp's rescaler) and every row goes
 * into the reference resize ({@link RowResizer}). Other formats, and what no path takes, go through ImageIO. EXIF
 * orientation is applied.
 *
 * <p>This class only orchestrates: the path that accepts the bytes decodes them, and hands what it cannot decode (a
 * CMYK JPEG, an animated WebP, a reader's own limit or bug) to ImageIO; only ImageIO's verdict makes an image
 * {@code image_corrupt}. The log says which path decoded what (DEBUG; a fallback at INFO, naming the path's reason).
 */
// Created at start-up by dev.jepascore.startup.StartupWork, in parallel with the model: it says which decoders are
// active (and fails the start if a required one is missing).
@ApplicationScoped
public class ImageDecoder {

    private static final Logger LOG = Logger.getLogger(ImageDecoder.class);

    /** JPEG reader warnings that mean the data ended early; the reader still returns a grey-filled image. */
    private static final List<String> TRUNCATION_WARNINGS = List.of("premature end", "truncated", "corrupt");

    private final ImageConfig config;
    /** The decode paths, each for one format; ImageIO decodes the other formats and what a path cannot. */
    private final List<DecodePath> paths;

    @Inject
    public ImageDecoder(ImageConfig config, JpegConfig jpeg) {
        this(config, paths(TurboJpegPath.choose(jpeg.decoder(), Path.of(jpeg.turbojpegJar()),
                Path.of(jpeg.turbojpegLibrary())), true));
        for (DecodePath path : paths) {
            LOG.infof("%s decoding: %s", path.format(), path.description());
        }
    }

    /** With the JPEG decoder chosen as {@code auto} at the default paths. */
    public ImageDecoder(ImageConfig config) {
        this(config, TurboJpegPath.choose("auto", Path.of("/usr/share/java/turbojpeg.jar"),
                Path.of("/usr/lib/x86_64-linux-gnu/libturbojpeg.so.0")));
    }

    ImageDecoder(ImageConfig config, TurboJpegPath jpeg) {
        this(config, jpeg, true);
    }

    /** @param nativeWebp whether to use libwebp when it loads (false: TwelveMonkeys, for tests of the fallback) */
    ImageDecoder(ImageConfig config, TurboJpegPath jpeg, boolean nativeWebp) {
        this(config, paths(jpeg, nativeWebp));
    }

    /** With these decode paths (see {@link #paths}); the first that accepts an image decodes it. */
    public ImageDecoder(ImageConfig config, List<DecodePath> paths) {
        this.config = config;
        this.paths = List.copyOf(paths);
        ImageIO.setUseCache(false); // streams over bytes in memory, never a temporary file
    }

    /**
     * The decode paths, one per format: adding a format adds its path here. ImageIO first finds the readers on the
     * class path (a path may then take one out of its registry, as {@link LibwebpPath} does).
     */
    static List<DecodePath> paths(TurboJpegPath jpeg, boolean nativeWebp) {
        ImageIO.scanForPlugins();
        return List.of(new PngRowsPath(), jpeg, LibwebpPath.load(nativeWebp));
    }

    /** What decodes {@code format} (as {@link DecodePath#format()} names it) here and why; ImageIO for the others. */
    public String decoding(String format) {
        return paths.stream().filter(p -> p.format().equals(format)).findFirst().map(DecodePath::description)
                .orElse("ImageIO");
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
        DecodePath path = accepting(bytes);
        if (path != null) {
            try {
                DecodeCost.Estimate e = path.estimate(bytes, spec, config.maxPixels());
                if (e != null) {
                    return e;
                }
            } catch (RuntimeException e) {
                // the path cannot read the header: decode hands the bytes to ImageIO, so the cost is ImageIO's
            }
        }
        DecodePath format = ofFormat(bytes);
        DecodeCost.Header h = DecodeCost.peek(bytes);
        if (h == null || Reduction.refused(h.width(), h.height(), config.maxPixels())) {
            return DecodeCost.REFUSED; // a header decode refuses at once, naming the problem
        }
        return DecodeCost.imageIo(h, spec, orientation(bytes, spec).transpose,
                format == null ? 1 : format.imageIoRasters());
    }

    /** The path that decodes {@code bytes} itself, or {@code null} (ImageIO decodes them). */
    private DecodePath accepting(byte[] bytes) {
        for (DecodePath path : paths) {
            if (path.accepts(bytes)) {
                return path;
            }
        }
        return null;
    }

    /** The path of the format {@code bytes} are in, or {@code null} (a format only ImageIO knows, or none). */
    private DecodePath ofFormat(byte[] bytes) {
        for (DecodePath path : paths) {
            if (path.isFormat(bytes)) {
                return path;
            }
        }
        return null;
    }

    /** The orientation to apply to {@code bytes} for {@code spec}, from their format's metadata (EXIF, eXIf). */
    Orientation orientation(byte[] bytes, InputSpec spec) {
        DecodePath format = ofFormat(bytes);
        if (!spec.appliesOrientation() || format == null) {
            return Orientation.NORMAL;
        }
        try {
            return format.orientation(bytes);
        } catch (RuntimeException e) {
            // an unreadable EXIF or header: ImageIO decides whether the image itself is readable
            return Orientation.NORMAL;
        }
    }

    /**
     * Decodes on the path that accepts the bytes when there is one; whatever it cannot decode (a colour space or
     * feature it lacks, a reader bug, anything but a declared size over the limit) goes to ImageIO, and only
     * ImageIO's verdict makes an image corrupt: a valid image is never refused because a path could not read it.
     */
    private ModelImage decodeFormat(byte[] bytes, InputSpec spec) {
        DecodePath path = accepting(bytes);
        if (path == null) {
            return readWithImageIo(bytes, spec, DecodeCost.IMAGEIO);
        }
        RuntimeException failure;
        try {
            ModelImage image = path.decode(bytes, spec, config.maxPixels());
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
            ModelImage image = readWithImageIo(bytes, spec, DecodeCost.IMAGEIO + " after " + path.name());
            LOG.infof("%s could not decode %d bytes (%s); ImageIO did", path.name(), bytes.length, reason);
            return image;
        } catch (BadImageException e) {
            LOG.debugf("%s could not decode %d bytes (%s), nor could ImageIO: %s", path.name(), bytes.length, reason,
                    e.getMessage());
            throw e;
        }
    }

    private ModelImage readWithImageIo(byte[] bytes, InputSpec spec, String path) {
        BufferedImage image = decodeWithImageIo(bytes);
        RowResizer out = Reduction.resizer(image.getWidth(), image.getHeight(), spec, orientation(bytes, spec));
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
                DecodePath format = ofFormat(bytes);
                String known = format != null ? format.format() : knownUnsupportedFormat(bytes);
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

    /**
     * The size the header {@code reader} was given declares, refused when it is not positive ({@code image_corrupt})
     * or over {@code maxPixels} ({@code too_many_pixels}).
     */
    static Dimension declaredSize(ImageReader reader, String format, long maxPixels) {
        int width;
        int height;
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
        checkPixels(format, width, height, maxPixels);
        return new Dimension(width, height);
    }

    /** Whether a decoder warning means the data ended early or is damaged. */
    static boolean isTruncationWarning(String warning) {
        String lower = warning == null ? "" : warning.toLowerCase(Locale.ROOT);
        return TRUNCATION_WARNINGS.stream().anyMatch(lower::contains);
    }

    private BufferedImage read(ImageReader reader) {
        String format = formatName(reader);
        Dimension size = declaredSize(reader, format, config.maxPixels());
        long width = size.width;
        long height = size.height;
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

    /**
     * Names formats recognisable from their magic bytes that are not uploaded here (a decode path's format is named by
     * its path).
     */
    static String knownUnsupportedFormat(byte[] b) {
        String head = new String(b, 0, Math.min(b.length, 64), StandardCharsets.ISO_8859_1);
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
