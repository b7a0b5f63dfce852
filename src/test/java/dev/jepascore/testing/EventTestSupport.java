package dev.jepascore.testing;

import static io.restassured.RestAssured.given;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;


import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.jepascore.image.TestImages;
import io.restassured.response.ValidatableResponse;

/** Images, events and on-demand scores for the storage-event tests. */
public final class EventTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();

    private EventTestSupport() {
    }

    /**
     * A 28x28 grayscale PNG (the bundled model's input): a soft blob whose position and brightness depend on
     * {@code seed}, so different seeds give different bytes and scores.
     */
    public static byte[] png(int seed) {
        return TestImages.encode(blob(seed), "png");
    }

    /** The same picture as {@link #png(int)}, as a BMP (decoded through ImageIO, where failures can be injected). */
    public static byte[] bmp(int seed) {
        return TestImages.encode(blob(seed), "bmp");
    }

    private static BufferedImage blob(int seed) {
        BufferedImage image = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        double cx = 8 + (seed * 7) % 12;
        double cy = 8 + (seed * 5) % 12;
        double peak = 140 + (seed * 37) % 110;
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                double d2 = (x - cx) * (x - cx) + (y - cy) * (y - cy);
                int v = (int) Math.round(peak * Math.exp(-d2 / 40.0));
                image.getRaster().setSample(x, y, 0, v);
            }
        }
        return image;
    }

    public static String md5(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A recorded sample event from {@code src/test/resources/events/}, as bytes. */
    public static byte[] sample(String name) {
        try (InputStream in = EventTestSupport.class.getResourceAsStream("/events/" + name)) {
            if (in == null) {
                throw new IllegalStateException("No sample event /events/" + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A recorded sample event whose S3 eTag (a 32-hex-digit {@code eTag}/{@code etag} field, the illustrative value
     * of the S3, MinIO, Ceph and EventBridge samples) is replaced by the MD5 of {@code object}: the eTag the store
     * reports for a single-part upload of those bytes, as the real notification of that upload would carry. Other
     * formats' tags are left as recorded.
     */
    public static byte[] sampleFor(String name, byte[] object) {
        String event = new String(sample(name), StandardCharsets.UTF_8);
        return event.replaceAll("(\"[eE][tT]ag\"\\s*:\\s*\")[0-9a-fA-F]{32}(-[0-9]+)?\"", "$1" + md5(object) + "\"")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** An AWS-style S3 notification for one created object; the key form-URL-encoded as AWS sends it. */
    public static byte[] s3Event(String bucket, String key, String eTag, long size) {
        String encoded = URLEncoder.encode(key, StandardCharsets.UTF_8).replace("%2F", "/");
        String event = """
                {"Records": [{"eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": "us-east-1",
                  "eventTime": "2026-11-27T21:00:00.000Z", "eventName": "ObjectCreated:Put",
                  "s3": {"s3SchemaVersion": "1.0", "bucket": {"name": "%s", "arn": "arn:aws:s3:::%s"},
                         "object": {"key": "%s", "size": %d, "eTag": "%s", "sequencer": "0066A8B1E3C4F1D2AB"}}}]}
                """.formatted(bucket, bucket, encoded, size, eTag);
        return event.getBytes(StandardCharsets.UTF_8);
    }

    /** Parses JSON with full double precision (RestAssured's JsonPath reads numbers as floats). */
    public static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new IllegalStateException("Not JSON: " + body, e);
        }
    }

    /** The node at a dotted path such as {@code signals.knn.distance}; a missing node when any part is absent. */
    public static JsonNode at(JsonNode node, String dotted) {
        for (String part : dotted.split("\\.")) {
            node = node.path(part);
        }
        return node;
    }

    /** The texts of a JSON array (empty for a missing node). */
    public static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asText()));
        return out;
    }

    /** POSTs an event body to a storage-event endpoint. */
    public static ValidatableResponse post(String path, byte[] event) {
        return given().contentType("application/json").body(event).when().post(path).then();
    }

    /** The score of the same bytes through the on-demand endpoint, {@code POST /v1/score}. */
    public static double onDemandScore(byte[] image) {
        return onDemand(image).path("jepaScore").asDouble();
    }

    /** The whole on-demand answer for the same bytes, {@code POST /v1/score}. */
    public static JsonNode onDemand(byte[] image) {
        String body = given().contentType("image/png").body(image).when().post("/v1/score").then().statusCode(200)
                .extract().asString();
        return json(body);
    }
}
