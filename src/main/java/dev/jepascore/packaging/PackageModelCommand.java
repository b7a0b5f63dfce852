package dev.jepascore.packaging;

import java.io.IOException;
import java.io.PrintStream;

import dev.jepascore.JepaException;

/**
 * {@code java -jar quarkus-run.jar package-model ...}: a model package from an encoder.onnx and a
 * folder of images, without starting the function. Exit codes: 0 written, 1 the encoder, the
 * images or the package do not allow it (the message names the file and the problem), 2 bad flags.
 */
public final class PackageModelCommand {

    /**
     * Stack of the thread that creates the ONNX Runtime environment: a long class path overflowed
     * a 1 MB stack in native code (see {@code ModelRuntime.LOADER_STACK_BYTES}).
     */
    private static final long STACK_BYTES = 64L << 20;

    private PackageModelCommand() {
    }

    /** Runs the command with the arguments after {@code package-model}; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        PackageOptions options;
        try {
            options = PackageOptions.parse(args);
        } catch (PackageOptions.UsageException e) {
            if (e.getMessage() != null) {
                err.println("package-model: " + e.getMessage());
            }
            err.println(PackageOptions.USAGE);
            return e.getMessage() == null ? 0 : 2;
        }
        int[] code = { 1 };
        Thread worker = new Thread(null, () -> code[0] = runPackager(options, out, err), "package-model", STACK_BYTES);
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

    private static int runPackager(PackageOptions options, PrintStream out, PrintStream err) {
        try {
            if (options.scorerOnly()) {
                new ModelPackager(options, out).writeScorerOnly();
            } else {
                new ModelPackager(options, out).run();
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
