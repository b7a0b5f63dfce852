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

    /**
     * {@code image} as a four-component JPEG written by the JDK's writer from a CMYK raster (C = 255 - R, M = 255 - G,
     * Y = 255 - B, K = 0); {@code adobeTransform} -1 writes no Adobe APP14 marker (readers take four components as
     * CMYK), 0 marks it Adobe CMYK, 2 Adobe YCCK (the components are then read as YCCK: other colours, same image).
     */
    public static byte[] cmykJpeg(BufferedImage image, int adobeTransform) {
        int w = image.getWidth();
        int h = image.getHeight();
        java.awt.image.WritableRaster cmyk = java.awt.image.Raster.createInterleavedRaster(
                java.awt.image.DataBuffer.TYPE_BYTE, w, h, 4, null);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = image.getRGB(x, y);
                cmyk.setPixel(x, y, new int[] { 255 - (p >> 16 & 0xff), 255 - (p >> 8 & 0xff), 255 - (p & 0xff), 0 });
            }
        }
        javax.imageio.ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        byte[] plain;
        try (ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                javax.imageio.stream.ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.write(null, new javax.imageio.IIOImage(cmyk, null, null), writer.getDefaultWriteParam());
            out.flush();
            plain = bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        if (adobeTransform < 0) {
            return plain;
        }
        byte[] app14 = { (byte) 0xff, (byte) 0xee, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0,
                (byte) adobeTransform };
        byte[] out = new byte[plain.length + app14.length];
        System.arraycopy(plain, 0, out, 0, 2); // after SOI
        System.arraycopy(app14, 0, out, 2, app14.length);
        System.arraycopy(plain, 2, out, 2 + app14.length, plain.length - 2);
        return out;
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
    /** An EXIF block (big-endian TIFF, one IFD entry) holding {@code orientation}. */
    static byte[] exif(int orientation) {
        return new byte[] { 'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1, // header, IFD0 at 8, one entry
            0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, (byte) orientation, 0, 0, // Orientation, SHORT, count 1
            0, 0, 0, 0 }; // no next IFD
    }

    /** The JPEG with an APP1 Exif segment holding {@code orientation} right after its start marker. */
    public static byte[] jpegWithOrientation(byte[] jpeg, int orientation) {
        byte[] tiff = exif(orientation);
        int len = 2 + 6 + tiff.length;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, 2);
        out.write(0xff);
        out.write(0xe1);
        out.write(len >> 8);
        out.write(len & 0xff);
        out.writeBytes("Exif\0\0".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        out.writeBytes(tiff);
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    /** The PNG with an eXIf chunk holding {@code orientation} right after IHDR. */
    public static byte[] pngWithOrientation(byte[] png, int orientation) {
        byte[] tiff = exif(orientation);
        byte[] chunk = new byte[12 + tiff.length];
        writeInt(chunk, 0, tiff.length);
        chunk[4] = 'e';
        chunk[5] = 'X';
        chunk[6] = 'I';
        chunk[7] = 'f';
        System.arraycopy(tiff, 0, chunk, 8, tiff.length);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(chunk, 4, 4 + tiff.length);
        writeInt(chunk, 8 + tiff.length, (int) crc.getValue());
        int afterHeader = 8 + 25; // signature, IHDR (length, type, 13 bytes, CRC)
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(png, 0, afterHeader);
        out.writeBytes(chunk);
        out.write(png, afterHeader, png.length - afterHeader);
        return out.toByteArray();
    }

    /** A w x h photo-like RGB picture: smooth gradients, a few shapes and fine noise (seeded). */
    public static BufferedImage photo(int w, int h, long seed) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        java.util.Random random = new java.util.Random(seed);
        double fx = 2 + random.nextDouble() * 3;
        double fy = 1 + random.nextDouble() * 3;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double u = (double) x / w;
                double v = (double) y / h;
                int r = clamp(128 + 100 * Math.sin(fx * u * 6.28) * Math.cos(fy * v * 3.14) + random.nextGaussian() * 6);
                int g = clamp(40 + 180 * v + random.nextGaussian() * 6);
                int b = clamp(200 - 150 * u * v + random.nextGaussian() * 6);
                image.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillOval(w / 5, h / 4, w / 3, h / 3);
        g.setColor(Color.BLACK);
        g.fillRect(w / 2, h / 2, w / 4, h / 6);
        g.dispose();
        return image;
    }

    private static int clamp(double v) {
        return (int) Math.max(0, Math.min(255, Math.round(v)));
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
