package dev.jepascore.function;

import org.junit.jupiter.api.Tag;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** SketchModeTest against the packaged function (on-demand scoring in sketch mode); run by {@code ./mvnw verify -Pnative} against the binary. */
@Tag("native")
@QuarkusIntegrationTest
class SketchModeIT extends SketchModeTest {
}
