package dev.jepascore.image;

import java.awt.Graphics2D;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;

import org.w3c.dom.Node;

/**
 * A corpus of valid images across formats and their options, made here with the JDK's writers and byte-level edits
 * (markers, chunks), plus libwebp's files from {@code src/test/resources/corpus/webp} (made offline with Debian's
 * {@code webp} tools, see its {@code make.sh}: no Java writer makes them). Every image is legal; {@link #mutated}
 * makes damaged copies. {@code scale} repeats every option over three pictures for each of that many sizes: 1 gives
 * the short form (156 images), 24 the full one (3 112).
 */
public final class Corpus {

    /**
     * One image of the corpus: its class (format and option, e.g. {@code jpeg 4:2:2}), a name, its bytes, and the
     * reference decode as a PNG where ImageIO's own decode of the bytes is not the reference (WebP: libwebp's
     * {@code dwebp}), else {@code null}.
     */
    public record Sample(String cls, String name, byte[] bytes, byte[] reference) {
        Sample(String cls, String name, byte[] bytes) {
            this(cls, name, bytes, null);
        }
    }

    /** Sizes the options are repeated over: odd, tiny, wide, tall, and larger than the DCT scaling's 4x floor. */
    private static final int[][] SIZES = { { 28, 28 }, { 1, 1 }, { 7, 5 }, { 33, 17 }, { 17, 45 }, { 160, 120 },
        { 301, 199 }, { 640, 480 }, { 96, 400 }, { 1000, 750 }, { 2, 300 }, { 255, 257 } };

    private Corpus() {
    }

    /** The valid images: every option on three pictures (sizes cycling through {@link #SIZES}) per unit of scale. */
    public static List<Sample> valid(int scale) {
        List<Sample> out = new ArrayList<>();
        for (int s = 0; s < scale; s++) {
            for (int k = 0; k < 3; k++) { // three pictures per size: different sizes across options too
                int[] size = SIZES[(s * 3 + k) % SIZES.length];
                long seed = 1000L * s + k;
                BufferedImage photo = TestImages.photo(size[0], size[1], seed);
                jpegs(out, photo, seed);
                pngs(out, size[0], size[1], seed);
                gifs(out, size[0], size[1], seed);
                bmps(out, photo, size[0], size[1], seed);
            }
        }
        webps(out);
        return out;
    }

