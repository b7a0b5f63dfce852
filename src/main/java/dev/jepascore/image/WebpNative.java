package dev.jepascore.image;

import java.awt.Dimension;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;

import javax.imageio.ImageReader;
import javax.imageio.spi.IIORegistry;
import javax.imageio.spi.ImageReaderSpi;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

import com.luciad.imageio.webp.WebPImageReaderSpi;
import com.luciad.imageio.webp.WebPReadParam;
import com.luciad.imageio.webp.WebPWrapper;

/**
 * WebP through libwebp (the {@code webp-imageio} library, which bundles it for Linux and macOS on
 * x86_64 and aarch64), decoding straight to a reduced size: libwebp's rescaler averages the decoded
 * rows as they come out, so neither the full-size picture nor a full-size buffer is ever built.
 * Used directly, not through ImageIO's registry, where TwelveMonkeys' pure-Java reader stays the
 * WebP reader for the fallback.
 */
final class WebpNative {

    private final ImageReaderSpi spi;
    private final String description;

    private WebpNative(ImageReaderSpi spi, String description) {
        this.spi = spi;
        this.description = description;
    }

    /**
     * Loads libwebp (extracted from the jar by the library).
     *
     * @throws IllegalStateException when the native library does not load on this platform
     */
    static WebpNative load() {
        try {
            WebPWrapper.loadNativeLibrary();
        } catch (LinkageError | RuntimeException e) {
            throw new IllegalStateException("libwebp (webp-imageio) does not load here: " + e, e);
        }
        return new WebpNative(new WebPImageReaderSpi(), "libwebp (webp-imageio, scaled decode)");
    }

    /** Takes the library's reader out of ImageIO's registry, where TwelveMonkeys' stays the WebP reader. */
    static void keepOutOfImageIo() {
        IIORegistry registry = IIORegistry.getDefaultInstance();
        registry.getServiceProviders(ImageReaderSpi.class, p -> p instanceof WebPImageReaderSpi, false)
                .forEachRemaining(p -> registry.deregisterServiceProvider(p, ImageReaderSpi.class));
    }

    String description() {
        return description;
    }

    static boolean isWebp(byte[] b) {
        return b.length >= 12 && b[0] == 'R' && b[1] == 'I' && b[2] == 'F' && b[3] == 'F' && b[8] == 'W' && b[9] == 'E'
                && b[10] == 'B' && b[11] == 'P';
    }

    /**
     * Whether a WebP is animated (its VP8X header's animation flag): libwebp's still-image decoder refuses those, so
     * ImageIO reads their first frame.
     */
    static boolean isAnimated(byte[] b) {
        return isWebp(b) && b.length >= 21 && b[12] == 'V' && b[13] == 'P' && b[14] == '8' && b[15] == 'X'
                && (b[20] & 0x02) != 0;
    }

    /**
     * The {@code {width, height}} {@link #decode} produces for a {@code w x h} image: the smallest size, keeping the
     * aspect ratio, that is at least {@code minWidth x minHeight} (full size when the image is smaller).
     */
    static int[] scaledSize(int w, int h, int minWidth, int minHeight) {
        double f = Math.max((double) minWidth / w, (double) minHeight / h);
        if (f >= 1) {
            return new int[] { w, h };
        }
        return new int[] { Math.min(w, (int) Math.ceil(w * f)), Math.min(h, (int) Math.ceil(h * f)) };
    }

    /**
     * Decodes at the smallest size, keeping the aspect ratio, that is at least
     * {@code minWidth x minHeight} (full size when the image is smaller).
     */
    BufferedImage decode(byte[] webp, int minWidth, int minHeight, long maxPixels) {
        ImageReader reader;
        try {
            reader = spi.createReaderInstance(null);
        } catch (IOException e) {
            throw new IllegalStateException("no libwebp reader: " + e.getMessage(), e);
        }
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(webp))) {
            reader.setInput(in, true, true);
            Dimension declared = ImageIoReader.declaredSize(reader, "WEBP", maxPixels);
            int w = declared.width;
            int h = declared.height;
            int[] size = scaledSize(w, h, minWidth, minHeight);
            WebPReadParam param = new WebPReadParam();
            if (size[0] != w || size[1] != h) {
                param.setUseScaling(true);
                param.setScaledWidth(size[0]);
                param.setScaledHeight(size[1]);
            }
            try {
                return reader.read(0, param);
            } catch (IOException | RuntimeException e) {
                throw BadImageException.truncated("WEBP", e);
            }
        } catch (IOException e) {
            throw BadImageException.truncated("WEBP", e);
        } finally {
            reader.dispose();
        }
    }
}
