package dev.jepascore.backfill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.jepascore.event.ObjectRef;
import dev.jepascore.report.ReportRenderer;
import dev.jepascore.job.ObjectOutcome;
import dev.jepascore.job.ObjectScoringJob;
import dev.jepascore.job.Outcome;
import dev.jepascore.storage.BucketAllowList;
import dev.jepascore.storage.LocalObjectStore;
import dev.jepascore.storage.ObjectStore;
import dev.jepascore.testing.EventTestSupport;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The backfill over the local store with the real model and the storage events' job: cancelled part-way (what a kill
 * leaves: some documents written), run again, nothing rescored and one document per file.
 */
@QuarkusTest
class LocalBackfillTest {

    private static final String BUCKET = "backfill-local";
    private static final int IMAGES = 300;
    private static final int CANCEL_AFTER = 100;

    @Inject
    ObjectStore store;

    @Inject
    ObjectScoringJob job;

    @Inject
    ObjectMapper json;

    @Inject
    ReportRenderer reports;

    @Inject
    BucketAllowList buckets;

    private Path bucketDir;
    /** Where the documents of the bucket's objects go: the local store's results directory of its own. */
    private Path resultsDir;

    @BeforeEach
    void bucket() throws IOException {
        bucketDir = ((LocalObjectStore) ((dev.jepascore.storage.RetryingObjectStore) store).delegate()).root()
                .resolve(BUCKET);
        resultsDir = bucketDir.resolveSibling("jepa-results").resolve("jepa-scores").resolve(BUCKET);
        for (Path dir : List.of(bucketDir, resultsDir)) {
            if (Files.exists(dir)) {
                try (Stream<Path> files = Files.walk(dir)) {
                    files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
        for (int i = 0; i < IMAGES; i++) {
            Path file = bucketDir.resolve("shots/" + (i % 3) + "/img-" + i + ".png");
            Files.createDirectories(file.getParent());
            Files.write(file, EventTestSupport.png(i));
        }
        Files.writeString(bucketDir.resolve("shots/notes.txt"), "not an image");
        // an image under the results prefix is the function's own territory: never scored
        Files.createDirectories(bucketDir.resolve("jepa-scores"));
        Files.write(bucketDir.resolve("jepa-scores/stray.png"), EventTestSupport.png(1));
    }

    private Map<String, byte[]> documents() throws IOException {
        Map<String, byte[]> documents = new HashMap<>();
        try (Stream<Path> files = Files.walk(resultsDir)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".json")).toList()) {
                documents.put("jepa-scores/" + resultsDir.relativize(file), Files.readAllBytes(file));
            }
        }
        return documents;
    }

