package dev.jepascore.function;

import static dev.jepascore.testing.EventTestSupport.md5;
import static dev.jepascore.testing.EventTestSupport.post;
import static dev.jepascore.testing.EventTestSupport.s3Event;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.jepascore.function.Fixtures.Fixture;
import dev.jepascore.testing.S3ProxyResource;
import dev.jepascore.testing.S3ProxyServer;
import dev.jepascore.testing.TestS3;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code jepa.storage.bucket-models} against a real S3 server (S3Proxy): objects in bucket {@code photos} are
 * scored by photo-vit, objects in {@code uploads} by the default Fashion-MNIST model, and each result document,
 * written back to S3, names the model and version that scored it.
 */
@QuarkusTest
@TestProfile(S3BucketModelTest.PhotosBucket.class)
@QuarkusTestResource(value = S3ProxyResource.class, restrictToAnnotatedClass = true)
class S3BucketModelTest {

    private static final String PHOTOS = "photos";
    private static final Path PHOTO_FIXTURES = Path.of("models", "photo-vit", "fixtures");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static S3Client s3;

    /** Both bundled packages, fmnist-lejepa the default, bucket {@code photos} scored by photo-vit. */
    public static final class PhotosBucket implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("jepa.model.packages", "fmnist-lejepa,photo-vit", "jepa.model.id", "fmnist-lejepa",
                    "jepa.storage.bucket-models." + PHOTOS, "photo-vit", "jepa.storage.buckets", "uploads," + PHOTOS);
        }
    }

    @BeforeAll
    static void client() {
        s3 = TestS3.client(S3ProxyServer.current());
        s3.createBucket(b -> b.bucket(PHOTOS));
    }

    @AfterAll
    static void close() {
        s3.close();
    }

    private static JsonNode scoreEvent(String bucket, String key, byte[] image) throws IOException {
        s3.putObject(b -> b.bucket(bucket).key(key).contentType("image/png"), RequestBody.fromBytes(image));
        JsonNode answer = JSON.readTree(post("/onObjectCreated", s3Event(bucket, key, md5(image), image.length))
                .statusCode(200).body("objects[0].outcome", equalTo("scored")).extract().asString())
                .path("objects").path(0);
        return JSON.readTree(s3.getObjectAsBytes(b -> b.bucket(answer.path("resultBucket").asText())
                .key(answer.path("resultKey").asText())).asByteArray());
    }

    @Test
    void objects_are_scored_by_their_buckets_model_and_the_document_names_it() throws IOException {
        JsonNode photo = JSON.readTree(PHOTO_FIXTURES.resolve("reference.json").toFile()).get("fixtures").get(1);
        byte[] png = Files.readAllBytes(PHOTO_FIXTURES.resolve(photo.get("file").asText()));
        JsonNode mapped = scoreEvent(PHOTOS, "2026/11/" + photo.get("file").asText(), png);
        assertEquals("photo-vit", mapped.path("model").path("id").asText(), mapped.toString());
        assertEquals("1.0.0", mapped.path("model").path("version").asText());
        assertEquals("sketch", mapped.path("mode").asText());
        assertEquals(photo.get("jepaScore").asDouble(), mapped.path("jepaScore").asDouble(), PackagedModelServedTest.SKETCH_ACROSS_CPUS,
                "photo-vit's recorded score of its fixture");

        Fixture garment = Fixtures.all().get(2);
        JsonNode fallback = scoreEvent(S3ProxyResource.BUCKET, "garments/" + garment.name() + ".png", garment.png());
        assertEquals("fmnist-lejepa", fallback.path("model").path("id").asText(), fallback.toString());
        assertEquals("exact", fallback.path("mode").asText());
        assertEquals(garment.jepaScore(), fallback.path("jepaScore").asDouble(), 1e-3, "the PyTorch listing's score");
    }
}