    /** Damaged copies of {@code valid}: truncated at several points and with flipped bits (seeded). */
    public static List<Sample> mutated(List<Sample> valid, int perImage, long seed) {
        Random random = new Random(seed);
        List<Sample> out = new ArrayList<>();
        for (Sample s : valid) {
            byte[] b = s.bytes();
            for (int i = 0; i < perImage; i++) {
                if (i % 2 == 0) {
                    int cut = Math.max(0, Math.min(b.length - 1, (int) (b.length * random.nextDouble())));
                    out.add(new Sample(s.cls() + " truncated", s.name() + " cut at " + cut,
                            java.util.Arrays.copyOf(b, cut)));
                } else {
                    byte[] flipped = b.clone();
                    int flips = 1 + random.nextInt(8);
                    for (int f = 0; f < flips; f++) {
                        int at = random.nextInt(flipped.length);
                        flipped[at] ^= (byte) (1 << random.nextInt(8));
                    }
                    out.add(new Sample(s.cls() + " bit-flipped", s.name() + " " + flips + " flips", flipped));
                }
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ JPEG

    private static void jpegs(List<Sample> out, BufferedImage photo, long seed) {
        String size = photo.getWidth() + "x" + photo.getHeight();
        float[] qualities = { 0.3f, 0.75f, 0.95f };
        float q = qualities[(int) (seed % qualities.length)];
        out.add(new Sample("jpeg baseline 4:2:0", "q" + q + " " + size, jpeg(photo, q, false, 2, 2, 0)));
        out.add(new Sample("jpeg baseline 4:2:2", size, jpeg(photo, q, false, 2, 1, 0)));
        out.add(new Sample("jpeg baseline 4:4:4", size, jpeg(photo, q, false, 1, 1, 0)));
        out.add(new Sample("jpeg progressive 4:2:0", size, jpeg(photo, q, true, 2, 2, 0)));
        out.add(new Sample("jpeg progressive 4:4:4", size, jpeg(photo, q, true, 1, 1, 0)));
        out.add(new Sample("jpeg restart markers", size, jpeg(photo, q, false, 2, 2, 1 + (int) (seed % 4))));
        BufferedImage grey = new BufferedImage(photo.getWidth(), photo.getHeight(), BufferedImage.TYPE_BYTE_GRAY);
        grey.getGraphics().drawImage(photo, 0, 0, null);
        out.add(new Sample("jpeg grey", size, jpeg(grey, q, false, 1, 1, 0)));
        out.add(new Sample("jpeg grey progressive", size, jpeg(grey, q, true, 1, 1, 0)));
        out.add(new Sample("jpeg CMYK (no Adobe marker)", size, TestImages.cmykJpeg(photo, -1)));
        out.add(new Sample("jpeg CMYK (Adobe)", size, TestImages.cmykJpeg(photo, 0)));
        out.add(new Sample("jpeg YCCK (Adobe)", size, TestImages.cmykJpeg(photo, 2)));
        byte[] plain = jpeg(photo, q, false, 2, 2, 0);
        out.add(new Sample("jpeg Adobe YCbCr marker", size, afterSoi(plain, adobe(1))));
        out.add(new Sample("jpeg ICC sRGB", size, afterSoi(plain, icc(ICC_Profile.getInstance(ColorSpace.CS_sRGB)))));
        out.add(new Sample("jpeg grey ICC grey", size, afterSoi(jpeg(grey, q, false, 1, 1, 0),
                icc(ICC_Profile.getInstance(ColorSpace.CS_GRAY)))));
        int orientation = 1 + (int) (seed % 8);
        out.add(new Sample("jpeg EXIF orientation " + orientation, size,
                TestImages.jpegWithOrientation(plain, orientation)));
    }

    /**
     * A JPEG from the JDK's writer: {@code h x v} the luma sampling factors (2x2 4:2:0, 2x1 4:2:2, 1x1 4:4:4),
     * {@code restart} a restart interval in MCUs (0: none).
     */
    static byte[] jpeg(BufferedImage image, float quality, boolean progressive, int h, int v, int restart) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try (ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                ImageOutputStream stream = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(stream);
            ImageWriteParam param = writer.getDefaultWriteParam();
            if (progressive) {
                param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
            } else {
                param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                param.setCompressionQuality(quality);
            }
            IIOMetadata meta = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(image), param);
            String format = "javax_imageio_jpeg_image_1.0";
            Node root = meta.getAsTree(format);
            Node sequence = child(root, "markerSequence");
            Node sof = child(sequence, "sof");
            if (sof != null && image.getRaster().getNumBands() == 3) {
                IIOMetadataNode luma = (IIOMetadataNode) sof.getFirstChild();
                luma.setAttribute("HsamplingFactor", Integer.toString(h));
                luma.setAttribute("VsamplingFactor", Integer.toString(v));
            }
            if (restart > 0) {
                IIOMetadataNode dri = new IIOMetadataNode("dri");
                dri.setAttribute("interval", Integer.toString(restart));
                sequence.insertBefore(dri, child(sequence, "sos"));
            }
            meta.setFromTree(format, root);
            writer.write(null, new IIOImage(image, null, meta), param);
            stream.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
    }

    private static Node child(Node parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n.getNodeName().equals(name)) {
                return n;
            }
        }
        return null;
    }

    private static byte[] adobe(int transform) {
        return new byte[] { (byte) 0xff, (byte) 0xee, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0,
            (byte) transform };
    }

    /** An APP2 ICC_PROFILE segment (one of one) holding {@code profile}. */
    private static byte[] icc(ICC_Profile profile) {
        byte[] data = profile.getData();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int len = 2 + 12 + 2 + data.length;
        out.write(0xff);
        out.write(0xe2);
        out.write(len >> 8);
        out.write(len & 0xff);
        out.writeBytes("ICC_PROFILE\0".getBytes(StandardCharsets.ISO_8859_1));
        out.write(1);
        out.write(1);
        out.writeBytes(data);
        return out.toByteArray();
    }

