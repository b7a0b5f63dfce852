package dev.jepascore.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.jepascore.image.InputSpec;
import dev.jepascore.image.Preprocessor;
import dev.jepascore.image.TestImages;
import dev.jepascore.model.ModelConfig;
import dev.jepascore.model.ModelManifest;
import dev.jepascore.model.ModelRuntime;
import dev.jepascore.model.ReferenceSet;
import dev.jepascore.image.ImageConfig;
import dev.jepascore.image.ImageDecoder;
import dev.jepascore.admission.Admission;
import dev.jepascore.score.EmbeddingMath;
import dev.jepascore.score.EmbeddingSignals;
import dev.jepascore.score.ScoringMethod;
import dev.jepascore.score.Signal;
import dev.jepascore.model.ModelException;
import dev.jepascore.result.Label;
import dev.jepascore.score.ScoreMetrics;
import dev.jepascore.result.ScoreResult;
import dev.jepascore.score.ModelScorer;
import dev.jepascore.score.SignalTable;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import dev.jepascore.score.ExactJacobianScore;
import dev.jepascore.score.ModelRun;
import dev.jepascore.score.SketchJepaScore;

/**
 * {@code package-model} end to end on the bundled Fashion-MNIST encoder.onnx, as a user's encoder
 * without a Jacobian graph: a folder of 52 PNGs (the model's 26 test fixtures and their mirror
 * images) plus one file that is not an image.
 */
class PackageModelCommandTest {

    private static final Path BUNDLED = Path.of("models", "fmnist-lejepa");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path work;
    static Path images;
    static Path out;
    static Result packaged;

    record Result(int code, String out, String err) {
    }

    static Result run(String... args) {
        return run(EmbeddingSignals.REGISTERED, args);
    }

    static Result run(List<Signal> signals, String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code = PackageModelCommand.run(args, new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8), signals);
        return new Result(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    @BeforeAll
    static void packageTheBundledEncoder() throws IOException {
        images = Files.createDirectories(work.resolve("images"));
        List<Path> fixtures;
        try (Stream<Path> s = Files.list(BUNDLED.resolve("fixtures"))) {
            fixtures = s.filter(p -> p.getFileName().toString().matches("test-\\d+\\.png")).sorted().toList();
        }
        for (Path f : fixtures) {
            Files.copy(f, images.resolve(f.getFileName()));
            BufferedImage image = ImageIO.read(f.toFile());
            BufferedImage mirror = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_BYTE_GRAY);
            for (int y = 0; y < image.getHeight(); y++) {
                for (int x = 0; x < image.getWidth(); x++) {
                    mirror.getRaster().setSample(image.getWidth() - 1 - x, y, 0, image.getRaster().getSample(x, y, 0));
                }
            }
            Files.write(images.resolve("mirror-" + f.getFileName()), TestImages.encode(mirror, "png"));
        }
        Files.writeString(images.resolve("notes.txt"), "not an image");
        out = work.resolve("fmnist-sketch");
        packaged = run("--encoder", BUNDLED.resolve("encoder.onnx").toString(), "--images", images.toString(), "--out",
                out.toString(), "--scale", "0.00392156862745098", "--mean", "0.286", "--std", "0.353");
    }

    @Test
    void packages_an_encoder_into_a_package_the_function_reads() throws IOException {
        assertEquals(0, packaged.code(), packaged.err());
        ModelManifest m = ModelManifest.read(out);
        assertEquals("fmnist-sketch", m.id());
        assertEquals("pixels", m.encoder().input());
        assertEquals("embedding", m.encoder().output());
        assertEquals(64, m.embeddingDim());
        assertEquals(InputSpec.of(1, 28, 28, 1 / 255.0, List.of(0.286), List.of(0.353)), m.input());
        assertEquals("exact", m.effectiveDefaultMode());
        assertEquals("jacobian", m.scorer().kind());
        assertTrue(Files.isRegularFile(out.resolve("scorer.onnx")));
        JsonNode manifest = JSON.readTree(out.resolve("model.json").toFile());
        assertTrue(manifest.path("scorer").path("check").path("maxRelativeError").asDouble(1) < 2e-2, manifest.path(
                "scorer").toString());
        assertTrue(manifest.path("sketch").path("agreementWithExact").path("spearman").asDouble() > 0.9,
                manifest.path("sketch").toString());
        assertTrue(manifest.path("cost").path("exactMsPerImage").asDouble() > 0, manifest.path("cost").toString());
        // the directions are stored, so serving the package never orthonormalises them at start-up
        assertEquals((long) m.sketch().directions() * 784 * Float.BYTES, Files.size(out.resolve(manifest.path("sketch")
                .path("directionsFile").asText())));
        int directions = m.sketch().directions();
        assertTrue(directions >= 64 && directions <= 784, "m = " + directions);
        assertTrue(m.sketch().predictedSpearman() >= 0.999 || directions == 784, "predicted " + m.sketch());
        assertTrue(packaged.out().contains("skipped 1 files that are not readable images: notes.txt (not_an_image)"),
                packaged.out());
        assertTrue(packaged.out().matches("(?s).*calibration scores.*images/s.*") || packaged.out()
                .matches("(?s).*pilot scores.*images/s.*"), packaged.out());
    }

