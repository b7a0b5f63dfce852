package dev.jepascore.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OrtNativeLibrariesTest {

    @TempDir
    Path app;

    private Path withLibraries(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (String lib : OrtNativeLibraries.LIBRARIES) {
            Files.write(dir.resolve(lib), new byte[] { 1 });
        }
        return dir;
    }

    @Test
    void uses_the_folder_beside_quarkus_run_jar_when_the_build_put_the_libraries_there() throws IOException {
        Path dir = withLibraries(app.resolve("onnxruntime"));
        Optional<Path> chosen = OrtNativeLibraries.choose(Optional.empty(), app.resolve("quarkus-run.jar").toString(), Optional.empty());
        assertEquals(Optional.of(dir.toAbsolutePath()), chosen);
    }

    @Test
    void leaves_onnx_runtime_to_unpack_its_jar_without_that_folder_or_under_a_class_path() throws IOException {
        assertEquals(Optional.empty(),
                OrtNativeLibraries.choose(Optional.empty(), app.resolve("quarkus-run.jar").toString(), Optional.empty()));
        withLibraries(app.resolve("onnxruntime"));
        assertEquals(Optional.empty(), OrtNativeLibraries.choose(Optional.empty(),
                "lib/a.jar:" + app.resolve("quarkus-run.jar"), Optional.empty()), "a -cp launch is not the packaged app");
    }

    @Test
    void configured_folder_without_the_libraries_fails_naming_the_key_and_what_is_missing() throws IOException {
        Path dir = app.resolve("half");
        Files.createDirectories(dir);
        Files.write(dir.resolve("libonnxruntime.so"), new byte[] { 1 });
        ModelException e = assertThrows(ModelException.class,
                () -> OrtNativeLibraries.choose(Optional.of(dir.toString()), "x.jar", Optional.empty()));
        assertTrue(e.getMessage().contains("jepa.model.native-path"), e.getMessage());
        assertTrue(e.getMessage().contains("missing: [libonnxruntime4j_jni.so]"), e.getMessage());
    }

    @Test
    void configured_folder_with_the_libraries_wins() throws IOException {
        Path dir = withLibraries(app.resolve("elsewhere"));
        assertEquals(Optional.of(dir), OrtNativeLibraries.choose(Optional.of(dir.toString()), "quarkus-run.jar", Optional.empty()));
    }

    @Test
    void native_binary_loads_from_the_folder_beside_it() throws IOException {
        Path dir = withLibraries(app.resolve("onnxruntime"));
        assertEquals(Optional.of(dir.toAbsolutePath()),
                OrtNativeLibraries.choose(Optional.empty(), "", Optional.of(app.resolve("jepa-score-runner"))));
    }

    @Test
    void native_binary_without_the_libraries_fails_naming_where_it_looked() {
        ModelException e = assertThrows(ModelException.class,
                () -> OrtNativeLibraries.choose(Optional.empty(), "", Optional.of(app.resolve("jepa-score-runner"))));
        assertTrue(e.getMessage().contains(app.resolve("onnxruntime").toAbsolutePath().toString()), e.getMessage());
        assertTrue(e.getMessage().contains("libonnxruntime.so"), e.getMessage());
    }
}
