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
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;

/**
 * {@code java -jar quarkus-run.jar report --bucket B [--prefix P] [--top N] --out FILE.html}: the report of
 * {@code GET /v1/report} as a static file. It starts the application without its HTTP listener or upload poller, so
 * it reads the store the function is configured with ({@code jepa.storage.*}, {@code quarkus.s3.*}). Exit codes: 0
 * written, 1 the report could not be made (the message says why), 2 bad flags.
 */
public class ReportCommand implements QuarkusApplication {

    static final String USAGE = """
            usage: report --bucket B [--prefix P] [--top N] --out FILE.html
              --bucket B   the bucket whose objects' result documents are read (required)
              --prefix P   only objects whose key starts with P (default: the whole bucket)
              --top N      thumbnails per ranking, 1 to %d (default %d)
              --out FILE   where the HTML page is written (replaced atomically)
            The store is the function's own: jepa.storage.kind and quarkus.s3.* (system properties or
            environment variables, e.g. JEPA_STORAGE_KIND=s3).""".formatted(ReportOptions.MAX_TOP,
            ReportOptions.DEFAULT_TOP);

    /** Parsed flags. */
    record Args(String bucket, String prefix, int top, Path out) {
    }

    /** Bad flags; a {@code null} message asks for the usage only ({@code --help}). */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    @Inject
    ReportRenderer renderer;

    /** Entry from {@code JepaMain}: checks the flags before anything starts, then runs the application. */
    public static int launch(String[] args, PrintStream err) {
        try {
            parse(args);
        } catch (UsageException e) {
            if (e.getMessage() != null) {
                err.println("report: " + e.getMessage());
            }
            err.println(USAGE);
            return e.getMessage() == null ? 0 : 2;
        }
        // a one-off reader: no HTTP listener, no polling of the uploads bucket
        System.setProperty("quarkus.http.host-enabled", "false");
        System.setProperty("jepa.storage.local.poll-interval", "off");
        Quarkus.run(ReportCommand.class, args);
        return 0;
    }

    static Args parse(String[] args) throws UsageException {
        String bucket = null;
        String prefix = "";
        int top = ReportOptions.DEFAULT_TOP;
        Path out = null;
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (flag.equals("--help") || flag.equals("-h")) {
                throw new UsageException(null);
            }
            if (i + 1 >= args.length) {
                throw new UsageException(flag.startsWith("--") ? flag + " needs a value" : "unexpected argument " + flag);
            }
            String value = args[++i];
            switch (flag) {
                case "--bucket" -> bucket = value;
                case "--prefix" -> prefix = value;
                case "--out" -> out = Path.of(value);
                case "--top" -> {
                    try {
                        top = Integer.parseInt(value);
                    } catch (NumberFormatException e) {
                        throw new UsageException("--top takes a whole number, found '" + value + "'");
                    }
                    if (top < 1 || top > ReportOptions.MAX_TOP) {
                        throw new UsageException("--top must be between 1 and " + ReportOptions.MAX_TOP + ", found " + top);
                    }
                }
                default -> throw new UsageException("unknown flag " + flag);
            }
        }
        if (bucket == null) {
            throw new UsageException("--bucket is required");
        }
        if (out == null) {
            throw new UsageException("--out is required");
        }
        return new Args(bucket, prefix, top, out);
    }

    @Override
    public int run(String... args) throws Exception {
        return run(args, System.out, System.err);
    }

    /** Writes the report; returns the exit code. */
    int run(String[] args, PrintStream out, PrintStream err) {
        Args parsed;
        try {
            parsed = parse(args);
        } catch (UsageException e) {
            err.println("report: " + (e.getMessage() == null ? "" : e.getMessage()) + "\n" + USAGE);
            return 2;
        }
        try {
            ReportData data = write(renderer, parsed.bucket(), parsed.prefix(),
                    ReportOptions.defaults().withTop(parsed.top()), parsed.out());
            Path target = parsed.out().toAbsolutePath();
            out.printf("report: %d result documents (%d failures) of %s/%s -> %s%n", data.documents(),
                    data.failureCount(), parsed.bucket(), parsed.prefix(), target);
            return 0;
        } catch (JepaException e) {
            err.println("report: error (" + e.code() + "): " + e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("report: cannot write " + parsed.out() + ": " + e);
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
