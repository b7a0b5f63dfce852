package dev.jepascore.packaging;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

import dev.jepascore.CommandLines;
import dev.jepascore.JepaException;
import dev.jepascore.score.EmbeddingSignals;
import dev.jepascore.score.Signal;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/**
 * {@code java -jar quarkus-run.jar package-model ...}: a model package from an encoder.onnx and a
 * folder of images, without starting the function. Exit codes: 0 written, 1 the encoder, the
 * images or the package do not allow it (the message names the file and the problem), 2 bad flags.
 */
@Command(name = "package-model", sortOptions = false,
        description = { "Writes a model package from an encoder.onnx and a folder of images (the function does not start).",
            "With --scorer-only --out DIR: (re)writes the exact scorer of an existing package." },
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = { "0:the package is written",
            "1:the encoder, the images or the package do not allow it (the message names the file and the problem)",
            "2:bad flags" })
public final class PackageModelCommand implements Callable<Integer> {

    /**
     * Stack of the thread that creates the ONNX Runtime environment: a long class path overflowed
     * a 1 MB stack in native code (see {@code ModelRuntime.LOADER_STACK_BYTES}).
     */
    private static final long STACK_BYTES = 64L << 20;

    @Mixin
    PackageOptions options = new PackageOptions();

    @Mixin
    CommandLines.Help help;

    @Spec
    CommandLine.Model.CommandSpec spec;

    /** Where the packager's progress and errors go (picocli's help and flag errors go to the command line's). */
    private PrintStream out = System.out;
    private PrintStream err = System.err;
    /** The signals the package is calibrated for. */
    private List<Signal> signals = EmbeddingSignals.REGISTERED;

    /** Runs the command with the arguments after {@code package-model}; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, out, err, EmbeddingSignals.REGISTERED);
    }

    /** {@link #run(String[], PrintStream, PrintStream)} calibrating {@code signals} (a test's own among them). */
    static int run(String[] args, PrintStream out, PrintStream err, List<Signal> signals) {
        PackageModelCommand command = new PackageModelCommand();
        command.out = out;
        command.err = err;
        command.signals = signals;
        CommandLine line = CommandLines.of(command);
        line.setOut(new PrintWriter(out, true));
        line.setErr(new PrintWriter(err, true));
        return line.execute(args);
    }

    @Override
    public Integer call() {
        options.check(spec.commandLine());
        int[] code = { 1 };
        Thread worker = new Thread(null, () -> code[0] = runPackager(options, signals, out, err), "package-model", STACK_BYTES);
        worker.start();
        try {
            worker.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("package-model: interrupted");
            return 1;
        }
        return code[0];
    }

    private static int runPackager(PackageOptions options, List<Signal> signals, PrintStream out, PrintStream err) {
        try {
            if (options.scorerOnly()) {
                new ModelPackager(options, out, signals).writeScorerOnly();
            } else {
                new ModelPackager(options, out, signals).run();
            }
            return 0;
        } catch (JepaException e) {
            err.println("package-model: error (" + e.code() + "): " + e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("package-model: error: " + e);
            return 1;
        }
    }
}
