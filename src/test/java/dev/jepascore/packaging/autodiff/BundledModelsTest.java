package dev.jepascore.packaging.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.jepascore.model.GraphRunner;

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
}
