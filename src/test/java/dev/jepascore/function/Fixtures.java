package dev.jepascore.function;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The bundled model's reference fixtures: PNG inputs and the JEPA-SCORE the paper's PyTorch listing
 * gives them in float64 ({@code models/fmnist-lejepa/fixtures/reference.json}).
 */
public final class Fixtures {

    public static final Path DIR = Path.of("models", "fmnist-lejepa", "fixtures");

    /**
     * @param name      fixture name
     * @param png       the encoded image
     * @param jepaScore the reference score
     * @param verdict   the signals and the combined verdict models/fixtures.py computed in float64
     */
    public record Fixture(String name, String kind, byte[] png, double jepaScore, Verdict verdict) {
        @Override
        public String toString() {
            return name;
        }
    }

    /**
     * @param knnDistance         distance to the k-th nearest reference embedding
     * @param mahalanobisDistance Mahalanobis distance to the reference set
     * @param complexityBytes     deflated size of the pixels
     * @param outlierScore        Fisher's -2 sum ln p
     * @param outlierPercentile   its percentile among held-out images
     * @param label               typical, unusual or outlier
     * @param reasons             the signals behind a flag
     */
    public record Verdict(double knnDistance, double mahalanobisDistance, int complexityBytes, double outlierScore,
            double outlierPercentile, String label, List<String> reasons) {
    }

    private Fixtures() {
    }

    public static List<Fixture> all() {
        try {
            JsonNode root = new ObjectMapper().readTree(DIR.resolve("reference.json").toFile());
            List<Fixture> fixtures = new ArrayList<>();
            for (JsonNode f : root.get("fixtures")) {
                JsonNode sig = f.get("signals");
                List<String> reasons = new ArrayList<>();
                f.get("reasons").forEach(r -> reasons.add(r.asText()));
                Verdict verdict = new Verdict(sig.get("knnDistance").asDouble(), sig.get("mahalanobisDistance").asDouble(),
                        sig.get("complexityBytes").asInt(), f.get("outlierScore").asDouble(),
                        f.get("outlierPercentile").asDouble(), f.get("outlierLabel").asText(), reasons);
                fixtures.add(new Fixture(f.get("name").asText(), f.path("kind").asText(),
                        Files.readAllBytes(DIR.resolve(f.get("file").asText())), f.get("jepaScore").asDouble(), verdict));
            }
            return fixtures;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the model fixtures under " + DIR.toAbsolutePath(), e);
        }
    }
}
