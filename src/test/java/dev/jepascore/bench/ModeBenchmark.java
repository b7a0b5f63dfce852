package dev.jepascore.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.jepascore.admission.Admission;
import dev.jepascore.image.ImageConfig;
import dev.jepascore.image.ImageDecoder;
import dev.jepascore.model.ModelConfig;
import dev.jepascore.model.ModelRuntime;
import dev.jepascore.score.ModelScorer;
import dev.jepascore.score.ScoreMetrics;
import dev.jepascore.result.ScoreMode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * What each scoring mode costs on the bundled models, bytes to result in process: per image alone (p50) and in
 * batches of {@code bench.batch} (images/s), for every mode a model offers, on its fixture images. Prints figures;
 * asserts nothing. Run:
 * {@code ./mvnw -q -Pbench test-compile exec:java -Dbench.main=dev.jepascore.bench.ModeBenchmark}
 */
public final class ModeBenchmark {

    public static void main(String[] args) throws Exception {
        int repeats = Integer.getInteger("bench.repeats", 5);
        int batch = Integer.getInteger("bench.batch", 32);
        List<byte[]> images = ScorerBenchmark.fixtureImages();
        System.out.printf("machine: %d cores, %s %s; %d fixture images (models/fmnist-lejepa/fixtures), batch %d, "
                + "%d repeats%n", Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
                System.getProperty("java.version"), images.size(), batch, repeats);
        for (String id : List.of("fmnist-lejepa", "photo-vit")) {
            try (ModelRuntime model = ModelRuntime.open(ModelConfig.outsideContainer("models", id,
                    ModelConfig.Provider.CPU, 1, batch))) {
                ImageConfig limits = ScorerBenchmark.imageConfig();
                SimpleMeterRegistry registry = new SimpleMeterRegistry();
                Admission admission = new Admission(Runtime.getRuntime().maxMemory() / 2,
                        Runtime.getRuntime().availableProcessors(), 256, Duration.ofSeconds(60), model.inputSpec(),
                        registry);
                ModelScorer scorer = new ModelScorer(model, new ImageDecoder(limits), limits, new ScoreMetrics(registry),
                        admission);
                for (ScoreMode mode : scorer.modelInfo(true).modes()) {
                    for (byte[] image : images) {
                        scorer.score(image, mode); // warm
                    }
                    List<Double> single = new ArrayList<>();
                    int singleRepeats = mode == ScoreMode.SKETCH ? 1 : repeats;
                    for (int r = 0; r < singleRepeats; r++) {
                        for (byte[] image : images) {
                            long t = System.nanoTime();
                            scorer.score(image, mode);
                            single.add((System.nanoTime() - t) / 1e6);
                        }
                    }
                    List<byte[]> many = new ArrayList<>();
                    while (many.size() < batch) {
                        many.addAll(images);
                    }
                    many = many.subList(0, batch);
                    int rounds = mode == ScoreMode.SKETCH ? 1 : Math.max(1, repeats);
                    long t0 = System.nanoTime();
                    for (int r = 0; r < rounds; r++) {
                        scorer.scoreAll(many, mode);
                    }
                    double perSecond = rounds * batch / ((System.nanoTime() - t0) / 1e9);
                    System.out.printf("%-14s %-8s single image p50 %8.2f ms   batches of %d: %8.1f images/s%n", id,
                            mode.json(), ScorerBenchmark.percentile(single, 50), batch, perSecond);
                }
            }
        }
    }

    private ModeBenchmark() {
    }
}