    private static byte[] afterSoi(byte[] jpeg, byte[] segment) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, 2);
        out.writeBytes(segment);
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    // ------------------------------------------------------------------ PNG

    /** Every colour type at every legal bit depth, each plain and Adam7-interlaced, with tRNS, gAMA, iCCP. */
    private static void pngs(List<Sample> out, int w, int h, long seed) {
        Random random = new Random(seed);
        int[][] types = { { 0, 1 }, { 0, 2 }, { 0, 4 }, { 0, 8 }, { 0, 16 }, { 2, 8 }, { 2, 16 }, { 3, 1 }, { 3, 2 },
            { 3, 4 }, { 3, 8 }, { 4, 8 }, { 4, 16 }, { 6, 8 }, { 6, 16 } };
        for (int[] t : types) {
            boolean interlaced = random.nextBoolean();
            String cls = "png type " + t[0] + " depth " + t[1] + (interlaced ? " interlaced" : "");
            List<byte[]> extra = new ArrayList<>();
            String extras = "";
            if (random.nextInt(3) == 0 && (t[0] == 0 || t[0] == 2 || t[0] == 3)) {
                extra.add(trns(t[0], t[1], random));
                extras += " tRNS";
            }
            if (random.nextInt(3) == 0) {
                extra.add(chunk("gAMA", new byte[] { 0, 0, (byte) 0xb1, (byte) 0x8f })); // 1/2.2
                extras += " gAMA";
            }
            if (random.nextInt(4) == 0) {
                extra.add(iccp(t[0] == 0 || t[0] == 4));
                extras += " iCCP";
            }
            byte[] trnsChunk = extras.contains("tRNS") ? extra.get(0) : null;
            long pngSeed = random.nextLong();
            byte[] png = png(w, h, t[0], t[1], interlaced, extra, new Random(pngSeed));
            byte[] reference = null;
            if (t[0] == 0 && t[1] < 8 && trnsChunk != null && !interlaced) {
                // the JDK's PNG reader ignores tRNS below 8 bits of grey (it applies it at 8 and 16), the streamed
                // decode applies it: the reference is the same picture as 8-bit grey + alpha, the colour key made
                // transparent, which the JDK reads right. (Interlaced, ImageIO decodes it, key ignored: docs/robustness.md)
                int key = ((trnsChunk[8] & 0xff) << 8) | (trnsChunk[9] & 0xff);
                reference = greyAlphaOf(w, h, t[1], key, new Random(pngSeed));
            }
            out.add(new Sample(cls, w + "x" + h + extras, png, reference));
        }
    }

    /** The grey PNG {@link #png} makes from {@code random} at {@code depth}, as 8-bit grey + alpha with {@code key} clear. */
    private static byte[] greyAlphaOf(int w, int h, int depth, int key, Random random) {
        int[][] grey = samples(w, h, 1, depth, random);
        int max = (1 << depth) - 1;
        int[][] ga = new int[h][2 * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                ga[y][2 * x] = grey[y][x] * 255 / max;
                ga[y][2 * x + 1] = grey[y][x] == key ? 0 : 255;
            }
        }
        return encode(ga, w, h, 4, 8, false, List.of(), new Random(0));
    }

    /** A gradient with noise in every channel, {@code channels} samples of {@code depth} bits per pixel. */
    private static int[][] samples(int w, int h, int channels, int depth, Random random) {
        int max = (1 << depth) - 1;
        int[][] samples = new int[h][w * channels];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w * channels; x++) {
                double v = ((x / channels) + y + (x % channels) * 0.3 * w) / (double) Math.max(1, w + h);
                samples[y][x] = Math.max(0, Math.min(max, (int) ((v - Math.floor(v)) * max)
                        + random.nextInt(Math.max(1, max / 16 + 1)) - max / 32));
            }
        }
        return samples;
    }

    /**
     * A PNG written here sample by sample (the JDK's writer makes neither every depth nor Adam7 on demand): a gradient
     * with noise in every channel, {@code chunks} between PLTE and IDAT.
     */
    static byte[] png(int w, int h, int type, int depth, boolean interlaced, List<byte[]> chunks, Random random) {
        int channels = switch (type) {
            case 0, 3 -> 1;
            case 4 -> 2;
            case 2 -> 3;
            default -> 4;
        };
        return encode(samples(w, h, channels, depth, random), w, h, type, depth, interlaced, chunks, random);
    }

    private static byte[] encode(int[][] samples, int w, int h, int type, int depth, boolean interlaced,
            List<byte[]> chunks, Random random) {
        int channels = samples[0].length / w;
        int max = (1 << depth) - 1;
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        if (interlaced) {
            int[][] pass = { { 0, 0, 8, 8 }, { 4, 0, 8, 8 }, { 0, 4, 4, 8 }, { 2, 0, 4, 4 }, { 0, 2, 2, 4 },
                { 1, 0, 2, 2 }, { 0, 1, 1, 2 } };
            for (int[] p : pass) {
                rows(raw, samples, channels, depth, p[0], p[1], p[2], p[3], w, h, random);
            }
        } else {
            rows(raw, samples, channels, depth, 0, 0, 1, 1, w, h, random);
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        png.writeBytes(new byte[] { (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' });
        byte[] ihdr = new byte[13];
        putInt(ihdr, 0, w);
        putInt(ihdr, 4, h);
        ihdr[8] = (byte) depth;
        ihdr[9] = (byte) type;
        ihdr[12] = (byte) (interlaced ? 1 : 0);
        png.writeBytes(chunk("IHDR", ihdr));
        if (type == 3) {
            byte[] plte = new byte[3 * (max + 1)];
            for (int i = 0; i < plte.length; i++) {
                plte[i] = (byte) ((i * 97 + i / 3 * 31) & 0xff);
            }
            png.writeBytes(chunk("PLTE", plte));
        }
        chunks.forEach(png::writeBytes);
        Deflater deflater = new Deflater(random.nextInt(10));
        deflater.setInput(raw.toByteArray());
        deflater.finish();
        ByteArrayOutputStream z = new ByteArrayOutputStream();
        byte[] buf = new byte[1 << 16];
        while (!deflater.finished()) {
            z.write(buf, 0, deflater.deflate(buf));
        }
        deflater.end();
        byte[] data = z.toByteArray();
        int parts = 1 + random.nextInt(3); // IDAT split over several chunks, as encoders do
        for (int i = 0, from = 0; i < parts; i++) {
            int to = i == parts - 1 ? data.length : Math.min(data.length, from + data.length / parts);
            png.writeBytes(chunk("IDAT", java.util.Arrays.copyOfRange(data, from, to)));
            from = to;
        }
        png.writeBytes(chunk("IEND", new byte[0]));
        return png.toByteArray();
    }

    /** The filtered rows of one Adam7 pass (or the whole image: 0, 0, 1, 1), each with a random filter type. */
    private static void rows(ByteArrayOutputStream raw, int[][] samples, int channels, int depth, int x0, int y0,
            int dx, int dy, int w, int h, Random random) {
        int pw = (w - x0 + dx - 1) / dx;
        if (pw <= 0) {
            return;
        }
        int bpp = Math.max(1, channels * depth / 8);
        byte[] prev = null;
        for (int y = y0; y < h; y += dy) {
            int bits = pw * channels * depth;
            byte[] row = new byte[(bits + 7) / 8];
            int bit = 0;
            for (int px = 0; px < pw; px++) {
                int x = x0 + px * dx;
                for (int c = 0; c < channels; c++) {
                    int v = samples[y][x * channels + c];
                    if (depth == 16) {
                        row[bit / 8] = (byte) (v >> 8);
                        row[bit / 8 + 1] = (byte) v;
                    } else if (depth == 8) {
                        row[bit / 8] = (byte) v;
                    } else {
                        row[bit / 8] |= (byte) (v << (8 - depth - bit % 8));
                    }
                    bit += depth;
                }
            }
            int filter = random.nextInt(5);
            raw.write(filter);
            raw.writeBytes(filtered(row, prev == null ? new byte[row.length] : prev, bpp, filter));
            prev = row;
        }
    }

    private static byte[] filtered(byte[] row, byte[] prev, int bpp, int filter) {
        byte[] out = new byte[row.length];
        for (int i = 0; i < row.length; i++) {
            int a = i >= bpp ? row[i - bpp] & 0xff : 0;
            int b = prev[i] & 0xff;
            int c = i >= bpp ? prev[i - bpp] & 0xff : 0;
            int predictor = switch (filter) {
                case 1 -> a;
                case 2 -> b;
                case 3 -> (a + b) / 2;
                case 4 -> paeth(a, b, c);
                default -> 0;
            };
            out[i] = (byte) (row[i] - predictor);
        }
        return out;
    }

    private static int paeth(int a, int b, int c) {
        int p = a + b - c;
        int pa = Math.abs(p - a);
        int pb = Math.abs(p - b);
        int pc = Math.abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    private static byte[] trns(int type, int depth, Random random) {
        int max = (1 << depth) - 1;
        if (type == 3) {
            byte[] alpha = new byte[1 + random.nextInt(max + 1)];
            for (int i = 0; i < alpha.length; i++) {
                alpha[i] = (byte) random.nextInt(256);
            }
            return chunk("tRNS", alpha);
        }
        byte[] key = new byte[type == 0 ? 2 : 6];
        for (int i = 0; i < key.length; i += 2) {
            int v = random.nextInt(max + 1);
            key[i] = (byte) (v >> 8);
            key[i + 1] = (byte) v;
        }
        return chunk("tRNS", key);
    }

    private static byte[] iccp(boolean grey) {
        byte[] profile = ICC_Profile.getInstance(grey ? ColorSpace.CS_GRAY : ColorSpace.CS_sRGB).getData();
        Deflater deflater = new Deflater();
        deflater.setInput(profile);
        deflater.finish();
        byte[] buf = new byte[profile.length + 64];
        int n = deflater.deflate(buf);
        deflater.end();
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        data.writeBytes("profile\0".getBytes(StandardCharsets.ISO_8859_1));
        data.write(0); // deflate
        data.write(buf, 0, n);
        return chunk("iCCP", data.toByteArray());
    }

    static byte[] chunk(String type, byte[] data) {
        byte[] out = new byte[12 + data.length];
        putInt(out, 0, data.length);
        System.arraycopy(type.getBytes(StandardCharsets.ISO_8859_1), 0, out, 4, 4);
        System.arraycopy(data, 0, out, 8, data.length);
        CRC32 crc = new CRC32();
        crc.update(out, 4, 4 + data.length);
        putInt(out, 8 + data.length, (int) crc.getValue());
        return out;
    }

    private static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    // ------------------------------------------------------------------ GIF, BMP

    private static void gifs(List<Sample> out, int w, int h, long seed) {
        String size = w + "x" + h;
        out.add(new Sample("gif still", size, gif(List.of(indexed(w, h, seed, -1)), false)));
        out.add(new Sample("gif transparent", size, gif(List.of(indexed(w, h, seed, 3)), false)));
        out.add(new Sample("gif animated", size, gif(List.of(indexed(w, h, seed, -1), indexed(w, h, seed + 1, 5),
                indexed(w, h, seed + 2, -1)), false)));
        out.add(new Sample("gif interlaced", size, gif(List.of(indexed(w, h, seed, -1)), true)));
    }

    /** A 256-colour picture; {@code transparent} >= 0 marks that palette index transparent. */
    private static BufferedImage indexed(int w, int h, long seed, int transparent) {
        byte[] r = new byte[256];
        byte[] g = new byte[256];
        byte[] b = new byte[256];
        Random random = new Random(seed);
        for (int i = 0; i < 256; i++) {
            r[i] = (byte) i;
            g[i] = (byte) (255 - i);
            b[i] = (byte) random.nextInt(256);
        }
        IndexColorModel palette = transparent >= 0 ? new IndexColorModel(8, 256, r, g, b, transparent)
                : new IndexColorModel(8, 256, r, g, b);
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_INDEXED, palette);
        Graphics2D gr = image.createGraphics();
        gr.drawImage(TestImages.photo(w, h, seed), 0, 0, null);
        gr.dispose();
        if (transparent >= 0) {
            WritableRaster raster = image.getRaster();
            for (int y = 0; y < h; y += 3) {
                for (int x = y % 2; x < w; x += 2) {
                    raster.setSample(x, y, 0, transparent);
                }
            }
        }
        return image;
    }

    private static byte[] gif(List<BufferedImage> frames, boolean interlaced) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
        try (ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                ImageOutputStream stream = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(stream);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setProgressiveMode(interlaced ? ImageWriteParam.MODE_DEFAULT : ImageWriteParam.MODE_DISABLED);
            if (frames.size() == 1) {
                writer.write(null, new IIOImage(frames.get(0), null, null), param);
            } else {
                writer.prepareWriteSequence(null);
                for (BufferedImage frame : frames) {
                    writer.writeToSequence(new IIOImage(frame, null, null), param);
                }
                writer.endWriteSequence();
            }
            stream.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
    }

    private static void bmps(List<Sample> out, BufferedImage photo, int w, int h, long seed) {
        String size = w + "x" + h;
        out.add(new Sample("bmp 24-bit", size, bmp(photo, null, false)));
        out.add(new Sample("bmp 24-bit top-down", size, bmp(photo, null, true)));
        BufferedImage s565 = new BufferedImage(w, h, BufferedImage.TYPE_USHORT_565_RGB);
        s565.getGraphics().drawImage(photo, 0, 0, null);
        out.add(new Sample("bmp 16-bit 565", size, bmp(s565, null, false)));
        BufferedImage argb = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        argb.getGraphics().drawImage(photo, 0, 0, null);
        out.add(new Sample("bmp 32-bit", size, bmp(argb, "BI_BITFIELDS", false)));
        BufferedImage indexed = indexed(w, h, seed, -1);
        out.add(new Sample("bmp 8-bit", size, bmp(indexed, null, false)));
        out.add(new Sample("bmp 8-bit RLE8", size, bmp(indexed, "BI_RLE8", false)));
        BufferedImage four = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_BINARY, grey(4));
        four.getGraphics().drawImage(photo, 0, 0, null);
        out.add(new Sample("bmp 4-bit", size, bmp(four, null, false)));
        if (w >= 4) { // the JDK's RLE4 encoder fails on narrower images (its own index error)
            out.add(new Sample("bmp 4-bit RLE4", size, bmp(four, "BI_RLE4", false)));
        }
        BufferedImage one = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_BINARY);
        one.getGraphics().drawImage(photo, 0, 0, null);
        out.add(new Sample("bmp 1-bit", size, bmp(one, null, false)));
    }

    private static IndexColorModel grey(int bits) {
        int n = 1 << bits;
        byte[] v = new byte[n];
        for (int i = 0; i < n; i++) {
            v[i] = (byte) (i * 255 / (n - 1));
        }
        return new IndexColorModel(bits, n, v, v, v);
    }

    private static byte[] bmp(BufferedImage image, String compression, boolean topDown) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("bmp").next();
        try (ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                ImageOutputStream stream = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(stream);
            javax.imageio.plugins.bmp.BMPImageWriteParam param = (javax.imageio.plugins.bmp.BMPImageWriteParam) writer
                    .getDefaultWriteParam();
            param.setTopDown(topDown);
            if (compression != null) {
                param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                param.setCompressionType(compression);
            }
            writer.write(null, new IIOImage(image, null, null), param);
            stream.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
    }

    // ------------------------------------------------------------------ WebP (committed: made by libwebp's tools)

    /** The committed WebP files (libwebp's own encoder: lossy, lossless, with alpha, animated). */
    private static void webps(List<Sample> out) {
        for (String name : webpNames()) {
            out.add(new Sample("webp " + name.replaceAll("-\\d+.*", ""), name, resource("corpus/webp/" + name),
                    resource("corpus/webp/reference/" + name + ".png")));
        }
    }

    private static List<String> webpNames() {
        byte[] list = resource("corpus/webp/index.txt");
        return new String(list, StandardCharsets.UTF_8).lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }

    private static byte[] resource(String name) {
        try (InputStream in = Corpus.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("test resource " + name + " is missing");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
