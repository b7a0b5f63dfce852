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

    private static final java.util.Map<Long, byte[]> RGBA16 = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * A valid {@code w x h} PNG of 16-bit RGBA (8 bytes a pixel once decoded) that is small on disk: transparent
     * black with one opaque grey pixel per row, written row by row so that making it allocates no raster. 7000 x 5670
     * (39.7 MP, inside the 40 MP limit) is about 320 KB encoded and 318 MB decoded.
     */
    public static byte[] pngRgba16(int w, int h) {
        return RGBA16.computeIfAbsent(((long) w << 32) | h, k -> {
            try (ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                    java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
                out.write(new byte[] { (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' });
                ByteArrayOutputStream header = new ByteArrayOutputStream();
                java.io.DataOutputStream ihdr = new java.io.DataOutputStream(header);
                ihdr.writeInt(w);
                ihdr.writeInt(h);
                ihdr.write(new byte[] { 16, 6, 0, 0, 0 }); // bit depth 16, colour type 6 (RGBA), deflate, no filter, no interlace
                chunk(out, "IHDR", header.toByteArray());
                ByteArrayOutputStream idat = new ByteArrayOutputStream();
                java.util.zip.Deflater deflater = new java.util.zip.Deflater(java.util.zip.Deflater.BEST_COMPRESSION);
                try (java.util.zip.DeflaterOutputStream z = new java.util.zip.DeflaterOutputStream(idat, deflater, 1 << 16)) {
                    byte[] row = new byte[1 + w * 8]; // filter byte 0, then w pixels of 4 x 16-bit samples
                    for (int y = 0; y < h; y++) {
                        int at = 1 + (y % w) * 8;
                        java.util.Arrays.fill(row, at, at + 8, (byte) 0x80);
                        z.write(row);
                        java.util.Arrays.fill(row, at, at + 8, (byte) 0);
                    }
                } finally {
                    deflater.end();
                }
                chunk(out, "IDAT", idat.toByteArray());
                chunk(out, "IEND", new byte[0]);
                out.flush();
                return bytes.toByteArray();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /**
     * The PNG with a private ancillary chunk of {@code padding} zero bytes before its end: readers skip it, so the
     * image is the same and only the byte count grows.
     */
    public static byte[] withPrivateChunk(byte[] png, int padding) {
        int iend = png.length - 12; // IEND is the last chunk: length, type, no data, CRC
        try (ByteArrayOutputStream bytes = new ByteArrayOutputStream(png.length + padding + 12);
                java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
            out.write(png, 0, iend);
            chunk(out, "prVt", new byte[padding]);
            out.write(png, iend, 12);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void chunk(java.io.DataOutputStream out, String type, byte[] data) throws IOException {
        byte[] name = type.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(name);
        crc.update(data);
        out.writeInt(data.length);
        out.write(name);
        out.write(data);
        out.writeInt((int) crc.getValue());
    }

    private static void writeInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }
}
