package dev.jepascore.function;

import static dev.jepascore.testing.EventTestSupport.json;
import static dev.jepascore.testing.EventTestSupport.md5;
import static dev.jepascore.testing.EventTestSupport.onDemandScore;
import static dev.jepascore.testing.EventTestSupport.png;
import static dev.jepascore.testing.EventTestSupport.post;
import static dev.jepascore.testing.EventTestSupport.s3Event;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import dev.jepascore.testing.S3ProxyResource;
import dev.jepascore.testing.S3ProxyServer;
import dev.jepascore.testing.TestS3;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The S3 server goes away in the middle of a run of events: the events that arrive meanwhile fail retriably
 * (503 with a JSON error, so the platform redelivers), and once the server is back the redelivered events succeed,
 * with a result document for every object and none lost or doubled.
 */
@QuarkusTest
@QuarkusTestResource(value = S3ProxyResource.class, restrictToAnnotatedClass = true)
class S3OutageTest {

    private static final String BUCKET = S3ProxyResource.BUCKET;
    private static final int OBJECTS = 6;

    @Test
    void storage_outage_fails_events_retriably_and_redelivery_after_restart_loses_nothing() throws IOException {
        S3ProxyServer server = S3ProxyServer.current();
        List<byte[]> images = new ArrayList<>();
        List<byte[]> events = new ArrayList<>();
        try (S3Client s3 = TestS3.client(server)) {
            for (int i = 0; i < OBJECTS; i++) {
                byte[] image = png(100 + i);
                String key = "outage/item-" + i + ".png";
                s3.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(image));
                images.add(image);
                events.add(s3Event(BUCKET, key, md5(image), image.length));
            }
        }

        // The first half is delivered while the server is up.
        List<Integer> failed = new ArrayList<>();
        for (int i = 0; i < OBJECTS / 2; i++) {
            post("/onObjectCreated", events.get(i)).statusCode(200).body("objects[0].outcome", equalTo("scored"));
        }
        server.stop();
        try {
            for (int i = OBJECTS / 2; i < OBJECTS; i++) {
                post("/onObjectCreated", events.get(i)).statusCode(503)
                        .body("error.code", equalTo("storage_unavailable"));
                failed.add(i);
            }
            // The CloudEvents endpoint answers the same way.
            post("/v1/events", events.get(OBJECTS - 1)).statusCode(503).body("error.code", equalTo("storage_unavailable"));
        } finally {
            server.start();
        }

        // The platform redelivers everything it did not see succeed, and (at least once) some that did.
        for (int i : failed) {
            post("/onObjectCreated", events.get(i)).statusCode(200).body("objects[0].outcome", equalTo("scored"));
        }
        post("/onObjectCreated", events.get(0)).statusCode(200).body("objects[0].outcome", equalTo("duplicate"));

        try (S3Client s3 = TestS3.client(server)) {
            List<String> documents = s3.listObjectsV2Paginator(b -> b.bucket(BUCKET).prefix("jepa-scores/outage/"))
                    .contents().stream().map(S3Object::key).sorted().toList();
            assertEquals(OBJECTS, documents.size(), () -> "one document per object: " + documents);
            for (int i = 0; i < OBJECTS; i++) {
                String key = "jepa-scores/outage/item-" + i + ".png@" + md5(images.get(i)) + ".json";
                byte[] document = s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(key)).asByteArray();
                assertEquals(onDemandScore(images.get(i)), json(new String(document)).path("jepaScore").asDouble(), 0.0,
                        key);
            }
        }
    }
}
