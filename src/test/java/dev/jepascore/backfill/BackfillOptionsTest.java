package dev.jepascore.backfill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

/** Flags, the manifest's key encoding, Retry-After and the progress line: no model, no server. */
class BackfillOptionsTest {

    private static String refusal(String... args) {
        return assertThrows(picocli.CommandLine.ParameterException.class, () -> BackfillOptions.parse(args)).getMessage();
    }

    @Test
    void reads_bucket_prefix_and_concurrency() {
        BackfillOptions options = BackfillOptions.parse(new String[] { "--bucket", "b", "--prefix", "p/", "--concurrency", "3" });
        assertEquals("b", options.bucket());
        assertEquals("p/", options.prefix());
        assertEquals(3, options.concurrency());
        assertEquals("done", options.what());
    }

    @Test
    void refuses_missing_bucket_bad_concurrency_and_two_modes() {
        assertEquals("missing --bucket", refusal("--prefix", "p/"));
        assertEquals("--concurrency must be a positive integer, found 0", refusal("--bucket", "b", "--concurrency", "0"));
        assertEquals("--dry-run, --apply-actions, --emit-events and --s3-batch-manifest exclude each other",
                refusal("--bucket", "b", "--dry-run", "--s3-batch-manifest", "m.csv"));
        assertTrue(refusal("--bucket", "b", "--emit-events", "localhost:8080").startsWith("--emit-events needs an http(s) URL"));
        assertEquals("Unknown options: '--bukket', 'b'", refusal("--bukket", "b"));
    }

    @Test
    void model_flag_maps_the_bucket_to_that_model_and_is_refused_where_the_function_scores() {
        BackfillOptions options = BackfillOptions.parse(new String[] { "--bucket", "shop.eu", "--model", "photo-vit" });
        assertEquals(java.util.Map.of("jepa.storage.bucket-models.\"shop.eu\"", "photo-vit"), options.configuration());
        assertEquals(java.util.Map.of(), BackfillOptions.parse(new String[] { "--bucket", "b" }).configuration());
        assertTrue(refusal("--bucket", "b", "--model", "photo-vit", "--emit-events", "http://127.0.0.1:9/")
                .startsWith("--model applies to scoring here"));
    }

    @Test
    void manifest_keys_are_percent_encoded_and_read_back_exactly() {
        String key = "shirts/red shirt, v2+final \u00fc.png";
        String encoded = BatchManifest.encodeKey(key);
        assertEquals("shirts/red%20shirt%2C%20v2%2Bfinal%20%C3%BC.png", encoded);
        // both a form decoder (+ is a space) and a plain percent decoder read the same key back
        assertEquals(key, URLDecoder.decode(encoded, StandardCharsets.UTF_8));
        assertEquals("uploads,a/b.png", BatchManifest.line("uploads", "a/b.png"));
    }

    @Test
    void retry_after_in_seconds_or_as_a_date_is_honoured_and_capped() {
        Instant now = Instant.parse("2026-11-28T10:00:00Z");
        assertEquals(Duration.ofSeconds(3), EventEmitter.retryAfter("3", now));
        assertEquals(Duration.ofSeconds(30), EventEmitter.retryAfter("Sat, 28 Nov 2026 10:00:30 GMT", now));
        assertEquals(Duration.ZERO, EventEmitter.retryAfter("soon", now));
        assertEquals(EventEmitter.MAX_RETRY_AFTER, EventEmitter.retryAfter("86400", now));
        assertTrue(EventEmitter.pause("5", 1, now).compareTo(Duration.ofSeconds(5)) >= 0);
        Duration tenth = EventEmitter.pause(null, 10, now);
        assertTrue(tenth.compareTo(EventEmitter.MAX_PAUSE) >= 0 && tenth.toMillis() <= EventEmitter.MAX_PAUSE.toMillis() * 6 / 5,
                "doubling backoff capped at " + EventEmitter.MAX_PAUSE + " plus jitter, found " + tenth);
    }

    @Test
    void progress_line_names_done_total_rate_eta_and_failures() {
        assertEquals("500/1000+ done, 50.0 objects/s, ETA >= 10 s, 2 failed (still listing)",
                BackfillProgress.line(500, 1000, false, 2, 10.0, "done"));
        assertEquals("500/2000 done, 50.0 objects/s, ETA 30 s, 0 failed",
                BackfillProgress.line(500, 2000, true, 0, 10.0, "done"));
        assertEquals("2000/2000 done, 100.0 objects/s, finished in 20.0 s, 0 failed",
                BackfillProgress.line(2000, 2000, true, 0, 20.0, "done"));
    }
}
