package dev.jepascore.model;

import dev.jepascore.ErrorCode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.jepascore.score.EmbeddingSignals;

/** A broken reference set stops start-up with the file's name and what is wrong with it. */
class ReferenceSetTest {

    private static final Path BUNDLED = Path.of("models", "fmnist-lejepa");

    @TempDir
    Path dir;

    /** The bundled package's manifest and reference set, copied so that a test can break them. */
    private ModelManifest copyPackage() throws IOException {
        Files.copy(BUNDLED.resolve("model.json"), dir.resolve("model.json"));
        Files.copy(BUNDLED.resolve("reference.f32"), dir.resolve("reference.f32"), StandardCopyOption.REPLACE_EXISTING);
        return ModelManifest.read(dir);
    }

    private ModelException startUpFailure(ModelManifest manifest) {
        return assertThrows(ModelException.class, () -> EmbeddingSignals.load(manifest, dir, manifest.input()));
    }

    @Test
    void bundled_reference_set_loads() throws IOException {
        ModelManifest manifest = copyPackage();
        ReferenceSet ref = ReferenceSet.read(dir, manifest.signals().reference(), manifest.embeddingDim());
        assertEquals(3000, ref.count());
        assertEquals(64, ref.dim());
    }

    @Test
    void missing_reference_file_fails_start_up_naming_it() throws IOException {
        ModelManifest manifest = copyPackage();
        Files.delete(dir.resolve("reference.f32"));
        ModelException e = startUpFailure(manifest);
        assertEquals(ErrorCode.MODEL_MISSING, e.code());
        assertTrue(e.getMessage().contains("reference.f32") && e.getMessage().contains("not found"), e.getMessage());
    }

    @Test
    void reference_file_of_another_dimension_fails_start_up_saying_which() throws IOException {
        ModelManifest manifest = copyPackage();
        ReferenceSet.write(dir.resolve("reference.f32"), new float[3000 * 32]); // K = 32 embeddings
        ModelException e = startUpFailure(manifest);
        assertEquals(ErrorCode.REFERENCE_SET_INVALID, e.code());
        assertTrue(e.getMessage().contains("reference.f32") && e.getMessage().contains("expected 768000")
                && e.getMessage().contains("dimension 32"), e.getMessage());
    }

    @Test
    void nan_in_the_reference_set_fails_start_up_with_its_position() throws IOException {
        ModelManifest manifest = copyPackage();
        ReferenceSet ref = ReferenceSet.read(dir, manifest.signals().reference(), 64);
        float[] broken = ref.embeddings().clone();
        broken[5 * 64 + 7] = Float.NaN;
        ReferenceSet.write(dir.resolve("reference.f32"), broken);
        ModelException e = startUpFailure(manifest);
        assertTrue(e.getMessage().contains("reference.f32") && e.getMessage().contains("NaN")
                && e.getMessage().contains("row 5, column 7"), e.getMessage());
    }

    @Test
    void manifest_reference_dimension_other_than_embedding_dim_is_rejected() throws IOException {
        copyPackage();
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = (ObjectNode) json.readTree(dir.resolve("model.json").toFile());
        ((ObjectNode) root.path("signals").path("reference")).put("dim", 32);
        json.writeValue(dir.resolve("model.json").toFile(), root);
        ModelException e = assertThrows(ModelException.class, () -> ModelManifest.read(dir));
        assertTrue(e.getMessage().contains("signals.reference.dim is 32 but embeddingDim is 64"), e.getMessage());
    }

    @Test
    void a_different_reference_file_is_caught_by_its_shrinkage() throws IOException {
        ModelManifest manifest = copyPackage();
        ReferenceSet ref = ReferenceSet.read(dir, manifest.signals().reference(), 64);
        float[] shuffled = ref.embeddings().clone();
        for (int i = 0; i < shuffled.length; i += 2) { // swap neighbouring columns: another covariance
            float t = shuffled[i];
            shuffled[i] = shuffled[i + 1] * 3;
            shuffled[i + 1] = t;
        }
        ReferenceSet.write(dir.resolve("reference.f32"), shuffled);
        ModelException e = startUpFailure(manifest);
        assertTrue(e.getMessage().contains("shrinkage"), e.getMessage());
    }
}
