package dev.jepascore.function;

import org.junit.jupiter.api.Tag;

import dev.jepascore.testing.ConfiguredAsTests;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.quarkus.test.junit.TestProfile;

/** OpenApiTest against the packaged function (the OpenAPI description); run by {@code ./mvnw verify -Pnative} against the binary. */
@Tag("native")
@QuarkusIntegrationTest
@TestProfile(ConfiguredAsTests.class)
class OpenApiIT extends OpenApiTest {
}
