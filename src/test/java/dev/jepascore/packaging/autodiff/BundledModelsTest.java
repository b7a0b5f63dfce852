package dev.jepascore.packaging.autodiff;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.jepascore.image.ImageConfig;
import dev.jepascore.image.ImageDecoder;
import dev.jepascore.image.InputSpec;
import dev.jepascore.image.Preprocessor;
import dev.jepascore.model.GraphRunner;
import dev.jepascore.model.ModelManifest;
import dev.jepascore.score.JacobianMath;

/** The differentiator on the bundled encoders, against the exported scorer graph and central differences. */
class BundledModelsTest {

    /**
     * fmnist-lejepa's encoder differentiated: its 37 fixtures' exact JEPA-SCOREs (float32 J, Gram and eigenvalues in
     * double) within 1e-4 relative of the paper's float64 listing in fixtures/reference.json. (The scorer graph this
     * replaced, exported from a hand-written PyTorch Jacobian, gave the same J within 1.3e-7.)
     */
    @Test
    void fmnist_scorer_from_the_encoder_matches_the_float64_listing() throws Exception {
        Path dir = Path.of("models/fmnist-lejepa");
        JsonNode fixtures = new ObjectMapper().readTree(dir.resolve("fixtures/reference.json").toFile()).get("fixtures");
        Map<String, Double> reference = new java.util.HashMap<>();
        fixtures.forEach(e -> reference.put(e.get("file").asText(), e.get("jepaScore").asDouble()));
        double worst = worstAgainstListing(dir, reference, 37);
        assertTrue(worst < 1e-4, "worst relative error " + worst);
    }

    /**
     * photo-vit (a small ViT: patch Conv, cls token, attention, LayerNorm, GELU) differentiated, its fixtures'
     * exact JEPA-SCOREs against the float64 listing (torch.autograd.functional.jacobian + svdvals) in
     * models/photo-vit/exact_check.json: within 1e-3 relative.
     */
    @Test
    void photo_vit_exact_scores_match_the_float64_listing() throws Exception {
        Path dir = Path.of("models/photo-vit");
        JsonNode listing = new ObjectMapper().readTree(dir.resolve("exact_check.json").toFile()).get("scores");
        Map<String, Double> reference = new java.util.HashMap<>();
        listing.forEach(e -> reference.put(e.get("file").asText(), e.get("jepaScore").asDouble()));
        double worst = worstAgainstListing(dir, reference, 2);
        assertTrue(worst < 1e-3, "worst relative error " + worst);
    }

    /**
     * Differentiates the package's encoder, scores its fixture images that {@code reference} lists (decoded and
     * preprocessed as the function does) and returns the worst relative error; at least {@code least} compared.
     */
    private static double worstAgainstListing(Path dir, Map<String, Double> reference, int least) throws Exception {
        ModelManifest manifest = ModelManifest.read(dir);
        InputSpec spec = manifest.input();
        byte[] encoder = Files.readAllBytes(dir.resolve("encoder.onnx"));
        Differentiator.Scorer scorer = Differentiator.differentiate(encoder, manifest.encoder().input(),
                manifest.encoder().output(), new long[] { spec.channels(), spec.height(), spec.width() });
        ImageDecoder decoder = new ImageDecoder(new ImageConfig() {
            public long maxBytes() {
                return 1 << 26;
            }

            public long maxPixels() {
                return 1 << 26;
            }

            public int maxBatch() {
                return 1;
            }
        });
        int d = spec.size();
        int k = scorer.embeddingDim();
        int compared = 0;
        double worst = 0;
        try (GraphRunner runner = GraphRunner.open(scorer.graph(), dir + " scorer", 0, false)) {
            for (Path f : Files.list(dir.resolve("fixtures")).sorted().toList()) {
                Double ref = reference.get(f.getFileName().toString());
                if (ref == null) {
                    continue;
                }
                float[] x = new float[d];
                Preprocessor.toTensor(decoder.decode(Files.readAllBytes(f), spec), spec, x, 0);
                double[] xd = new double[d];
                for (int i = 0; i < d; i++) {
                    xd[i] = x[i];
                }
                double[] j = runner.run(manifest.encoder().input(), xd, new long[] { 1, spec.channels(), spec.height(),
                        spec.width() }, false, List.of(Differentiator.JACOBIAN)).get(Differentiator.JACOBIAN).reals();
                float[] jf = new float[j.length];
                for (int i = 0; i < j.length; i++) {
                    jf[i] = (float) j[i];
                }
                double score = JacobianMath.scoreFromJacobian(jf, 0, k, d, JacobianMath.PAPER_EPS);
                worst = Math.max(worst, Math.abs(score - ref) / Math.abs(ref));
                compared++;
            }
        }
        System.out.printf("%s: %d fixtures, exact vs the float64 listing: worst relative error %.1e%n", dir, compared,
                worst);
        assertTrue(compared >= least, "fixtures with a float64 reference: " + compared);
        return worst;
    }

