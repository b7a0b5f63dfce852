package dev.jepascore.function;

import static dev.jepascore.testing.EventTestSupport.md5;
import static dev.jepascore.testing.EventTestSupport.png;
import static dev.jepascore.testing.EventTestSupport.post;
import static dev.jepascore.testing.EventTestSupport.s3Event;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import dev.jepascore.testing.S3ProxyResource;
import dev.jepascore.testing.S3ProxyServer;
import dev.jepascore.testing.TestS3;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The function's credentials are refused by the S3 server: the event fails with 403 {@code access_denied} (not
 * retriable, nothing written), rather than a retry storm or a silent success.
 */
@QuarkusTest
@QuarkusTestResource(value = S3ProxyResource.WrongCredentials.class, restrictToAnnotatedClass = true)
class S3AccessDeniedTest {

    @Test
    void access_denied_by_the_store_is_403_with_json_error_and_writes_nothing() {
        byte[] image = png(3);
        try (S3Client s3 = TestS3.client(S3ProxyServer.current())) {
            s3.putObject(b -> b.bucket(S3ProxyResource.BUCKET).key("private/a.png"), RequestBody.fromBytes(image));

            post("/onObjectCreated", s3Event(S3ProxyResource.BUCKET, "private/a.png", md5(image), image.length))
                    .statusCode(403)
                    .body("error.code", equalTo("access_denied"));

            assertEquals(0, s3.listObjectsV2(b -> b.bucket(S3ProxyResource.BUCKET).prefix("jepa-scores/")).keyCount());
        }
    }
}
