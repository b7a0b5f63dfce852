package dev.jepascore.image;

import dev.jepascore.ErrorCode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

import org.junit.jupiter.api.Test;

import dev.jepascore.JepaException.Kind;
import dev.jepascore.OverloadedException;
import dev.jepascore.testing.FaultyBmpReader;

class ImageDecoderTest {

    private final ImageDecoder decoder = new ImageDecoder(limits(1_000_000, 4_000_000));

    static ImageConfig limits(long maxBytes, long maxPixels) {
        return new ImageConfig() {
            @Override
            public long maxBytes() {
                return maxBytes;
            }

            @Override
            public long maxPixels() {
                return maxPixels;
            }

            @Override
            public int maxBatch() {
                return 64;
            }
        };
    }

    /** The bundled model's input: 28x28 luma. */
    static final InputSpec SPEC = InputSpec.of(1, 28, 28, 1 / 255.0, List.of(0.286), List.of(0.353));

    @Test
    void decodes_png_jpeg_gif_and_bmp_to_the_reference_resize_of_their_pixels() {
        for (String format : new String[] { "png", "jpg", "gif", "bmp" }) {
            byte[] bytes = TestImages.picture(format, 40, 30);
            ModelImage image = decoder.decode(bytes, SPEC);
            assertEquals(28, image.width(), format);
            assertEquals(28, image.height(), format);
            byte[] expected = Resampler.resize(TestImages.luma(decoder.decodeWithImageIo(bytes)), 40, 30, 28, 28);
            if (image.path().startsWith("jpeg turbojpeg")) {
                // a grey model gets the JPEG's own luma (Y, as Pillow's draft mode does), not RGB converted back
                expected = Resampler.resize(jpegLuma(bytes), 40, 30, 28, 28);
            }
            assertArrayEquals(expected, image.planes()[0], format + " via " + image.path());
        }
    }

    /** The Y component of a baseline YCbCr JPEG, read raw (no colour conversion) by ImageIO's libjpeg. */
    private static byte[] jpegLuma(byte[] jpeg) {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(jpeg))) {
            ImageReader reader = ImageIO.getImageReadersByFormatName("jpeg").next();
            reader.setInput(in);
            Raster raw = reader.readRaster(0, null);
            reader.dispose();
            byte[] y = new byte[raw.getWidth() * raw.getHeight()];
            for (int row = 0, i = 0; row < raw.getHeight(); row++) {
                for (int x = 0; x < raw.getWidth(); x++) {
                    y[i++] = (byte) raw.getSample(x, row, 0);
                }
            }
            return y;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void decodes_webp() throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/images/shirt.webp")) {
            byte[] bytes = in.readAllBytes();
            ModelImage image = decoder.decode(bytes, SPEC);
            assertArrayEquals(TestImages.luma(decoder.decodeWithImageIo(bytes)), image.planes()[0]);
        }
    }

    @Test
    void rejects_empty_bytes() {
        assertCode("empty_image", Kind.BAD_INPUT, new byte[0]);
    }

    @Test
    void rejects_text_as_not_an_image() {
        assertCode("not_an_image", Kind.BAD_INPUT, "hello, this is not a picture".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void rejects_truncated_png() {
        assertCode("image_corrupt", Kind.BAD_INPUT, TestImages.truncated(TestImages.picture("png", 200, 200), 0.5));
    }

    @Test
    void rejects_truncated_jpeg() {
        assertCode("image_corrupt", Kind.BAD_INPUT, TestImages.truncated(TestImages.picture("jpg", 200, 200), 0.5));
    }

    @Test
    void refuses_a_decompression_bomb_from_its_header() {
        assertCode("too_many_pixels", Kind.TOO_LARGE, TestImages.pngDeclaring(100_000, 100_000));
    }

    @Test
    void refuses_bytes_over_the_limit_before_decoding() {
        ImageDecoder small = new ImageDecoder(limits(100, 4_000_000));
        assertCode(small, "image_too_large", Kind.TOO_LARGE, TestImages.picture("png", 64, 64));
    }

    @Test
    void names_known_formats_it_does_not_read() {
        byte[] heic = "\0\0\0\u0018ftypheic\0\0\0\0mif1heic".getBytes(StandardCharsets.ISO_8859_1);
        BadImageException e = assertCode("unsupported_format", Kind.UNSUPPORTED, heic);
        assertEquals(true, e.getMessage().contains("HEIF"), e.getMessage());
    }

    @Test
    void out_of_memory_inside_the_reader_is_overloaded_not_image_corrupt() {
        FaultyBmpReader.arm(FaultyBmpReader.Fault.OUT_OF_MEMORY, 1);
        try {
            OverloadedException e = assertThrows(OverloadedException.class,
                    () -> decoder.decode(TestImages.picture("bmp", 28, 28), SPEC));
            assertEquals(ErrorCode.OVERLOADED, e.code());
            assertEquals(Kind.UNAVAILABLE, e.kind());
            assertEquals(true, e.kind().retriable());
        } finally {
            FaultyBmpReader.disarm();
        }
    }

    @Test
    void format_error_inside_the_reader_stays_image_corrupt() {
        FaultyBmpReader.arm(FaultyBmpReader.Fault.CORRUPT, 1);
        try {
            assertCode("image_corrupt", Kind.BAD_INPUT, TestImages.picture("bmp", 28, 28));
        } finally {
            FaultyBmpReader.disarm();
        }
    }

    @Test
    void tiff_is_refused_as_unsupported_although_the_jdk_reads_it() {
        BadImageException e = assertCode("unsupported_format", Kind.UNSUPPORTED, TestImages.picture("tiff", 28, 28));
        assertEquals(true, e.getMessage().contains("TIFF"), e.getMessage());
    }

    private BadImageException assertCode(String code, Kind kind, byte[] bytes) {
        return assertCode(decoder, code, kind, bytes);
    }

    private static BadImageException assertCode(ImageDecoder decoder, String code, Kind kind, byte[] bytes) {
        BadImageException e = assertThrows(BadImageException.class, () -> decoder.decode(bytes, SPEC));
        assertEquals(code, e.code().code(), e.getMessage());
        assertEquals(kind, e.kind());
        return e;
    }
}