    /**
     * Encoders made in the tests (models/tools/make_test_encoders.py, torch.onnx at opset 17): a CNN (Conv + BatchNorm
     * + ReLU, grouped strided Conv, overlapping MaxPool, AvgPool, GELU) and a small ViT with torch's
     * nn.MultiheadAttention (sequence-first; the attention views [T, N, dim] as [T, N * heads, head_dim], the batch
     * folded into the heads' axis, so its scorer runs per image in a Scan). Their 4 seeded inputs, scored as one batch
     * through the differentiated graph (float32 J, Gram and eigenvalues in double): within 1e-3 relative of the float64
     * listing in &lt;name&gt;-reference.json. And the benchmark's ReLU CNN shaped like issue 19's hidden one (K = 40,
     * D = 784, three 3x3 convolutions, two strided; models/tools/make_bench_cnn.py).
     */
    @Test
    void encoders_made_in_the_tests_match_their_float64_listing() throws Exception {
        for (String name : List.of("cnn", "vit", "cnn40")) {
            Path dir = Path.of(name.equals("cnn40") ? "src/test/resources/bench/cnn40" : "src/test/resources/onnx/autodiff");
            byte[] encoder = Files.readAllBytes(dir.resolve(name.equals("cnn40") ? "encoder.onnx" : name + ".onnx"));
            JsonNode ref = new ObjectMapper().readTree(dir.resolve(name + "-reference.json").toFile());
            long[] chw = new ObjectMapper().convertValue(ref.get("shape"), long[].class);
            Differentiator.Scorer scorer = Differentiator.differentiate(encoder, "pixels", "embedding", chw);
            int d = scorer.inputSize();
            int k = scorer.embeddingDim();
            int n = ref.get("inputs").size();
            double[] x = new double[n * d];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < d; j++) {
                    x[i * d + j] = ref.get("inputs").get(i).get(j).asDouble();
                }
            }
            double worst = 0;
            try (GraphRunner runner = GraphRunner.open(scorer.graph(), name + " scorer", 0, false)) {
                double[] j64 = runner.run("pixels", x, Differentiator.concat(new long[] { n }, chw), false,
                        List.of(Differentiator.JACOBIAN)).get(Differentiator.JACOBIAN).reals();
                float[] jf = new float[j64.length];
                for (int j = 0; j < jf.length; j++) {
                    jf[j] = (float) j64[j];
                }
                for (int i = 0; i < n; i++) {
                    double score = JacobianMath.scoreFromJacobian(jf, i * k * d, k, d, JacobianMath.PAPER_EPS);
                    double expected = ref.get("jepaScores").get(i).asDouble();
                    worst = Math.max(worst, Math.abs(score - expected) / Math.abs(expected));
                }
            }
            System.out.printf("%s (ops %s): worst relative error against the float64 listing %.1e%n", name,
                    scorer.ops(), worst);
            assertTrue(worst < 1e-3, name + ": " + worst);
        }
    }
}
