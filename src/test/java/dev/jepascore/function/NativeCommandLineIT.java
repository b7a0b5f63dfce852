package dev.jepascore.function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The native executable as a user runs it from a shell: help, a mistyped flag and a configuration that cannot start
 * each end the process with the status a script checks (0, 2, non-zero) and one line naming the problem. A native
 * image ends through its own exit path (libjava's Shutdown.halt0 into the JVM functions beside the binary), which a
 * JVM test never takes. Run by {@code ./mvnw verify -Pnative}.
 */
@Tag("native")
class NativeCommandLineIT {

    private static final long LIMIT_SECONDS = 60;

    @TempDir
    Path work;

    private record Exit(int status, String output) {
    }

    private Exit run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("native.image.path")).toAbsolutePath().toString());
        command.addAll(List.of(args));
        Path log = work.resolve("out.log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!process.waitFor(LIMIT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("still running after " + LIMIT_SECONDS + " s: " + command);
        }
        return new Exit(process.exitValue(), Files.readString(log));
    }

    @Test
    void help_lists_every_command_and_exits_0() throws Exception {
        Exit exit = run("--help");
        assertEquals(0, exit.status(), exit.output());
        for (String command : List.of("serve", "package-model", "backfill", "report", "completion")) {
            assertTrue(exit.output().contains(command), command + " in:\n" + exit.output());
        }
    }

    @Test
    void mistyped_flag_exits_2_naming_it() throws Exception {
        Exit exit = run("backfill", "--concurency", "2");
        assertEquals(2, exit.status(), exit.output());
        assertTrue(exit.output().lines().anyMatch(l -> l.contains("--concurency")), exit.output());
        assertTrue(exit.output().lines().noneMatch(l -> l.contains("not available in a native image")), exit.output());
    }

    @Test
    void configuration_that_cannot_start_exits_non_zero_with_one_line() throws Exception {
        Exit exit = run("-Dquarkus.http.port=0", "-Djepa.storage.local.poll-interval=off",
                "-Djepa.storage.local.root=" + work.resolve("data"), "-Djepa.model.provider=gpu");
        assertNotEquals(0, exit.status(), exit.output());
        assertTrue(exit.output().lines().anyMatch(l -> l.contains("jepa.model.provider") && l.contains("gpu")),
                exit.output());
        assertTrue(exit.output().lines().noneMatch(l -> l.contains("not available in a native image")), exit.output());
    }
}
