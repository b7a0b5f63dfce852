package dev.jepascore.image;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

import javax.imageio.ImageIO;

/** Encoded images made in the test, good and broken. */
public final class TestImages {

    private TestImages() {
    }

    /** A w x h RGB picture with a gradient and a shape, encoded as {@code format} (png, jpg, gif, bmp). */
    public static byte[] picture(String format, int w, int h) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        for (int y = 0; y < h; y++) {
            g.setColor(new Color((y * 255) / Math.max(1, h - 1), 40, 200 - (y * 150) / Math.max(1, h - 1)));
            g.drawLine(0, y, w, y);
        }
        g.setColor(Color.WHITE);
        g.fillOval(w / 4, h / 4, w / 2, h / 2);
        g.dispose();
        return encode(image, format);
    }

    public static byte[] encode(BufferedImage image, String format) {
        try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("no ImageIO writer for " + format);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The reference luma of every pixel (alpha onto black), read through sRGB as ImageIO gives it. */
    public static byte[] luma(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        byte[] out = new byte[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = image.getRGB(x, y);
                int a = p >>> 24;
                int r = Colour.premultiply((p >> 16) & 0xff, a);
                int g = Colour.premultiply((p >> 8) & 0xff, a);
                int b = Colour.premultiply(p & 0xff, a);
                out[y * w + x] = (byte) Colour.luma(r, g, b);
            }
        }
        return out;
    }

    /** The model-sized pixels of an image file, through the function's decoder (generous limits). */
    public static ModelImage decode(java.nio.file.Path file, InputSpec spec) {
        try {
            return DECODER.decode(java.nio.file.Files.readAllBytes(file), spec);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final ImageDecoder DECODER = new ImageDecoder(ImageDecoderTest.limits(64L << 20, 100_000_000));

    /** The first {@code fraction} of the bytes. */
    public static byte[] truncated(byte[] bytes, double fraction) {
        return Arrays.copyOf(bytes, (int) (bytes.length * fraction));
    }

    /**
     * A small, valid-looking PNG whose header declares {@code w x h} pixels: a decompression bomb
     * that must be refused from its header alone.
     */
    public static byte[] pngDeclaring(int w, int h) {
        byte[] png = picture("png", 4, 4);
        // IHDR data starts at byte 16: width (4 bytes, big-endian), then height
        writeInt(png, 16, w);
        writeInt(png, 20, h);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(png, 12, 17);
        writeInt(png, 29, (int) crc.getValue());
        return png;
    }

    private static void writeInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }
}
