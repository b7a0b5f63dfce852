package dev.jepascore.image;

import java.awt.Dimension;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

import dev.jepascore.ErrorCode;
import dev.jepascore.OverloadedException;

/**
 * ImageIO's full-resolution decode, the general one whose verdict is final: the readers on the class path (the JDK's,
 * TwelveMonkeys'), refusing sizes from the header, truncation from the reader's warnings, and naming what no reader
 * reads. The header checks the decode paths share ({@link #checkPixels}, {@link #declaredSize}) live here too.
 */
final class ImageIoReader {

    /** JPEG reader warnings that mean the data ended early; the reader still returns a grey-filled image. */
    private static final List<String> TRUNCATION_WARNINGS = List.of("premature end", "truncated", "corrupt");

    private ImageIoReader() {
    }

    /**
     * Decodes the first frame of {@code bytes} at full resolution, refusing more than {@code maxPixels} from the
     * header; {@code pathFormat} names the format of the decode path the bytes are in, if any (when no ImageIO reader
     * reads them, the answer is that this format is not supported here).
     */
    static BufferedImage decode(byte[] bytes, long maxPixels, Optional<String> pathFormat) {
        if ("TIFF".equals(knownUnsupportedFormat(bytes))) {
            // the JDK has a TIFF reader, but TIFF is not a supported upload format (multi-page, CMYK, float samples)
            throw BadImageException.unsupported("TIFF");
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                String known = pathFormat.orElseGet(() -> knownUnsupportedFormat(bytes));
                if (known != null) {
                    throw BadImageException.unsupported(known);
                }
                throw BadImageException.notAnImage("no image reader recognises the bytes: " + describeStart(bytes));
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                return read(reader, maxPixels);
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

    private static BufferedImage read(ImageReader reader, long maxPixels) {
        String format = formatName(reader);
        Dimension size = declaredSize(reader, format, maxPixels);
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