    @Test
    void splits_the_images_without_overlap() throws IOException {
        JsonNode manifest = JSON.readTree(out.resolve("model.json").toFile());
        int reference = manifest.path("signals").path("reference").path("count").asInt();
        int calibration = manifest.path("calibration").path("count").asInt();
        JsonNode fixtures = JSON.readTree(out.resolve("fixtures").resolve("reference.json").toFile()).get("fixtures");
        assertEquals(52, reference + calibration + fixtures.size());
        assertEquals((long) reference * 64 * Float.BYTES, Files.size(out.resolve("reference.f32")));
        assertEquals(reference, manifest.path("embeddingReference").path("count").asInt());
        Set<String> fixtureFiles = new HashSet<>();
        fixtures.forEach(f -> fixtureFiles.add(f.get("file").asText()));
        assertEquals(fixtures.size(), fixtureFiles.size());
        assertTrue(manifest.path("calibration").path("set").asText().contains("not in the reference set"));
        assertEquals(calibration, manifest.path("signals").path("calibration").path("count").asInt());
        assertTrue(manifest.path("signals").path("calibration").path("set").asText().contains("not in the reference set"));
    }

    /**
     * The {@code signals} section is the verdict's: its shrinkage is what the service re-estimates from
     * reference.f32 at start-up, the JEPA-SCORE table is the calibration split's sketch scores (not the
     * reference split's), and the thresholds are the 95th / 99th percentiles of the combination's own table.
     */
    @Test
    void writes_the_verdict_calibrations_on_the_calibration_split() throws IOException {
        ModelManifest m = ModelManifest.read(out);
        ModelManifest.Signals s = m.signals();
        assertEquals("reference.f32", s.reference().file());
        assertEquals(5, s.knn().k());
        assertEquals("euclidean", s.knn().metric());
        float[] reference = ReferenceSet.read(out, s.reference(), 64).embeddings();
        assertEquals(EmbeddingMath.ledoitWolf(reference, s.reference().count(), 64).shrinkage(),
                s.mahalanobis().shrinkageValue(), 1e-12);
        assertEquals(9, s.complexity().deflateLevel());
        assertEquals(List.of("jepa", "knn", "mahalanobis", "complexity"), s.combination().signals());
        // the sketch JEPA-SCORE table and the JEPA-SCORE calibration come from the same calibration images
        List<Double> jepa = s.calibration().values().get("jepa");
        assertEquals(m.calibration().scores().get(0), jepa.get(0), 1e-9);
        assertEquals(m.calibration().scores().get(m.calibration().scores().size() - 1), jepa.get(jepa.size() - 1), 1e-9);
        int i95 = s.combination().percentiles().indexOf(95.0);
        int i99 = s.combination().percentiles().indexOf(99.0);
        assertEquals(s.combination().scores().get(i95), s.combination().unusual().score(), 1e-12);
        assertEquals(s.combination().scores().get(i99), s.combination().outlier().score(), 1e-12);
        assertTrue(s.combination().unusual().score() <= s.combination().outlier().score());
    }

