package dev.jepascore.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

import jakarta.enterprise.context.ApplicationScoped;

import dev.jepascore.JepaException.Kind;
import dev.jepascore.OverloadedException;

/**
 * Turns encoded bytes into pixels with ImageIO, refusing what must not be decoded: empty input,
 * input over the byte limit, and images whose header declares more pixels than allowed (checked
 * before any pixel buffer is allocated, so a "decompression bomb" costs nothing).
 */
@ApplicationScoped
public class ImageDecoder {

    /** JPEG reader warnings that mean the data ended early; the reader still returns a grey-filled image. */
    private static final List<String> TRUNCATION_WARNINGS = List.of("premature end", "truncated", "corrupt");

    private final ImageConfig config;

    public ImageDecoder(ImageConfig config) {
        this.config = config;
        ImageIO.setUseCache(false);
        ImageIO.scanForPlugins();
    }

    /** Decodes the first frame of {@code bytes}, or throws {@link BadImageException} naming the problem. */
    public BufferedImage decode(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            throw BadImageException.empty();
        }
        if (bytes.length > config.maxBytes()) {
            throw new BadImageException(Kind.TOO_LARGE, "image_too_large",
                    "the image is " + bytes.length + " bytes; the limit is " + config.maxBytes() + " bytes");
        }
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
        if (width * height > config.maxPixels()) {
            throw new BadImageException(Kind.TOO_LARGE, "too_many_pixels", "the " + format + " image declares "
                    + width + "x" + height + " = " + width * height + " pixels; the limit is " + config.maxPixels());
        }
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
            String lower = warning.toLowerCase(Locale.ROOT);
            if (TRUNCATION_WARNINGS.stream().anyMatch(lower::contains)) {
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
