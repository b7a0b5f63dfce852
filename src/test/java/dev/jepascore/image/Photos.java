package dev.jepascore.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The real-photo fixtures ({@code src/test/resources/photos}, made from Debian's wallpapers by
 * {@code models/photo_reference.py fixtures}) with the reference's 28x28 luma (Pillow 9.4 full
 * decode, exif_transpose, convert("L"), resize BILINEAR) and its JEPA-SCORE by the float64 listing.
 */
public final class Photos {

    /** One photo: file, format, stored size, EXIF orientation, reference pixels and score. */
    public record Photo(String file, String format, int orientation, byte[] bytes, int[] reference, double jepaScore) {
    }

    private Photos() {
    }

    public static List<Photo> all() {
        try (InputStream in = Photos.class.getResourceAsStream("/photos/reference.json")) {
            JsonNode doc = new ObjectMapper().readTree(in);
            List<Photo> photos = new ArrayList<>();
            for (JsonNode p : doc.get("photos")) {
                int[] ref = new int[p.get("reference").size()];
                for (int i = 0; i < ref.length; i++) {
                    ref[i] = p.get("reference").get(i).asInt();
                }
                String file = p.get("file").asText();
                byte[] bytes;
                try (InputStream img = Photos.class.getResourceAsStream("/photos/" + file)) {
                    bytes = img.readAllBytes();
                }
                photos.add(new Photo(file, p.get("format").asText(), p.get("orientation").asInt(), bytes, ref,
                        p.get("jepaScore").asDouble()));
            }
            return photos;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
