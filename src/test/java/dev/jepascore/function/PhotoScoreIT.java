package dev.jepascore.function;

import org.junit.jupiter.api.Tag;

import dev.jepascore.testing.ConfiguredAsTests;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.quarkus.test.junit.TestProfile;

/** PhotoScoreTest against the packaged function (on-demand scoring of photos: JPEG, PNG, WebP decoders); run by {@code ./mvnw verify -Pnative} against the binary. */
@Tag("native")
@QuarkusIntegrationTest
@TestProfile(ConfiguredAsTests.class)
class PhotoScoreIT extends PhotoScoreTest {
}
