package dev.jepascore.function;

import org.junit.jupiter.api.Tag;

import dev.jepascore.testing.ConfiguredAsTests;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.quarkus.test.junit.TestProfile;

/** BadInputTest against the packaged function (errors: bad input answered with codes); run by {@code ./mvnw verify -Pnative} against the binary. */
@Tag("native")
@QuarkusIntegrationTest
@TestProfile(ConfiguredAsTests.class)
class BadInputIT extends BadInputTest {
}
