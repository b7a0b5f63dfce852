package dev.jepascore.backfill;

import java.net.URI;
import java.nio.file.Path;

/**
 * The flags of {@code backfill}, parsed. Exactly one mode: score here (default), {@code --dry-run},
 * {@code --emit-events URL} or {@code --s3-batch-manifest FILE}.
 *
 * @param concurrency objects scored (or events in flight) at once
 * @param report      where the HTML report over the documents is written once the backfill has run, or null
 * @param model       the served model that scores the bucket's objects ({@code --model}), or null: the bucket's
 *                    ({@code jepa.storage.bucket-models}) or the default model, as for storage events
 */
record BackfillOptions(String bucket, String prefix, int concurrency, boolean dryRun, URI emitEvents,
        Path s3BatchManifest, Path report, String model, boolean applyActions) {

    BackfillOptions(String bucket, String prefix, int concurrency, boolean dryRun, URI emitEvents, Path s3BatchManifest,
            Path report, String model) {
        this(bucket, prefix, concurrency, dryRun, emitEvents, s3BatchManifest, report, model, false);
    }

    /** Objects asked for per listing call: the most one S3 ListObjectsV2 call returns. */
    static final int PAGE_SIZE = 1000;

    static final String USAGE = """
            usage: backfill --bucket B [--prefix P] [--model M] [--concurrency N] [--report FILE.html]
                            [--dry-run | --apply-actions | --emit-events URL | --s3-batch-manifest FILE]
              --bucket       the bucket to go through (the local store: a directory below jepa.storage.local.root)
              --prefix       only keys starting with this (default: the whole bucket); the results prefix is never scored
              --model        the served model that scores them (GET /v1/models lists the ids; default: the bucket's
                             model, jepa.storage.bucket-models.<bucket>, else jepa.model.id); an object that
                             already has a document, from whichever model, is skipped
              --concurrency  objects scored at once, or events in flight with --emit-events (default: the number of CPUs)
              --dry-run      list and count what would be scored; score nothing, write nothing
              --apply-actions  run the bucket's configured actions (jepa.actions.<bucket>.*: tag, notify,
                             quarantine) on objects that already have a document, where it does not record them as
                             done; score nothing (objects without a document are skipped)
              --emit-events  post one S3-style storage event per object to this URL (a deployed function's
                             /v1/events or /onObjectCreated) instead of scoring here; 429/503 answers are retried
              --s3-batch-manifest  write the CSV manifest (bucket,key URL-encoded) for an S3 Batch Operations job
                             that invokes the Lambda build, instead of scoring here
              --report       then write the report over the prefix's result documents to this HTML file (as the
                             report command does); not with --emit-events or --s3-batch-manifest, whose documents
                             are written later by the deployed function
            Storage is configured as for the function (jepa.storage.*, quarkus.s3.*).
            Exit codes: 0 every object has a document (or was sent), 1 the bucket or prefix cannot be listed (or the
            report cannot be written),
            2 bad flags, 3 some objects failed for a reason that may pass: run the same command again.""";

    static BackfillOptions parse(String[] args) {
        String bucket = null;
        String prefix = "";
        int concurrency = Runtime.getRuntime().availableProcessors();
        boolean dryRun = false;
        boolean applyActions = false;
        URI emit = null;
        Path manifest = null;
        Path report = null;
        String model = null;
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (flag.equals("--dry-run")) {
                dryRun = true;
                continue;
            }
            if (flag.equals("--apply-actions")) {
                applyActions = true;
                continue;
            }
            if (flag.equals("--help") || flag.equals("-h")) {
                throw new UsageException(null);
            }
            if (i + 1 >= args.length) {
                throw new UsageException(flag + " needs a value");
            }
            String value = args[++i];
            switch (flag) {
                case "--bucket" -> bucket = value;
                case "--prefix" -> prefix = value;
                case "--concurrency" -> concurrency = positive(flag, value);
                case "--emit-events" -> emit = url(value);
                case "--s3-batch-manifest" -> manifest = Path.of(value);
                case "--report" -> report = Path.of(value);
                case "--model" -> model = value;
                default -> throw new UsageException("unknown flag " + flag);
            }
        }
        if (bucket == null || bucket.isBlank()) {
            throw new UsageException("missing --bucket");
        }
        int modes = (dryRun ? 1 : 0) + (applyActions ? 1 : 0) + (emit != null ? 1 : 0) + (manifest != null ? 1 : 0);
        if (modes > 1) {
            throw new UsageException("--dry-run, --apply-actions, --emit-events and --s3-batch-manifest exclude each "
                    + "other");
        }
        if (applyActions && model != null) {
            throw new UsageException("--model applies to scoring; --apply-actions scores nothing");
        }
        if (report != null && (emit != null || manifest != null)) {
            throw new UsageException("--report needs the documents written here: not with --emit-events or "
                    + "--s3-batch-manifest (run the report command once the deployed function has scored them)");
        }
        if (model != null && (emit != null || manifest != null)) {
            throw new UsageException("--model applies to scoring here: with --emit-events or --s3-batch-manifest the "
                    + "deployed function scores with its own jepa.storage.bucket-models / jepa.model.id");
        }
        return new BackfillOptions(bucket, prefix, concurrency, dryRun, emit, manifest, report, model, applyActions);
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

    private static int positive(String flag, String value) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new UsageException(flag + " must be a positive integer, found " + value);
    }

    private static URI url(String value) {
        try {
            URI uri = URI.create(value);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                return uri;
            }
        } catch (IllegalArgumentException e) {
            // answered below
        }
        throw new UsageException("--emit-events needs an http(s) URL such as https://fn.example/v1/events, found " + value);
    }

    /** A flag is missing or malformed: exit code 2 with the usage text. */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }
}
