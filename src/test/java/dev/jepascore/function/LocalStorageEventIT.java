package dev.jepascore.function;

import org.junit.jupiter.api.Tag;

import dev.jepascore.testing.ConfiguredAsTests;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.quarkus.test.junit.TestProfile;

/** LocalStorageEventTest against the packaged function (storage events on local files); run by {@code ./mvnw verify -Pnative} against the binary. */
@Tag("native")
@QuarkusIntegrationTest
@TestProfile(ConfiguredAsTests.class)
class LocalStorageEventIT extends LocalStorageEventTest {
}
