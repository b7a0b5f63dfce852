package dev.jepascore.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.jepascore.admission.Admission;
import dev.jepascore.image.ImageConfig;
import dev.jepascore.image.ImageDecoder;
import dev.jepascore.model.ModelConfig;
import dev.jepascore.model.ModelRuntime;
import dev.jepascore.result.ScoreMode;
import dev.jepascore.result.ScoreResult;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * A package whose {@code defaultMode} is {@code signals} (what the packager's cost model may choose for an encoder too
 * large for a Jacobian): requests naming no mode get one encoder run and no JEPA-SCORE, the other modes stay offered.
 * The bundled model's package, copied with that one field changed; real ONNX Runtime.
 */
class SignalsDefaultModeTest {

    @TempDir
    Path dir;

    @Test
    void package_with_signals_default_scores_without_jepa_score_unless_asked() throws IOException {
        Path pkg = dir.resolve("fmnist-lejepa");
        copy(Path.of("models", "fmnist-lejepa"), pkg);
        ObjectMapper json = new ObjectMapper();
        ObjectNode manifest = (ObjectNode) json.readTree(pkg.resolve("model.json").toFile());
        manifest.put("defaultMode", "signals");
        json.writeValue(pkg.resolve("model.json").toFile(), manifest);
        byte[] png = Files.readAllBytes(Path.of("models", "fmnist-lejepa", "fixtures", "odd-glyph-7.png"));

        try (ModelRuntime model = ModelRuntime.open(ModelConfig.outsideContainer(dir.toString(), "fmnist-lejepa",
                ModelConfig.Provider.CPU, 1, 8))) {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            ImageConfig limits = new ImageConfig() {
                public long maxBytes() {
                    return 1 << 20;
                }

                public long maxPixels() {
                    return 1_000_000;
                }

                public int maxBatch() {
                    return 8;
                }
            };
            ModelScorer scorer = new ModelScorer(model, new ImageDecoder(limits), limits, new ScoreMetrics(registry),
                    new Admission(1 << 28, 1, 4, Duration.ofSeconds(5), model.inputSpec(), registry));
            scorer.warmUp();
            assertEquals(ScoreMode.SIGNALS, scorer.modelInfo(true).defaultMode());
            assertEquals(List.of(ScoreMode.EXACT, ScoreMode.SKETCH, ScoreMode.SIGNALS), scorer.modelInfo(true).modes());

            ScoreResult byDefault = scorer.score(png, null);
            assertEquals(ScoreMode.SIGNALS, byDefault.mode());
            assertNull(byDefault.jepaScore());
            assertNull(byDefault.signals().jepa());
            assertNotNull(byDefault.signals().get("knn", ScoreResult.Distance.class));

            ScoreResult exact = scorer.score(png, ScoreMode.EXACT);
            assertNotNull(exact.jepaScore());
            assertEquals(exact.signals().get("knn", ScoreResult.Distance.class).distance(), byDefault.signals().get("knn", ScoreResult.Distance.class).distance(),
                    1e-6 * Math.max(1, exact.signals().get("knn", ScoreResult.Distance.class).distance()));
            assertTrue(byDefault.timingsMs().jacobian() == 0, "no Jacobian work in mode signals");
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
