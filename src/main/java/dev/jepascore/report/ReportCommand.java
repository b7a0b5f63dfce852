package dev.jepascore.report;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import dev.jepascore.CommandLines;
import io.quarkus.runtime.Quarkus;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code java -jar quarkus-run.jar report --bucket B [--prefix P] [--top N] --out FILE.html}: the report of
 * {@code GET /v1/report} as a static file. Its flags are checked before anything starts; then the application starts
 * in the {@code report} configuration profile (no HTTP listener, no upload poller) and {@link ReportApplication}
 * writes the page from the store the function is configured with ({@code jepa.storage.*}, {@code quarkus.s3.*}).
 */
@Command(name = "report", sortOptions = false,
        description = "Writes the HTML report of a bucket's result documents (GET /v1/report) to a file.",
        footer = "The store is the function's own: jepa.storage.kind and quarkus.s3.* (system properties or "
                + "environment variables, e.g. JEPA_STORAGE_KIND=s3).",
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = { "0:written", "1:the report could not be made (the message says why)", "2:bad flags" })
public final class ReportCommand implements Callable<Integer>, CommandLines.Checked {

    @Option(names = "--bucket", paramLabel = "B", required = true,
            description = "the bucket whose objects' result documents are read")
    private String bucket;

    @Option(names = "--prefix", paramLabel = "P", defaultValue = "",
            description = "only objects whose key starts with P (default: the whole bucket)")
    private String prefix;

    @Option(names = "--top", paramLabel = "N", defaultValue = "" + ReportOptions.DEFAULT_TOP,
            description = "thumbnails per ranking, 1 to " + ReportOptions.MAX_TOP + " (default ${DEFAULT-VALUE})")
    private int top;

    @Option(names = "--out", paramLabel = "FILE", required = true,
            description = "where the HTML page is written (replaced atomically)")
    private Path out;

    @Mixin
    CommandLines.Help help;

    @Spec
    CommandLine.Model.CommandSpec spec;

    /** Parses the arguments after {@code report}; throws the {@link ParameterException} naming the bad flag. */
    static ReportCommand parse(String... args) {
        return CommandLines.parse(new ReportCommand(), args);
    }

    /** The command: starts the application without HTTP to write one report (exits the process with its code). */
    @Override
    public Integer call() {
        check(spec.commandLine());
        CommandLines.activateProfile("report");
        List<String> args = spec.commandLine().getParseResult().originalArgs();
        Quarkus.run(ReportApplication.class, args.subList(args.indexOf(spec.name()) + 1, args.size())
                .toArray(String[]::new));
        return 0;
    }

    @Override
    public void check(CommandLine line) {
        if (top < 1 || top > ReportOptions.MAX_TOP) {
            throw new ParameterException(line, "--top must be between 1 and " + ReportOptions.MAX_TOP + ", found " + top);
        }
    }

    String bucket() {
        return bucket;
    }

    String prefix() {
        return prefix;
    }

    int top() {
        return top;
    }

    Path out() {
        return out;
    }
}
