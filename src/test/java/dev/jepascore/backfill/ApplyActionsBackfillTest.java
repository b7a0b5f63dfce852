package dev.jepascore.backfill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.jepascore.event.EventFormat;
import dev.jepascore.event.ObjectRef;
import dev.jepascore.function.Fixtures;
import dev.jepascore.job.ObjectScoringJob;
import dev.jepascore.score.ScoringService;
import dev.jepascore.startup.StartupWork;
import dev.jepascore.storage.ObjectStore;
import dev.jepascore.storage.StorageConfig;
import dev.jepascore.testing.HttpSink;
import dev.jepascore.testing.HttpSinkResource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * {@code backfill --apply-actions} over objects scored before the bucket had actions: the actions run from their
 * documents, nothing is rescored, and a second run does nothing more.
 */
@QuarkusTest
@TestProfile(ApplyActionsBackfillTest.Profile.class)
@QuarkusTestResource(value = HttpSinkResource.class, restrictToAnnotatedClass = true)
class ApplyActionsBackfillTest {

    private static final String BUCKET = "backfill-actions";
    private static final Path DIR = Path.of("target/test-data", BUCKET);

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("jepa.storage.buckets", "uploads," + BUCKET,
                    "jepa.actions.backfill-actions.notify.min-label", "outlier",
                    "jepa.actions.backfill-actions.notify.url", "${jepa.test.sink.url}",
                    "jepa.actions.backfill-actions.quarantine.bucket", BUCKET,
                    "jepa.actions.backfill-actions.quarantine.prefix", "held/");
        }
    }

    @Inject
    ObjectStore store;
    @Inject
    ObjectScoringJob job;
    @Inject
    ScoringService scoring;
    @Inject
    StartupWork startup;
    @Inject
    StorageConfig config;
    @Inject
    ObjectMapper json;

    @Test
    void apply_actions_acts_on_documents_written_before_without_rescoring() throws IOException {
        // the bucket, and its documents in the results location of its own
        for (Path dir : List.of(DIR, DIR.resolveSibling("jepa-results").resolve("jepa-scores").resolve(BUCKET))) {
            if (Files.exists(dir)) {
                try (Stream<Path> files = Files.walk(dir)) {
                    files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
        Files.createDirectories(DIR);
        HttpSink.clear();
        // scored by a release without actions: the same job, no actions configured
        ObjectScoringJob before = new ObjectScoringJob(store, scoring, startup, json, config, new SimpleMeterRegistry(),
                new dev.jepascore.storage.BucketAllowList(config), () -> 100);
        for (Fixtures.Fixture f : Fixtures.all()) {
            if (List.of("odd-all-black", "test-00000").contains(f.name())) {
                Files.write(DIR.resolve(f.name() + ".png"), f.png());
                before.process(new ObjectRef(BUCKET, f.name() + ".png", null, null, null, "test", EventFormat.BACKFILL));
            }
        }
        Path blackDoc;
        // the local store's results location of its own: jepa-results/jepa-scores/<bucket>/
        try (Stream<Path> docs = Files.walk(DIR.resolveSibling("jepa-results").resolve("jepa-scores").resolve(BUCKET))) {
            blackDoc = docs.filter(p -> p.getFileName().toString().startsWith("odd-all-black")).findFirst().orElseThrow();
        }
        JsonNode scored = json.readTree(blackDoc.toFile());
        assertTrue(scored.path("actions").isMissingNode());

        BackfillOptions options = BackfillOptions.parse(new String[] { "--bucket", BUCKET, "--apply-actions" });
        int code = BackfillCommand.execute(options, store, job.keys(), job::completeActions, json, System.out,
                System.err, false);
        assertEquals(BackfillCommand.EXIT_OK, code);
        JsonNode acted = json.readTree(blackDoc.toFile());
        assertEquals(scored.path("recordedAt"), acted.path("recordedAt"), "nothing rescored");
        assertEquals(scored.path("jepaScore"), acted.path("jepaScore"));
        assertEquals(2, acted.path("actions").size(), acted.toString());
        assertTrue(Files.exists(DIR.resolve("held/odd-all-black.png")), "quarantined");
        assertTrue(!Files.exists(DIR.resolve("held/test-00000.png")), "a typical object is not");
        assertEquals(1, HttpSink.accepted().size());

        int again = BackfillCommand.execute(options, store, job.keys(), job::completeActions, json, System.out,
                System.err, false);
        assertEquals(BackfillCommand.EXIT_OK, again);
        assertEquals(1, HttpSink.accepted().size(), "done actions are not repeated");
    }

    @Test
    void apply_actions_excludes_the_other_modes() {
        for (String other : List.of("--dry-run", "--s3-batch-manifest")) {
            assertEquals("--dry-run, --apply-actions, --emit-events and --s3-batch-manifest exclude each other",
                    org.junit.jupiter.api.Assertions.assertThrows(picocli.CommandLine.ParameterException.class,
                            () -> BackfillOptions.parse(other.equals("--dry-run")
                                    ? new String[] { "--bucket", "b", "--apply-actions", other }
                                    : new String[] { "--bucket", "b", "--apply-actions", other, "m.csv" }))
                            .getMessage());
        }
    }
}
