package dev.jepascore.function;

import org.junit.jupiter.api.Tag;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** PhotoScoreTest against the packaged function (on-demand scoring of photos: JPEG, PNG, WebP decoders); run by {@code ./mvnw verify -Pnative} against the binary. */
@Tag("native")
@QuarkusIntegrationTest
class PhotoScoreIT extends PhotoScoreTest {
}
