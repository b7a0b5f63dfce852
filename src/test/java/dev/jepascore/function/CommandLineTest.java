package dev.jepascore.function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;

/**
 * The artifact's command line as a user meets it: help on every command, bad flags answered with one line naming the
 * flag, the usage and exit code 2 before anything starts, a completion script naming every command. Nothing here
 * starts the function.
 */
class CommandLineTest {

    private record Run(int code, String out, String err) {
        String firstErrorLine() {
            return err.lines().findFirst().orElse("");
        }
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine line = JepaMain.commandLine();
        line.setOut(new PrintWriter(out, true));
        line.setErr(new PrintWriter(err, true));
        int code = line.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void help_lists_every_command() {
        Run help = run("--help");
        assertEquals(0, help.code());
        for (String command : new String[] { "serve", "package-model", "backfill", "report", "completion" }) {
            assertTrue(help.out().contains("  " + command + " "), command + " missing from\n" + help.out());
        }
    }

    @Test
    void each_command_has_generated_help_naming_its_flags() {
        assertTrue(run("backfill", "--help").out().contains("--s3-batch-manifest=FILE"));
        assertTrue(run("report", "-h").out().contains("--top=N"));
        assertTrue(run("package-model", "--help").out().contains("--sketch-directions=m"));
        assertEquals(0, run("backfill", "--help").code());
    }

    @Test
    void unknown_flag_is_one_line_naming_it_then_the_usage_and_exit_code_2() {
        Run root = run("--frobnicate");
        assertEquals(2, root.code());
        assertEquals("jepa-score: Unknown option: '--frobnicate'", root.firstErrorLine());
        assertTrue(root.err().contains("Usage: jepa-score"), root.err());

        Run backfill = run("backfill", "--bucket", "b", "--concurency", "2");
        assertEquals(2, backfill.code());
        assertEquals("backfill: Unknown options: '--concurency', '2'", backfill.firstErrorLine());
        assertTrue(backfill.err().contains("Usage: jepa-score backfill"), backfill.err());

        Run serve = run("serve", "--port", "9000");
        assertEquals(2, serve.code());
        assertTrue(serve.firstErrorLine().startsWith("serve: Unknown option"), serve.err());
    }

    @Test
    void refused_combinations_and_values_name_the_flag() {
        Run modes = run("backfill", "--bucket", "b", "--dry-run", "--emit-events", "http://127.0.0.1:9/v1/events");
        assertEquals(2, modes.code());
        assertEquals("backfill: --dry-run, --apply-actions, --emit-events and --s3-batch-manifest exclude each other",
                modes.firstErrorLine());
        Run concurrency = run("backfill", "--bucket", "b", "--concurrency", "many");
        assertEquals(2, concurrency.code());
        assertTrue(concurrency.firstErrorLine().contains("--concurrency"), concurrency.err());
        Run size = run("package-model", "--encoder", "e.onnx", "--images", "d", "--out", "o", "--size", "224");
        assertEquals(2, size.code());
        assertEquals("package-model: --size must be HxW (e.g. 224x224), found 224", size.firstErrorLine());
        Run missing = run("report", "--bucket", "b");
        assertEquals(2, missing.code());
        assertEquals("report: Missing required option: '--out=FILE'", missing.firstErrorLine());
    }

    @Test
    void completion_script_completes_the_commands_and_their_flags() {
        Run completion = run("completion");
        assertEquals(0, completion.code());
        assertTrue(completion.out().startsWith("#!/usr/bin/env bash"), completion.out());
        assertTrue(completion.out().contains("package-model") && completion.out().contains("--s3-batch-manifest"),
                "the script names the commands and their flags");
    }
}
