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

    /** @param name fixture name; @param png the encoded image; @param jepaScore the reference score */
    public record Fixture(String name, String kind, byte[] png, double jepaScore) {
        @Override
        public String toString() {
            return name;
        }
    }

    private Fixtures() {
    }

    public static List<Fixture> all() {
        try {
            JsonNode root = new ObjectMapper().readTree(DIR.resolve("reference.json").toFile());
            List<Fixture> fixtures = new ArrayList<>();
            for (JsonNode f : root.get("fixtures")) {
                fixtures.add(new Fixture(f.get("name").asText(), f.path("kind").asText(),
                        Files.readAllBytes(DIR.resolve(f.get("file").asText())), f.get("jepaScore").asDouble()));
            }
            return fixtures;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the model fixtures under " + DIR.toAbsolutePath(), e);
        }
    }
}