    private static long count(String summary, String label) {
        Matcher m = Pattern.compile("(?m)^\\s+(\\d+)  " + Pattern.quote(label) + "$").matcher(summary);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    @Test
    void cancelled_backfill_resumes_without_rescoring_and_leaves_one_document_per_file() throws IOException {
        BackfillOptions options = BackfillOptions.parse(new String[] { "--bucket", BUCKET, "--concurrency", "2" });
        AtomicBoolean cancel = new AtomicBoolean();
        AtomicInteger scored = new AtomicInteger();
        Function<ObjectRef, ObjectOutcome> cancelling = ref -> {
            ObjectOutcome outcome = job.process(ref);
            if (outcome.outcome() == Outcome.SCORED && scored.incrementAndGet() == CANCEL_AFTER) {
                cancel.set(true);
            }
            return outcome;
        };
        Backfill first = new Backfill(store, job.keys(), 2, 40, cancel::get);
        ByteArrayOutputStream out1 = new ByteArrayOutputStream();
        ByteArrayOutputStream err1 = new ByteArrayOutputStream();
        int code1 = BackfillCommand.execute(options, first, store, job.keys(), cancelling, json,
                new PrintStream(out1, true, StandardCharsets.UTF_8), new PrintStream(err1, true, StandardCharsets.UTF_8),
                true);
        String run1 = out1.toString(StandardCharsets.UTF_8);
        assertEquals(BackfillCommand.EXIT_RUN_AGAIN, code1, run1 + err1);
        assertTrue(err1.toString(StandardCharsets.UTF_8).contains("cancelled before the end of the listing"));
        // the terminal progress line: rewritten in place, done/total with rate, ETA and failures
        assertTrue(Pattern.compile("\r\\d+/\\d+\\+? done, [0-9.]+ objects/s, (ETA|finished).*, \\d+ failed").matcher(run1)
                .find(), run1);

        Map<String, byte[]> before = documents();
        int done = before.size();
        assertTrue(done >= CANCEL_AFTER && done < IMAGES, "a cancelled run leaves part of the work: " + done);

        ByteArrayOutputStream out2 = new ByteArrayOutputStream();
        int code2 = BackfillCommand.execute(options, store, job.keys(), job::process, json,
                new PrintStream(out2, true, StandardCharsets.UTF_8), System.err, false);
        String run2 = out2.toString(StandardCharsets.UTF_8);
        assertEquals(BackfillCommand.EXIT_OK, code2, run2);
        assertEquals(done, count(run2, "already had a document"), run2);
        assertEquals(IMAGES + 1 - done, count(run2, "scored") + count(run2, "failed, recorded: not_an_image"), run2);
        assertEquals(1, count(run2, "failed, recorded: not_an_image")
                + (before.keySet().stream().anyMatch(k -> k.contains("notes.txt")) ? 1 : 0), run2);

        Map<String, byte[]> after = documents();
        // nothing of the first run was rewritten
        before.forEach((key, bytes) -> assertEquals(new String(bytes, StandardCharsets.UTF_8),
                new String(after.get(key), StandardCharsets.UTF_8), key));
        // exactly one document per file (the key is the file's key plus its MD5), none for the results prefix
        assertEquals(IMAGES + 1, after.size());
        for (int i = 0; i < IMAGES; i++) {
            String key = "jepa-scores/shots/" + (i % 3) + "/img-" + i + ".png@" + EventTestSupport.md5(EventTestSupport.png(i))
                    + ".json";
            assertTrue(after.containsKey(key), key);
        }
        assertFalse(after.keySet().stream().anyMatch(k -> k.contains("stray")), after.keySet().toString());
        assertTrue(json.readTree(after.values().iterator().next()).path("object").path("format").asText()
                .equals("backfill"));
    }

    @Test
    void prefix_without_objects_exits_1_naming_the_prefix() {
        BackfillOptions options = BackfillOptions.parse(new String[] { "--bucket", BUCKET, "--prefix", "Shots/" });
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = BackfillCommand.execute(options, store, job.keys(), job::process, json, System.out,
                new PrintStream(err, true, StandardCharsets.UTF_8), false);
        assertEquals(BackfillCommand.EXIT_CANNOT_LIST, code);
        assertEquals("backfill: no objects under prefix 'Shots/' in bucket 'backfill-local' (keys are case-sensitive; "
                + "check --prefix)", err.toString(StandardCharsets.UTF_8).strip());
    }

    @Test
    void missing_bucket_exits_1_naming_the_bucket() {
        BackfillOptions options = BackfillOptions.parse(new String[] { "--bucket", "no-such-bucket" });
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = BackfillCommand.execute(options, store, job.keys(), job::process, json, System.out,
                new PrintStream(err, true, StandardCharsets.UTF_8), false);
        assertEquals(BackfillCommand.EXIT_CANNOT_LIST, code);
        assertEquals("backfill: cannot list bucket 'no-such-bucket' (bucket_not_found): Bucket 'no-such-bucket' does "
                + "not exist", err.toString(StandardCharsets.UTF_8).strip());
    }

    @Test
    void backfill_with_report_writes_the_page_over_every_document_of_the_prefix() throws IOException {
        Path page = bucketDir.getParent().resolve("backfill-report/shots.html");
        Files.deleteIfExists(page);
        BackfillApplication app = new BackfillApplication();
        app.store = store;
        app.job = job;
        app.json = json;
        app.reports = reports;
        app.buckets = buckets;
        assertEquals(BackfillCommand.EXIT_OK, app.run("--bucket", BUCKET, "--prefix", "shots/1/", "--report",
                page.toString()));
        String html = Files.readString(page);
        // 100 images under shots/1/ (i % 3 == 1), each scored by this run and counted by the page
        assertTrue(html.contains("id=\"summary\" data-documents=\"100\" data-failures=\"0\""),
                html.substring(0, Math.min(html.length(), 2000)));
        assertTrue(html.contains("class=\"thumb\""), "thumbnails of the most and least typical images");
    }

    @Test
    void report_flag_is_refused_with_event_fan_out() {
        picocli.CommandLine.ParameterException e = org.junit.jupiter.api.Assertions.assertThrows(
                picocli.CommandLine.ParameterException.class, () -> BackfillOptions.parse(new String[] { "--bucket", BUCKET,
                        "--emit-events", "http://127.0.0.1:9/v1/events", "--report", "r.html" }));
        assertTrue(e.getMessage().startsWith("--report needs the documents written here"), e.getMessage());
    }

    /** Issue 17, finding 1: a backfill naming a bucket the function does not serve is refused before any listing. */
    @Test
    void backfill_of_a_bucket_not_served_is_refused_before_listing() throws IOException {
        Path secret = bucketDir.resolveSibling("private-backfill").resolve("hr/pay.png");
        Files.createDirectories(secret.getParent());
        Files.write(secret, EventTestSupport.png(2));
        BackfillApplication app = new BackfillApplication();
        app.store = store;
        app.job = job;
        app.json = json;
        app.reports = reports;
        app.buckets = buckets;
        assertEquals(BackfillCommand.EXIT_CANNOT_LIST, app.run("--bucket", "private-backfill"));
        assertFalse(Files.exists(bucketDir.resolveSibling("jepa-results").resolve("jepa-scores/private-backfill")),
                "nothing may be written for a bucket not served");
    }
}
