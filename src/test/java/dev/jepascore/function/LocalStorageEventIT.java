package dev.jepascore.function;

import org.junit.jupiter.api.Tag;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** LocalStorageEventTest against the packaged function (storage events on local files); run by {@code ./mvnw verify -Pnative} against the binary. */
@Tag("native")
@QuarkusIntegrationTest
class LocalStorageEventIT extends LocalStorageEventTest {
}
