package dev.jepascore.function;

import org.junit.jupiter.api.Tag;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** OpenApiTest against the packaged function (the OpenAPI description); run by {@code ./mvnw verify -Pnative} against the binary. */
@Tag("native")
@QuarkusIntegrationTest
class OpenApiIT extends OpenApiTest {
}
