package dev.jepascore.report;

import dev.jepascore.ErrorCode;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Base64;

import javax.imageio.ImageIO;

import dev.jepascore.JepaException;
import dev.jepascore.image.ImageDecoder;
import dev.jepascore.image.InputSpec;
import dev.jepascore.image.ModelImage;
import dev.jepascore.storage.ObjectStore;
import dev.jepascore.storage.StoredObject;

/**
 * Thumbnails of ranked images, as the model saw them: the object is read again, decoded by the function's own
 * {@link ImageDecoder} to the model's input (upright, resized, in the model's colour), scaled to at most
 * {@code px} on its longest side (whole-pixel enlargement for small inputs, so a 28 x 28 input stays sharp), and
 * encoded with ImageIO (PNG for grey, JPEG for colour) into a {@code data:} URI.
 *
 * @param decoder        the function's decoder
 * @param spec           the model's input, as the images were scored
 * @param maxObjectBytes the most bytes read of one object ({@code jepa.storage.max-object-bytes})
 * @param px             the longest side of a thumbnail
 */
record Thumbnails(ImageDecoder decoder, InputSpec spec, long maxObjectBytes, int px) {

    ReportData.Thumbnail of(ObjectStore store, ModelSection.Ranked ranked) {
        StoredObject object;
        try {
            object = store.get(ranked.bucket(), ranked.key(), maxObjectBytes);
        } catch (JepaException e) {
            if (e.kind().retriable()) {
                throw e;
            }
            return new ReportData.Thumbnail(null, e.code() == ErrorCode.OBJECT_NOT_FOUND
                    ? "no longer in the bucket" : "not readable now (" + e.code() + ")");
        }
        if (ranked.versionTag() != null && !ranked.versionTag().equals(object.versionTag())) {
            return new ReportData.Thumbnail(null, "replaced since it was scored");
        }
        ModelImage image;
        try {
            image = decoder.decode(object.bytes(), spec);
        } catch (JepaException e) {
            if (e.kind().retriable()) {
                throw e;
            }
            return new ReportData.Thumbnail(null, "not decodable now (" + e.code() + ")");
        }
        BufferedImage scaled = scale(toImage(image), px);
        boolean grey = image.planes().length == 1;
        return new ReportData.Thumbnail(dataUri(scaled, grey ? "png" : "jpeg"),
                image.width() + " x " + image.height() + " as the model saw it");
    }

    static BufferedImage toImage(ModelImage image) {
        int w = image.width();
        int h = image.height();
        byte[][] planes = image.planes();
        if (planes.length == 1) {
            BufferedImage grey = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
            grey.getRaster().setDataElements(0, 0, w, h, planes[0]);
            return grey;
        }
        BufferedImage rgb = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < w * h; i++) {
            int r = planes[0][i] & 0xff;
            int g = planes[1][i] & 0xff;
            int b = planes[2][i] & 0xff;
            rgb.setRGB(i % w, i / w, r << 16 | g << 8 | b);
        }
        return rgb;
    }

    /** At most {@code px} on the longest side: whole-pixel enlargement (nearest) or bilinear reduction. */
    static BufferedImage scale(BufferedImage in, int px) {
        int longest = Math.max(in.getWidth(), in.getHeight());
        double factor = longest <= px ? Math.max(1, px / longest) : (double) px / longest;
        int w = Math.max(1, (int) Math.round(in.getWidth() * factor));
        int h = Math.max(1, (int) Math.round(in.getHeight() * factor));
        if (w == in.getWidth() && h == in.getHeight()) {
            return in;
        }
        BufferedImage out = new BufferedImage(w, h, in.getType());
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, factor >= 1
                    ? RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR : RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(in, 0, 0, w, h, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    static String dataUri(BufferedImage image, String format) {
        try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("ImageIO has no " + format + " writer");
            }
            return "data:image/" + format + ";base64," + Base64.getEncoder().encodeToString(out.toByteArray());
        } catch (IOException e) {
            throw new IllegalStateException("Cannot encode a thumbnail as " + format + ": " + e.getMessage(), e);
        }
    }
}
