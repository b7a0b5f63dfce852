package dev.jepascore.model;

import dev.jepascore.ErrorCode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start-up of the model package: the provider choice and every mismatch named with expected and found. */
class ModelRuntimeTest {

    private static final Path BUNDLED = Path.of("models", "fmnist-lejepa");

    @TempDir
    Path temp;

    @Test
    void auto_provider_falls_back_to_cpu_without_a_gpu_build() {
        try (ModelRuntime runtime = ModelRuntime.open(config(BUNDLED.getParent(), "fmnist-lejepa",
                ModelConfig.Provider.AUTO))) {
            assertEquals("cpu", runtime.provider());
            assertTrue(runtime.ready());
            assertTrue(runtime.hasExactScorer());
        }
    }

    @Test
    void cuda_provider_without_a_gpu_build_fails_at_start_up_with_the_reason() {
        ModelException e = assertThrows(ModelException.class,
                () -> ModelRuntime.open(config(BUNDLED.getParent(), "fmnist-lejepa", ModelConfig.Provider.CUDA)));
        assertEquals(ErrorCode.CUDA_UNAVAILABLE, e.code());
        assertTrue(e.getMessage().contains("-Pcuda"), e.getMessage());
    }

    @Test
    void missing_manifest_names_the_path_and_the_settings() {
        ModelException e = assertThrows(ModelException.class,
                () -> ModelRuntime.open(config(temp, "nope", ModelConfig.Provider.CPU)));
        assertEquals(ErrorCode.MODEL_MISSING, e.code());
        assertTrue(e.getMessage().contains(temp.resolve("nope").resolve("model.json").toAbsolutePath().toString()),
                e.getMessage());
        assertTrue(e.getMessage().contains("jepa.model.dir"), e.getMessage());
    }

    @Test
    void manifest_missing_fields_are_all_named() throws IOException {
        Path dir = Files.createDirectories(temp.resolve("broken"));
        Files.writeString(dir.resolve("model.json"), "{\"id\": \"broken\", \"input\": {\"channels\": 2}}");
        ModelException e = assertThrows(ModelException.class,
                () -> ModelRuntime.open(config(temp, "broken", ModelConfig.Provider.CPU)));
        assertEquals(ErrorCode.MODEL_MANIFEST_INVALID, e.code());
        for (String field : new String[] { "version", "embeddingDim", "eps", "input.channels", "encoder",
                "calibration" }) {
            assertTrue(e.getMessage().contains(field), field + " not named in: " + e.getMessage());
        }
    }

    @Test
    void wrong_input_name_names_expected_and_found() throws IOException {
        Path dir = copyBundled("renamed");
        Path manifest = dir.resolve("model.json");
        Files.writeString(manifest, Files.readString(manifest).replaceFirst("\"input\": \"pixels\"", "\"input\": \"image\""));
        ModelException e = assertThrows(ModelException.class,
                () -> ModelRuntime.open(config(temp, "renamed", ModelConfig.Provider.CPU)));
        assertEquals(ErrorCode.MODEL_MISMATCH, e.code());
        assertTrue(e.getMessage().contains("'image'") && e.getMessage().contains("[pixels]"), e.getMessage());
    }

    @Test
    void wrong_embedding_size_names_the_shapes() throws IOException {
        Path dir = copyBundled("resized");
        Path manifest = dir.resolve("model.json");
        // the reference set's declared dimension follows, so that the manifest is consistent and the graph is what differs
        Files.writeString(manifest, Files.readString(manifest).replaceFirst("\"embeddingDim\": \\d+", "\"embeddingDim\": 12")
                .replaceFirst("\"dim\": \\d+", "\"dim\": 12"));
        ModelException e = assertThrows(ModelException.class,
                () -> ModelRuntime.open(config(temp, "resized", ModelConfig.Provider.CPU)));
        assertEquals(ErrorCode.MODEL_MISMATCH, e.code());
        assertTrue(e.getMessage().contains("12"), e.getMessage());
    }

    @Test
    void fewer_sketch_directions_than_k_fail_at_start_up_naming_the_field() throws IOException {
        Path dir = copyBundled("few-directions");
        Path manifest = dir.resolve("model.json");
        Files.writeString(manifest, Files.readString(manifest).replaceFirst("\"directions\": \\d+", "\"directions\": 10"));
        ModelException e = assertThrows(ModelException.class,
                () -> ModelRuntime.open(config(temp, "few-directions", ModelConfig.Provider.CPU)));
        assertEquals(ErrorCode.MODEL_MANIFEST_INVALID, e.code());
        assertTrue(e.getMessage().contains("model.json") && e.getMessage()
                .contains("sketch.directions must satisfy K <= m <= D (K=64, D=784), found 10"), e.getMessage());
    }

    @Test
    void default_mode_exact_without_a_scorer_graph_fails_at_start_up() throws IOException {
        Path dir = copyBundled("exact-without-scorer");
        Path manifest = dir.resolve("model.json");
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode node = (com.fasterxml.jackson.databind.node.ObjectNode) json
                .readTree(manifest.toFile());
        node.remove("scorer"); // (a nested section since package-model records its check in it)
        node.put("defaultMode", "exact");
        json.writeValue(manifest.toFile(), node);
        ModelException e = assertThrows(ModelException.class,
                () -> ModelRuntime.open(config(temp, "exact-without-scorer", ModelConfig.Provider.CPU)));
        assertTrue(e.getMessage().contains("defaultMode is exact but there is no scorer graph"), e.getMessage());
    }

    @Test
    void missing_onnx_file_names_the_file() throws IOException {
        Path dir = copyBundled("no-scorer");
        Files.delete(dir.resolve("scorer.onnx"));
        ModelException e = assertThrows(ModelException.class,
                () -> ModelRuntime.open(config(temp, "no-scorer", ModelConfig.Provider.CPU)));
        assertEquals(ErrorCode.MODEL_MISSING, e.code());
        assertTrue(e.getMessage().contains("scorer.onnx"), e.getMessage());
    }

    /**
     * ONNX Runtime 1.29 overflows a default 1 MB thread stack while creating its environment when
     * the class path string is long (measured: SIGSEGV above about 4 KB); the model is loaded on a
     * thread with a large stack, so a JVM launched with a long {@code -cp} still starts.
     */
    @Test
    void model_loads_in_a_jvm_launched_with_a_long_class_path() throws Exception {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String padding = temp.resolve("x".repeat(200)).toString();
        StringBuilder longPath = new StringBuilder(classPath);
        while (longPath.length() < 12_000) {
            longPath.append(java.io.File.pathSeparator).append(padding);
        }
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xss1m", "-cp", longPath.toString(), LoadModelMain.class.getName())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertTrue(process.waitFor(120, java.util.concurrent.TimeUnit.SECONDS), "the JVM did not exit");
        assertEquals(0, process.exitValue(), output);
        assertTrue(output.contains("loaded on cpu"), output);
    }

    private Path copyBundled(String name) throws IOException {
        Path dir = Files.createDirectories(temp.resolve(name));
        try (Stream<Path> files = Files.list(BUNDLED)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        return dir;
    }

    static ModelConfig config(Path dir, String id, ModelConfig.Provider provider) {
        return ModelConfig.outsideContainer(dir.toString(), id, provider, 1, 8);
    }
}