    /**
     * The package starts in the function's scoring service and gives the verdict: fixtures (held out of
     * both splits, same distribution) and a noise picture get an outlier score that is Fisher's statistic
     * of the signal percentiles they report, a label from the written thresholds, and no missing-signal
     * note; the noise deflates worse than every calibration image. (With 25 calibration images the tails
     * floor at 0.02, too coarse to assert which images are flagged.)
     */
    @Test
    void the_packaged_model_serves_the_outlier_score_signals_and_reasons() throws IOException {
        JsonNode fixtures = JSON.readTree(out.resolve("fixtures").resolve("reference.json").toFile()).get("fixtures");
        List<byte[]> files = new ArrayList<>();
        for (JsonNode f : fixtures) {
            files.add(Files.readAllBytes(out.resolve("fixtures").resolve(f.get("file").asText())));
        }
        try (ModelRuntime runtime = ModelRuntime.open(ModelConfig.forPackage(out, 8))) {
            ModelScorer scoring = scorer(runtime, EmbeddingSignals.REGISTERED);
            List<ScoreResult> results = scoring.scoreAll(files, null);
            for (int i = 0; i < results.size(); i++) {
                ScoreResult r = results.get(i);
                assertEquals(fixtures.get(i).get("jepaScore").asDouble(), r.jepaScore(), 1e-3);
                assertNotNull(r.outlierScore(), "outlierScore");
                assertTrue(r.outlierPercentile() >= 0 && r.outlierPercentile() <= 100, "percentile " + r.outlierPercentile());
                assertNull(r.signals().absent());
                assertTrue(r.signals().get("knn", ScoreResult.Distance.class).distance() > 0 && r.signals().get("mahalanobis", ScoreResult.Distance.class).distance() > 0);
                assertTrue(r.signals().get("complexity", ScoreResult.Complexity.class).bytes() > 0);
                assertEquals(r.label() == Label.TYPICAL, r.reasons().isEmpty(), "reasons " + r.reasons());
            }
            ScoreResult noise = scoring.score(noise(28, 28, 7), null);
            assertEquals(100, noise.signals().get("complexity", ScoreResult.Complexity.class).percentile(), 1e-9, "noise deflates worse than every "
                    + "calibration image");
            ModelManifest.Signals s = runtime.manifest().signals();
            results = new ArrayList<>(results);
            results.add(noise);
            for (ScoreResult r : results) {
                assertEquals(fisher(r, s), r.outlierScore(), 1e-9, "outlier score of " + r);
                Label expected = r.outlierScore() > s.combination().outlier().score() ? Label.OUTLIER
                        : r.outlierScore() > s.combination().unusual().score() ? Label.UNUSUAL : Label.TYPICAL;
                assertEquals(expected, r.label());
            }
        }
    }

    /**
     * Fisher's statistic recomputed from the distances' and complexity's percentiles the result reports,
     * JEPA-SCORE's table in the manifest and the manifest's rules
     * (two-sided JEPA-SCORE and complexity, upper-tail distances, floor half a calibration image).
     */
    private static double fisher(ScoreResult r, ModelManifest.Signals s) {
        double floor = 0.5 / s.calibration().count();
        // JEPA-SCORE's reported percentile is read off the coarser `calibration` table: its signal table here
        double jepa = new SignalTable(s.calibration().percentiles().stream().mapToDouble(Double::doubleValue).toArray(),
                s.calibration().values().get("jepa").stream().mapToDouble(Double::doubleValue).toArray(), 2, floor)
                .percentile(r.jepaScore());
        double[] percentiles = { jepa, r.signals().get("knn", ScoreResult.Distance.class).percentile(),
                r.signals().get("mahalanobis", ScoreResult.Distance.class).percentile(), r.signals().get("complexity", ScoreResult.Complexity.class).percentile() };
        int[] sides = { 2, 1, 1, 2 };
        double sum = 0;
        for (int i = 0; i < 4; i++) {
            double f = percentiles[i] / 100;
            sum += Math.log(Math.max(floor, sides[i] == 1 ? 1 - f : 2 * Math.min(f, 1 - f)));
        }
        return -2 * sum;
    }

