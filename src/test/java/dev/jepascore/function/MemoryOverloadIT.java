package dev.jepascore.function;

import org.junit.jupiter.api.Tag;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** MemoryOverloadTest against the packaged function (admission: memory-based refusals); run by {@code ./mvnw verify -Pnative} against the binary. */
@Tag("native")
@QuarkusIntegrationTest
class MemoryOverloadIT extends MemoryOverloadTest {
}
