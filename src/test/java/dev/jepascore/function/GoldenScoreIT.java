package dev.jepascore.function;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The golden fixtures through the packaged application (JVM jar, or the native binary with -Dnative). */
@QuarkusIntegrationTest
class GoldenScoreIT extends GoldenScoreTest {
}
