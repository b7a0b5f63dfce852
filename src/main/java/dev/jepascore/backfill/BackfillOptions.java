package dev.jepascore.backfill;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import dev.jepascore.CommandLines;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code backfill}: its flags (picocli) and the launch of the function without HTTP ({@link BackfillCommand}). Exactly
 * one mode: score here (default), {@code --dry-run}, {@code --apply-actions}, {@code --emit-events URL} or
 * {@code --s3-batch-manifest FILE}.
 */
@Command(name = "backfill", sortOptions = false,
        description = "Scores the objects of a bucket that have no result document yet, with the function's own "
                + "configuration, store and job, then exits.",
        footer = { "Storage is configured as for the function (jepa.storage.*, quarkus.s3.*)." },
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = { "0:every object has a document (or was sent)",
            "1:the bucket or prefix cannot be listed (or the report cannot be written)",
            "2:bad flags",
            "3:some objects failed for a reason that may pass: run the same command again" })
public final class BackfillOptions implements Callable<Integer>, CommandLines.Checked {

    /** Objects asked for per listing call: the most one S3 ListObjectsV2 call returns. */
    static final int PAGE_SIZE = 1000;

    @Option(names = "--bucket", paramLabel = "B",
            description = "the bucket to go through (the local store: a directory below jepa.storage.local.root)")
    private String bucket;

    @Option(names = "--prefix", paramLabel = "P", defaultValue = "",
            description = "only keys starting with this (default: the whole bucket); the results prefix is never scored")
    private String prefix;

    @Option(names = "--model", paramLabel = "M", description = "the served model that scores them (GET /v1/models "
            + "lists the ids; default: the bucket's model, jepa.storage.bucket-models.<bucket>, else jepa.model.id); "
            + "an object that already has a document, from whichever model, is skipped")
    private String model;

    @Option(names = "--concurrency", paramLabel = "N", description = "objects scored at once, or events in flight "
            + "with --emit-events (default: the number of CPUs)")
    private int concurrency = Runtime.getRuntime().availableProcessors();

    @Option(names = "--report", paramLabel = "FILE.html", description = "then write the report over the prefix's "
            + "result documents to this HTML file (as the report command does); not with --emit-events or "
            + "--s3-batch-manifest, whose documents are written later by the deployed function")
    private Path report;

    @Option(names = "--dry-run", description = "list and count what would be scored; score nothing, write nothing")
    private boolean dryRun;

    @Option(names = "--apply-actions", description = "run the bucket's configured actions (jepa.actions.<bucket>.*: "
            + "tag, notify, quarantine) on objects that already have a document, where it does not record them as "
            + "done; score nothing (objects without a document are skipped)")
    private boolean applyActions;

    @Option(names = "--emit-events", paramLabel = "URL", description = "post one S3-style storage event per object to "
            + "this URL (a deployed function's /v1/events or /onObjectCreated) instead of scoring here; 429/503 "
            + "answers are retried")
    private String emitEventsFlag;

    @Option(names = "--s3-batch-manifest", paramLabel = "FILE", description = "write the CSV manifest (bucket,key "
            + "URL-encoded) for an S3 Batch Operations job that invokes the Lambda build, instead of scoring here")
    private Path s3BatchManifest;

    @Mixin
    CommandLines.Help help;

    @Spec
    CommandLine.Model.CommandSpec spec;

    private URI emitEvents;

    /** Parses the arguments after {@code backfill}; throws the {@link ParameterException} naming the bad flag. */
    static BackfillOptions parse(String... args) {
        return CommandLines.parse(new BackfillOptions(), args);
    }

    /** The command: checks the flags, then starts the function without HTTP for one backfill (never returns). */
    @Override
    public Integer call() {
        check(spec.commandLine());
        List<String> args = spec.commandLine().getParseResult().originalArgs();
        return BackfillCommand.launch(this, args.subList(args.indexOf(spec.name()) + 1, args.size()));
    }

    @Override
    public void check(CommandLine line) {
        if (bucket == null || bucket.isBlank()) {
            throw new ParameterException(line, "missing --bucket");
        }
        if (concurrency <= 0) {
            throw new ParameterException(line, "--concurrency must be a positive integer, found " + concurrency);
        }
        if (emitEventsFlag != null) {
            emitEvents = url(line, emitEventsFlag);
        }
        int modes = (dryRun ? 1 : 0) + (applyActions ? 1 : 0) + (emitEvents != null ? 1 : 0)
                + (s3BatchManifest != null ? 1 : 0);
        if (modes > 1) {
            throw new ParameterException(line, "--dry-run, --apply-actions, --emit-events and --s3-batch-manifest "
                    + "exclude each other");
        }
        if (applyActions && model != null) {
            throw new ParameterException(line, "--model applies to scoring; --apply-actions scores nothing");
        }
        if (report != null && (emitEvents != null || s3BatchManifest != null)) {
            throw new ParameterException(line, "--report needs the documents written here: not with --emit-events or "
                    + "--s3-batch-manifest (run the report command once the deployed function has scored them)");
        }
        if (model != null && (emitEvents != null || s3BatchManifest != null)) {
            throw new ParameterException(line, "--model applies to scoring here: with --emit-events or "
                    + "--s3-batch-manifest the deployed function scores with its own jepa.storage.bucket-models / "
                    + "jepa.model.id");
        }
    }

    /**
     * The function's configuration this backfill adds: {@code --model} maps the bucket to that model, as
     * {@code jepa.storage.bucket-models."<bucket>"} (quoted: bucket names may hold dots); an id no package has stops
     * start-up with one line naming the key.
     */
    java.util.Map<String, String> configuration() {
        return model == null ? java.util.Map.of()
                : java.util.Map.of("jepa.storage.bucket-models.\"" + bucket + "\"", model);
    }

    /** What the progress line calls the work. */
    String what() {
        return dryRun || applyActions ? "checked" : emitEvents != null ? "sent" : s3BatchManifest != null ? "listed" : "done";
    }

    private static URI url(CommandLine line, String value) {
        try {
            URI uri = URI.create(value);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                return uri;
            }
        } catch (IllegalArgumentException e) {
            // answered below
        }
        throw new ParameterException(line, "--emit-events needs an http(s) URL such as https://fn.example/v1/events, "
                + "found " + value);
    }

    String bucket() {
        return bucket;
    }

    String prefix() {
        return prefix;
    }

    int concurrency() {
        return concurrency;
    }

    boolean dryRun() {
        return dryRun;
    }

    URI emitEvents() {
        return emitEvents;
    }

    Path s3BatchManifest() {
        return s3BatchManifest;
    }

    /** Where the HTML report over the documents is written once the backfill has run, or null. */
    Path report() {
        return report;
    }

    /**
     * The served model that scores the bucket's objects ({@code --model}), or null: the bucket's
     * ({@code jepa.storage.bucket-models}) or the default model, as for storage events.
     */
    String model() {
        return model;
    }

    boolean applyActions() {
        return applyActions;
    }
}