    /**
     * A fixture's recorded score (the default mode, exact) is the bundled scorer graph's exact score within
     * float32 round-off, and the package's sketch lies within 4 predicted standard deviations of it.
     */
    @Test
    void fixture_scores_are_exact_and_the_sketch_agrees() throws IOException {
        ModelManifest m = ModelManifest.read(out);
        JsonNode fixtures = JSON.readTree(out.resolve("fixtures").resolve("reference.json").toFile()).get("fixtures");
        try (ModelRuntime exact = ModelRuntime.open(ModelConfig.forPackage(BUNDLED, 8))) {
            SketchJepaScore sketch = new SketchJepaScore(exact::embed, 64, 784, m.sketch().directions(), m.sketch().step(),
                    m.sketch().seed(), m.eps(), 256);
            ExactJacobianScore exactScore = new ExactJacobianScore(exact);
            for (JsonNode f : fixtures) {
                float[] pixels = new float[784];
                Preprocessor.toTensor(TestImages.decode(out.resolve("fixtures").resolve(f.get("file").asText()),
                        m.input()), m.input(), pixels, 0);
                double recorded = f.get("jepaScore").asDouble();
                double truth = exactScore.scores(ModelRun.of(pixels, exact.score(pixels, 1)))[0];
                assertEquals(truth, recorded, 1e-3, f.get("file").asText());
                double sketched = sketch.scores(new ModelRun(pixels, 1, 784, new float[64], 64, null))[0];
                assertEquals(truth, sketched, 4 * m.sketch().predictedSd() + 0.01, f.get("file").asText());
            }
        }
    }

    /**
     * A small ViT with torch's nn.MultiheadAttention (src/test/resources/onnx/autodiff/vit.onnx, its batch folded into
     * the heads' axis) packaged from 48 RGB images: package-model writes an exact scorer, and the package scores every
     * image (as the function does: decoded, preprocessed, the package's scorer.onnx, Gram and eigenvalues in double)
     * within 1e-3 relative of the float64 listing in vit-images-listing.json (models/tools/make_vit_package_images.py).
     */
    @Test
    void packages_a_vit_with_torch_multihead_attention_with_an_exact_scorer() throws IOException {
        Path dir = Path.of("src/test/resources/onnx/autodiff");
        Path vit = work.resolve("vit-mha");
        Result r = run("--encoder", dir.resolve("vit.onnx").toString(), "--images", dir.resolve("vit-images").toString(),
                "--out", vit.toString(), "--scale", "0.00392156862745098", "--mean", "0.5", "--std", "0.25");
        assertEquals(0, r.code(), r.err() + r.out());
        ModelManifest m = ModelManifest.read(vit);
        assertEquals("jacobian", m.scorer().kind(), r.out());
        JsonNode manifest = JSON.readTree(vit.resolve("model.json").toFile());
        assertTrue(manifest.path("scorer").path("check").path("p90RelativeError").asDouble(1) < 2e-2, manifest.path(
                "scorer").toString());
        JsonNode listing = JSON.readTree(dir.resolve("vit-images-listing.json").toFile()).get("scores");
        double worst = 0;
        try (ModelRuntime runtime = ModelRuntime.open(ModelConfig.forPackage(vit, 8))) {
            ExactJacobianScore exact = new ExactJacobianScore(runtime);
            for (JsonNode e : listing) {
                float[] pixels = new float[m.input().size()];
                Preprocessor.toTensor(TestImages.decode(dir.resolve("vit-images").resolve(e.get("file").asText()),
                        m.input()), m.input(), pixels, 0);
                double score = exact.scores(ModelRun.of(pixels, runtime.score(pixels, 1)))[0];
                double expected = e.get("jepaScore").asDouble();
                worst = Math.max(worst, Math.abs(score - expected) / Math.abs(expected));
            }
        }
        System.out.printf("vit (torch MultiheadAttention) packaged: %d images, exact vs the float64 listing: worst "
                + "relative error %.1e%n", listing.size(), worst);
        assertTrue(worst < 1e-3, "worst relative error " + worst);
    }

    /** Uniform grey-level noise, seeded: nothing like a clothing photograph. */
    /**
     * A signal defined only in this test: the mean of each image's input tensor, two-sided, shown as
     * {@code {"mean", "percentile"}}. Listed beside the registered signals, it is calibrated by the packager, served
     * by the scorer and shown by name, with no other class changed.
     */
    static final class MeanInput implements ScoringMethod {

        static final Signal SIGNAL = new Signal("meanInput", 2, source -> source.calibrated("meanInput")
                ? new MeanInput() : null, Shown::new, false);

