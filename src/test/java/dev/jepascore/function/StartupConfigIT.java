package dev.jepascore.function;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Wrong configuration at start-up, against the packaged application: the process exits (never serves, so readiness
 * is never UP with a broken model) and its output has one line naming the key and what it accepts or lacks.
 */
class StartupConfigIT {

    private static final Path RUNNER = Path.of("target/quarkus-app/quarkus-run.jar");
    private static final long LIMIT_SECONDS = 120;

    @TempDir
    Path work;

    private String startExpectingExit(String... properties) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("-Dquarkus.http.port=0");
        command.add("-Djepa.storage.local.root=" + work.resolve("data"));
        command.add("-Djepa.storage.local.poll-interval=off");
        command.addAll(List.of(properties));
        command.add("-jar");
        command.add(RUNNER.toAbsolutePath().toString());
        Path log = work.resolve("out.log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!process.waitFor(LIMIT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("still running after " + LIMIT_SECONDS + " s with " + List.of(properties)
                    + ":\n" + Files.readString(log));
        }
        assertNotEquals(0, process.exitValue(), "must not start with " + List.of(properties));
        return Files.readString(log);
    }

    private static void assertOneLineHas(String output, String... parts) {
        boolean found = output.lines().anyMatch(line -> List.of(parts).stream().allMatch(line::contains));
        assertTrue(found, "no line names all of " + List.of(parts) + " in:\n" + output);
    }

    @Test
    void a_model_without_input_exits_with_the_one_line_error_and_no_stack_trace() throws Exception {
        Path dir = work.resolve("no-input/fmnist-lejepa");
        Files.createDirectories(dir);
        com.fasterxml.jackson.databind.node.ObjectNode manifest = (com.fasterxml.jackson.databind.node.ObjectNode)
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(Path.of("models/fmnist-lejepa/model.json")
                        .toFile());
        manifest.remove("input");
        Files.writeString(dir.resolve("model.json"), manifest.toString());
        for (String file : List.of("encoder.onnx", "scorer.onnx")) {
            Files.copy(Path.of("models/fmnist-lejepa").resolve(file), dir.resolve(file));
        }
        // the folder watcher on, as the README's run command has it
        String out = startExpectingExit("-Djepa.model.dir=" + dir.getParent(),
                "-Djepa.storage.local.poll-interval=2s");
        assertOneLineHas(out, "Start-up failed", dir.resolve("model.json").toString(), "input is missing");
        assertTrue(out.lines().noneMatch(l -> l.contains("Exception") || l.startsWith("\tat ")),
                "one line, no stack trace:\n" + out);
    }

    @Test
    void unknown_provider_exits_naming_the_key_and_the_accepted_values() throws Exception {
        String out = startExpectingExit("-Djepa.model.provider=gpu");
        assertOneLineHas(out, "jepa.model.provider", "gpu", "cpu", "cuda", "auto");
    }

    @Test
    void cuda_required_on_the_cpu_build_exits_naming_what_is_missing() throws Exception {
        String out = startExpectingExit("-Djepa.model.provider=cuda");
        assertOneLineHas(out, "jepa.model.provider=cuda", "offers only [CPU]", "-Pcuda", "CUDA 12", "cuDNN 9");
    }

    @Test
    void missing_model_directory_exits_naming_the_directory_and_the_keys() throws Exception {
        String out = startExpectingExit("-Djepa.model.dir=" + work.resolve("no-models"));
        assertOneLineHas(out, "jepa.model.dir=" + work.resolve("no-models"), "holds no model package",
                "jepa.model.packages");
    }

    @Test
    void a_listed_package_that_is_not_there_exits_naming_it_and_the_key() throws Exception {
        String out = startExpectingExit("-Djepa.model.packages=fmnist-lejepa,dinov2-vits14");
        assertOneLineHas(out, "jepa.model.packages", "'dinov2-vits14'", "dinov2-vits14/model.json");
    }

    @Test
    void a_default_model_that_is_not_served_exits_naming_the_key_and_the_served_ids() throws Exception {
        String out = startExpectingExit("-Djepa.model.id=dinov2-vits14");
        assertOneLineHas(out, "jepa.model.id=dinov2-vits14", "names no served model", "[fmnist-lejepa, photo-vit]");
    }

    @Test
    void two_packages_with_one_id_exit_naming_both_directories() throws Exception {
        Path dir = work.resolve("twins");
        for (String name : List.of("first", "second")) {
            Files.createDirectories(dir.resolve(name));
            Files.copy(Path.of("models/fmnist-lejepa/model.json"), dir.resolve(name).resolve("model.json"));
        }
        String out = startExpectingExit("-Djepa.model.dir=" + dir);
        assertOneLineHas(out, "jepa.model.dir=" + dir, dir.resolve("first").toString(), dir.resolve("second").toString(),
                "both hold model id 'fmnist-lejepa'");
    }

    @Test
    void a_bucket_mapped_to_an_unknown_model_exits_naming_the_key_and_the_served_ids() throws Exception {
        String out = startExpectingExit("-Djepa.model.packages=fmnist-lejepa",
                "-Djepa.storage.bucket-models.photos=dinov2-vits14");
        assertOneLineHas(out, "jepa.storage.bucket-models.photos=dinov2-vits14", "names no served model",
                "[fmnist-lejepa]");
    }

    @Test
    void unknown_cudnn_search_value_exits_naming_the_key_and_the_accepted_values() throws Exception {
        String out = startExpectingExit("-Djepa.model.cudnn-conv-algo-search=fastest");
        assertOneLineHas(out, "jepa.model.cudnn-conv-algo-search", "exhaustive", "heuristic");
    }
}
