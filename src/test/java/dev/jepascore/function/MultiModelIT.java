package dev.jepascore.function;

import org.junit.jupiter.api.Tag;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** MultiModelTest against the packaged function (several models served, chosen per request); run by {@code ./mvnw verify -Pnative} against the binary. */
@Tag("native")
@QuarkusIntegrationTest
class MultiModelIT extends MultiModelTest {
}
