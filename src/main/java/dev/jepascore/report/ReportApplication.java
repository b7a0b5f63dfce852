package dev.jepascore.report;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

import jakarta.inject.Inject;

import dev.jepascore.JepaException;
import io.quarkus.runtime.QuarkusApplication;
import picocli.CommandLine.ParameterException;

/**
 * The {@code report} command as the application's main, once the function's beans are up: reads the flags
 * {@link ReportCommand} checked, writes the page, returns the exit code (0 written, 1 the report could not be made).
 */
public class ReportApplication implements QuarkusApplication {

    @Inject
    ReportRenderer renderer;

    @Override
    public int run(String... args) {
        return run(args, System.out, System.err);
    }

    /** Writes the report; returns the exit code. */
    int run(String[] args, PrintStream out, PrintStream err) {
        ReportCommand flags;
        try {
            flags = ReportCommand.parse(args);
        } catch (ParameterException e) {
            err.println("report: " + e.getMessage());
            return 2;
        }
        try {
            ReportData data = write(renderer, flags.bucket(), flags.prefix(), ReportOptions.defaults().withTop(flags.top()),
                    flags.out());
            out.printf("report: %d result documents (%d failures) of %s/%s -> %s%n", data.documents(),
                    data.failureCount(), flags.bucket(), flags.prefix(), flags.out().toAbsolutePath());
            return 0;
        } catch (JepaException e) {
            err.println("report: error (" + e.code() + "): " + e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("report: cannot write " + flags.out() + ": " + e);
            return 1;
        }
    }

    /**
     * Scans the documents of {@code bucket}/{@code prefix} and writes the page to {@code file}, replacing it
     * atomically (also {@code backfill --report}).
     *
     * @throws IOException the file cannot be written
     */
    public static ReportData write(ReportRenderer renderer, String bucket, String prefix, ReportOptions options,
            Path file) throws IOException {
        ReportData data = renderer.scan(renderer.store(), bucket, prefix, options);
        Path target = file.toAbsolutePath();
        Files.createDirectories(target.getParent());
        Path temp = Files.createTempFile(target.getParent(), ".report-", ".html");
        try {
            try (Writer writer = new BufferedWriter(Files.newBufferedWriter(temp, StandardCharsets.UTF_8))) {
                renderer.render(data, writer);
            }
            if (Files.getFileStore(temp).supportsFileAttributeView("posix")) {
                // a temporary file starts private; the report is a page to share
                Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-r--r--"));
            }
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
        return data;
    }
}