        record Shown(double mean, double percentile) {
        }

        @Override
        public String name() {
            return SIGNAL.name();
        }

        @Override
        public double[] scores(ModelRun run) {
            return IntStream.range(0, run.count()).mapToDouble(i -> IntStream.range(0, run.inputSize())
                    .mapToDouble(j -> run.pixels()[i * run.inputSize() + j]).average().orElseThrow()).toArray();
        }
    }

    @Test
    void a_signal_defined_only_in_a_test_is_calibrated_served_and_shown_by_name() throws IOException {
        List<Signal> signals = new ArrayList<>(EmbeddingSignals.REGISTERED);
        signals.add(MeanInput.SIGNAL);
        Path pkg = work.resolve("fmnist-mean-input");
        Result r = run(signals, "--encoder", BUNDLED.resolve("encoder.onnx").toString(), "--images", images.toString(),
                "--out", pkg.toString(), "--scale", "0.00392156862745098", "--mean", "0.286", "--std", "0.353");
        assertEquals(0, r.code(), r.err());
        ModelManifest.Signals s = ModelManifest.read(pkg).signals();
        assertEquals(List.of("jepa", "knn", "mahalanobis", "complexity", "meanInput"), s.combination().signals());
        List<Double> table = s.calibration().values().get("meanInput");
        assertEquals(s.calibration().percentiles().size(), table.size());
        // same images, same seeded split: the registered signals' tables are the ones the plain package has
        ModelManifest.Signals plain = ModelManifest.read(out).signals();
        for (String name : List.of("jepa", "knn", "mahalanobis", "complexity")) {
            assertEquals(plain.calibration().values().get(name), s.calibration().values().get(name), name);
        }

        BufferedImage white = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                white.getRaster().setSample(x, y, 0, 255);
            }
        }
        try (ModelRuntime runtime = ModelRuntime.open(ModelConfig.forPackage(pkg, 8))) {
            ModelScorer scoring = scorer(runtime, signals);
            JsonNode shown = JSON.valueToTree(scoring.score(TestImages.encode(white, "png"), null)).path("signals");
            List<String> names = new ArrayList<>();
            shown.fieldNames().forEachRemaining(names::add);
            assertEquals(List.of("jepa", "knn", "mahalanobis", "complexity", "meanInput"), names, shown.toString());
            // a white pixel is (1 - mean) / std in the tensor, brighter than every calibration image
            assertEquals((1 - 0.286) / 0.353, shown.path("meanInput").path("mean").asDouble(), 1e-5, shown.toString());
            assertEquals(100, shown.path("meanInput").path("percentile").asDouble(), 1e-9, shown.toString());
        }
        // a service without the signal refuses the package rather than combine tails it cannot compute
        ModelManifest m = ModelManifest.read(pkg);
        ModelException refused = assertThrows(ModelException.class, () -> EmbeddingSignals.load(m, pkg, m.input()));
        assertTrue(refused.getMessage().contains("signals.combination.signals names 'meanInput'"), refused.getMessage());
    }

    /** The function's scorer over a package, with small image limits. */
    private static ModelScorer scorer(ModelRuntime runtime, List<Signal> signals) {
        ImageConfig limits = new ImageConfig() {
            public long maxBytes() {
                return 1 << 20;
            }

            public long maxPixels() {
                return 1 << 20;
            }

            public int maxBatch() {
                return 16;
            }
        };
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        return new ModelScorer(runtime, new ImageDecoder(limits), limits, new ScoreMetrics(registry),
                new Admission(64L << 20, 1, 0, Duration.ofSeconds(1), runtime.inputSpec(), registry), signals);
    }

    static byte[] noise(int w, int h, long seed) {
        java.util.Random random = new java.util.Random(seed);
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.getRaster().setSample(x, y, 0, random.nextInt(256));
            }
        }
        return TestImages.encode(image, "png");
    }

    @Test
    void refuses_an_out_folder_holding_files_unless_forced_which_empties_it() throws IOException {
        Path old = Files.createDirectories(work.resolve("old-package"));
        Files.writeString(old.resolve("EVALUATION.md"), "an older package's evaluation");
        Files.createDirectories(old.resolve("fixtures")).resolve("stale.png").toFile().createNewFile();
        Result refused = run("--encoder", BUNDLED.resolve("encoder.onnx").toString(), "--images", images.toString(),
                "--out", old.toString(), "--mean", "0.286", "--std", "0.353");
        assertEquals(1, refused.code());
        assertTrue(refused.err().contains("already holds 2 files or folders; give --force to empty it first"),
                refused.err());
        assertTrue(Files.exists(old.resolve("EVALUATION.md")), "nothing deleted without --force");
        Result forced = run("--encoder", BUNDLED.resolve("encoder.onnx").toString(), "--images", images.toString(),
                "--out", old.toString(), "--mean", "0.286", "--std", "0.353", "--force", "--sketch-directions", "64");
        assertEquals(0, forced.code(), forced.err());
        assertFalse(Files.exists(old.resolve("EVALUATION.md")));
        assertFalse(Files.exists(old.resolve("fixtures").resolve("stale.png")));
        assertTrue(Files.isRegularFile(old.resolve("model.json")));
    }

    @Test
    void recalibrate_keeps_the_encoder_and_input_spec() throws IOException {
        Path copy = work.resolve("recalibrated");
        Files.createDirectories(copy);
        for (String f : new String[] { "model.json", "encoder.onnx" }) {
            Files.copy(out.resolve(f), copy.resolve(f));
        }
        Result r = run("--recalibrate", "--images", images.toString(), "--out", copy.toString(), "--sketch-directions",
                "128");
        assertEquals(0, r.code(), r.err());
        ModelManifest m = ModelManifest.read(copy);
        assertEquals("fmnist-sketch", m.id());
        assertEquals(List.of(0.286), m.input().mean());
        assertEquals(128, m.sketch().directions());
        assertEquals(m.calibration().count(), m.signals().calibration().count());
        assertNotNull(m.signals().combination().outlier().score());
    }

    @Test
    void rejects_a_folder_with_too_few_readable_images() throws IOException {
        Path few = Files.createDirectories(work.resolve("few"));
        for (int i = 0; i < 10; i++) {
            Files.write(few.resolve("p" + i + ".png"), TestImages.picture("png", 28, 28));
        }
        Result r = run("--encoder", BUNDLED.resolve("encoder.onnx").toString(), "--images", few.toString(), "--out",
                work.resolve("few-out").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("holds 10 readable images (of 10 files); at least 42 are needed"), r.err());
    }

    @Test
    void rejects_an_encoder_with_several_inputs() {
        Result r = run("--encoder", "src/test/resources/onnx/bad/two-inputs.onnx", "--images", images.toString(), "--out",
                work.resolve("x").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("the encoder must take exactly one input (the image tensor [N,C,H,W]); it takes 2"),
                r.err());
    }

    @Test
    void rejects_an_encoder_whose_input_is_not_an_image() {
        Result r = run("--encoder", "src/test/resources/onnx/bad/vector-input.onnx", "--images", images.toString(),
                "--out", work.resolve("x").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("input 'features' is") && r.err().contains("an image encoder takes a float tensor "
                + "[N,C,H,W]"), r.err());
    }

    @Test
    void rejects_an_encoder_without_an_n_by_k_output() {
        Result r = run("--encoder", "src/test/resources/onnx/bad/rank3-output.onnx", "--images", images.toString(),
                "--out", work.resolve("x").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("no output is a float tensor [N,K]"), r.err());
    }

    @Test
    void rejects_fewer_sketch_directions_than_k() {
        Result r = run("--encoder", BUNDLED.resolve("encoder.onnx").toString(), "--images", images.toString(), "--out",
                work.resolve("m-small").toString(), "--sketch-directions", "10");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("--sketch-directions: sketch directions m=10 must satisfy K <= m <= D (K=64, D=784)"),
                r.err());
    }

    @Test
    void rejects_unknown_flags_and_missing_ones() {
        Result unknown = run("--encoder", "e.onnx", "--images", "d", "--out", "o", "--colour", "3");
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().startsWith("package-model: Unknown options: '--colour', '3'")
                && unknown.err().contains("Usage: package-model [-h]"), unknown.err());
        Result missing = run("--encoder", "e.onnx");
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("missing --images, --out"), missing.err());
    }
}
