package dev.jepascore.model;

import dev.jepascore.ErrorCode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which packages are served and which is the default, from {@code jepa.model.dir}, {@code jepa.model.packages} and
 * {@code jepa.model.id}; and both bundled models open together on one ONNX Runtime environment.
 */
class ServedModelsTest {

    private static final Path MODELS = Path.of("models");

    @TempDir
    Path temp;

    /** The documented defaults, with the three keys this class reads set as given (null: unset). */
    static ModelConfig config(Path dir, List<String> packages, String id) {
        ModelConfig base = ModelConfig.outsideContainer(dir.toString(), "unused", ModelConfig.Provider.CPU, 1, 8);
        return (ModelConfig) Proxy.newProxyInstance(ModelConfig.class.getClassLoader(),
                new Class<?>[] { ModelConfig.class }, (proxy, method, args) -> switch (method.getName()) {
                    case "packages" -> Optional.ofNullable(packages);
                    case "id" -> Optional.ofNullable(id);
                    default -> method.invoke(base, args);
                });
    }

    @Test
    void every_package_under_the_directory_is_served_and_the_first_by_name_is_the_default() {
        ModelConfig config = config(MODELS, null, null);
        List<Path> dirs = ServedModels.packageDirs(config);
        assertEquals(List.of(MODELS.resolve("fmnist-lejepa"), MODELS.resolve("photo-vit")), dirs);
        assertEquals("fmnist-lejepa", ServedModels.checkIds(config, dirs));
    }

    @Test
    void listed_packages_are_served_in_their_order_and_the_first_is_the_default() {
        ModelConfig config = config(MODELS, List.of("photo-vit", "fmnist-lejepa"), null);
        List<Path> dirs = ServedModels.packageDirs(config);
        assertEquals(List.of(MODELS.resolve("photo-vit"), MODELS.resolve("fmnist-lejepa")), dirs);
        assertEquals("photo-vit", ServedModels.checkIds(config, dirs));
        assertEquals("fmnist-lejepa", ServedModels.checkIds(config(MODELS, null, "fmnist-lejepa"), dirs));
    }

    @Test
    void a_default_that_is_not_served_is_refused_naming_the_key_and_the_ids() {
        ModelConfig config = config(MODELS, List.of("photo-vit"), "fmnist-lejepa");
        ModelException e = assertThrows(ModelException.class,
                () -> ServedModels.checkIds(config, ServedModels.packageDirs(config)));
        assertEquals(ErrorCode.MODEL_UNKNOWN, e.code());
        assertTrue(e.getMessage().contains("jepa.model.id=fmnist-lejepa names no served model; the served ids are "
                + "[photo-vit] (jepa.model.packages=photo-vit)"), e.getMessage());
    }

    @Test
    void two_packages_with_one_id_are_refused_naming_both() throws IOException {
        for (String name : List.of("a", "b")) {
            Files.createDirectories(temp.resolve(name));
            Files.copy(MODELS.resolve("photo-vit/model.json"), temp.resolve(name).resolve("model.json"));
        }
        ModelConfig config = config(temp, null, null);
        ModelException e = assertThrows(ModelException.class,
                () -> ServedModels.checkIds(config, ServedModels.packageDirs(config)));
        assertEquals(ErrorCode.MODEL_ID_DUPLICATE, e.code());
        assertTrue(e.getMessage().contains(temp.resolve("a") + " and " + temp.resolve("b")
                + " both hold model id 'photo-vit'"), e.getMessage());
    }

    @Test
    void a_directory_without_packages_is_refused_naming_the_keys() {
        ModelException e = assertThrows(ModelException.class, () -> ServedModels.packageDirs(config(temp, null, null)));
        assertTrue(e.getMessage().contains("jepa.model.dir=" + temp) && e.getMessage().contains("jepa.model.packages"),
                e.getMessage());
    }

    @Test
    void both_bundled_models_open_warm_and_close_together() {
        ServedModels served = new ServedModels(config(MODELS, null, "photo-vit"));
        served.open();
        try {
            assertEquals(List.of("fmnist-lejepa", "photo-vit"), served.ids());
            assertEquals("photo-vit", served.defaultId());
            assertTrue(served.ready());
            assertTrue(served.get("fmnist-lejepa").hasExactScorer());
            assertTrue(served.get("photo-vit").hasExactScorer(), "photo-vit's scorer.onnx, written by package-model --scorer-only");
            // each model runs its own graph: K=64 for a 1x28x28 image, K=32 for a 3x64x64 one
            assertEquals(64, served.get("fmnist-lejepa").embed(new float[28 * 28], 1).length);
            assertEquals(32, served.get("photo-vit").embed(new float[3 * 64 * 64], 1).length);
        } finally {
            served.close();
        }
        assertFalse(served.ready());
    }
}
