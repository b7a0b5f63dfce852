package dev.jepascore.model;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Equation (4) in a manifest must name known transforms and come with a calibration made with them. */
class ManifestTransformsTest {

    @TempDir
    Path dir;

    private ObjectNode bundled() throws IOException {
        return (ObjectNode) new ObjectMapper().readTree(Path.of("models", "fmnist-lejepa", "model.json").toFile());
    }

    private ModelException read(ObjectNode manifest) throws IOException {
        new ObjectMapper().writeValue(dir.resolve("model.json").toFile(), manifest);
        return assertThrows(ModelException.class, () -> ModelManifest.read(dir));
    }

    @Test
    void transforms_without_a_matching_calibration_are_rejected() throws IOException {
        ObjectNode m = bundled();
        m.putArray("transforms").add("identity").add("h-flip");
        ModelException e = read(m);
        assertTrue(e.getMessage().contains("the calibration was computed with []"), e.getMessage());
    }

    @Test
    void unknown_transform_is_named() throws IOException {
        ObjectNode m = bundled();
        m.putArray("transforms").add("identity").add("rotate-90");
        ((ObjectNode) m.get("calibration")).putArray("transforms").add("identity").add("rotate-90");
        ModelException e = read(m);
        assertTrue(e.getMessage().contains("'rotate-90'"), e.getMessage());
    }

    @Test
    void bundled_manifest_has_equation_4_off() throws IOException {
        Files.copy(Path.of("models", "fmnist-lejepa", "model.json"), dir.resolve("model.json"));
        assertTrue(ModelManifest.read(dir).transformList().isEmpty());
    }
}
