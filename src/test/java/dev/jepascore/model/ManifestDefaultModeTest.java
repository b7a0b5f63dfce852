package dev.jepascore.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** A package's {@code defaultMode}: exact, sketch or signals, each only with what it needs. */
class ManifestDefaultModeTest {

    @TempDir
    Path dir;

    private ObjectNode bundled() throws IOException {
        return (ObjectNode) new ObjectMapper().readTree(Path.of("models", "fmnist-lejepa", "model.json").toFile());
    }

    private void write(ObjectNode manifest) throws IOException {
        new ObjectMapper().writeValue(dir.resolve("model.json").toFile(), manifest);
    }

    @Test
    void accepts_signals_as_default_mode() throws IOException {
        ObjectNode m = bundled();
        m.put("defaultMode", "signals");
        write(m);
        assertEquals("signals", ModelManifest.read(dir).effectiveDefaultMode());
    }

    @Test
    void refuses_signals_default_without_a_reference_set() throws IOException {
        ObjectNode m = bundled();
        m.put("defaultMode", "signals");
        m.remove("signals");
        write(m);
        ModelException e = assertThrows(ModelException.class, () -> ModelManifest.read(dir));
        assertTrue(e.getMessage().contains("defaultMode is signals but there is no signals section"), e.getMessage());
    }

    @Test
    void names_the_modes_an_unknown_default_could_be() throws IOException {
        ObjectNode m = bundled();
        m.put("defaultMode", "embedding");
        write(m);
        ModelException e = assertThrows(ModelException.class, () -> ModelManifest.read(dir));
        assertTrue(e.getMessage().contains("defaultMode must be exact, sketch or signals, found embedding"),
                e.getMessage());
    }
}
