package dev.jepascore.image;

import dev.jepascore.ErrorCode;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

import javax.imageio.ImageIO;

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
        return first(p -> p.format().equals(format)).map(DecodePath::description).orElse("ImageIO");
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
        Optional<DecodePath> path = first(p -> p.accepts(bytes));
        if (path.isPresent()) {
            try {
                DecodeCost.Estimate e = path.get().estimate(bytes, spec, config.maxPixels());
                if (e != null) {
                    return e;
                }
            } catch (RuntimeException e) {
                // the path cannot read the header: decode hands the bytes to ImageIO, so the cost is ImageIO's
            }
        }
        DecodeCost.Header h = DecodeCost.peek(bytes);
        if (h == null || Reduction.refused(h.width(), h.height(), config.maxPixels())) {
            return DecodeCost.REFUSED; // a header decode refuses at once, naming the problem
        }
        return DecodeCost.imageIo(h, spec, orientation(bytes, spec).transpose,
                ofFormat(bytes).map(DecodePath::imageIoRasters).orElse(1));
    }

    /** The first path that passes {@code test}, in the order of {@link #paths}. */
    private Optional<DecodePath> first(Predicate<DecodePath> test) {
        return paths.stream().filter(test).findFirst();
    }

    /** The path of the format {@code bytes} are in; none for a format only ImageIO knows, or no image. */
    private Optional<DecodePath> ofFormat(byte[] bytes) {
        return first(p -> p.isFormat(bytes));
    }

    /** The orientation to apply to {@code bytes} for {@code spec}, from their format's metadata (EXIF, eXIf). */
    Orientation orientation(byte[] bytes, InputSpec spec) {
        Optional<DecodePath> format = ofFormat(bytes);
        if (!spec.appliesOrientation() || format.isEmpty()) {
            return Orientation.NORMAL;
        }
        try {
            return format.get().orientation(bytes);
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
        Optional<DecodePath> accepting = first(p -> p.accepts(bytes));
        if (accepting.isEmpty()) {
            return readWithImageIo(bytes, spec, DecodeCost.IMAGEIO);
        }
        DecodePath path = accepting.get();
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

    /** Decodes the first frame with ImageIO at full resolution ({@link ImageIoReader}); its verdict is final. */
    protected BufferedImage decodeWithImageIo(byte[] bytes) {
        return ImageIoReader.decode(bytes, config.maxPixels(), ofFormat(bytes).map(DecodePath::format));
    }
}
