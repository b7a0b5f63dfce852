package dev.jepascore.packaging.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

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

    @Test
    void fmnist_scorer_from_the_encoder_equals_the_exported_one() throws Exception {
        byte[] encoder = Files.readAllBytes(Path.of("models/fmnist-lejepa/encoder.onnx"));
        Differentiator.Scorer scorer = Differentiator.differentiate(encoder, "pixels", "embedding",
                new long[] { 1, 28, 28 });
        assertEquals(64, scorer.embeddingDim());
        int n = 3;
        double[] x = new double[n * 784];
        Random r = new Random(1);
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextGaussian();
        }
        long[] shape = { n, 1, 28, 28 };
        Map<String, GraphRunner.Values> ours;
        Map<String, GraphRunner.Values> theirs;
        try (GraphRunner a = GraphRunner.open(scorer.graph(), "generated", 0, false);
                GraphRunner b = GraphRunner.open(Files.readAllBytes(Path.of("models/fmnist-lejepa/scorer.onnx")),
                        "exported", 0, false)) {
            ours = a.run("pixels", x, shape, false, List.of("embedding", "jacobian"));
            theirs = b.run("pixels", x, shape, false, List.of("embedding", "jacobian"));
        }
        double err = CentralDifferences.relativeError(ours.get("jacobian").reals(), theirs.get("jacobian").reals());
        System.out.println("fmnist generated vs exported jacobian: max relative error " + err);
        assertTrue(err < 1e-4, "relative error " + err);
    }

    /**
     * photo-vit (a small ViT: patch Conv, cls token, attention, LayerNorm, GELU) differentiated, its fixtures'
     * exact JEPA-SCOREs against the float64 listing (torch.autograd.functional.jacobian + svdvals) in
     * models/photo-vit/exact_check.json: within 1e-3 relative.
     */
    @Test
    void photo_vit_exact_scores_match_the_float64_listing() throws Exception {
        Path dir = Path.of("models/photo-vit");
        ModelManifest manifest = ModelManifest.read(dir);
        InputSpec spec = manifest.input();
        byte[] encoder = Files.readAllBytes(dir.resolve("encoder.onnx"));
        Differentiator.Scorer scorer = Differentiator.differentiate(encoder, manifest.encoder().input(),
                manifest.encoder().output(), new long[] { spec.channels(), spec.height(), spec.width() });
        JsonNode listing = new ObjectMapper().readTree(dir.resolve("exact_check.json").toFile()).get("scores");
        Map<String, Double> reference = new java.util.HashMap<>();
        listing.forEach(e -> reference.put(e.get("file").asText(), e.get("jepaScore").asDouble()));
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
        try (GraphRunner runner = GraphRunner.open(scorer.graph(), "photo-vit scorer", 0, false)) {
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
                double rel = Math.abs(score - ref) / Math.abs(ref);
                System.out.printf("photo-vit %s: exact %.5f, float64 listing %.5f, relative %.1e%n", f.getFileName(),
                        score, ref, rel);
                worst = Math.max(worst, rel);
                compared++;
            }
        }
        assertTrue(compared >= 2, "fixtures with a float64 reference: " + compared);
        assertTrue(worst < 1e-3, "worst relative error " + worst);
    }
}
