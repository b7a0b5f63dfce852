package dev.jepascore.report;

import static dev.jepascore.testing.EventTestSupport.md5;
import static dev.jepascore.testing.EventTestSupport.post;
import static dev.jepascore.testing.EventTestSupport.s3Event;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.jepascore.function.Fixtures;
import dev.jepascore.image.TestImages;

/**
 * Objects scored through the real path for the report tests: the bundled model's fixtures (26 Fashion-MNIST test
 * images, a few out-of-distribution ones) and one corrupt upload are stored, then each is announced with an S3-style
 * event to {@code POST /onObjectCreated}, so {@code ObjectScoringJob} writes the result and failure documents the
 * report reads.
 */
final class ReportScenario {

    static final Path LOCAL_ROOT = Path.of("target/test-data");
    /** Out-of-distribution fixtures stored with the test images. */
    static final List<String> ODD = List.of("odd-uniform-noise", "odd-all-black", "odd-checkerboard", "odd-glyph-7",
            "odd-photo-patch", "odd-inverted-test-00000");
    static final String CORRUPT = "broken-upload.png";
    private static final ObjectMapper JSON = new ObjectMapper();

    private ReportScenario() {
    }

    /** The 24 first test images, the {@link #ODD} ones and a truncated PNG under {@code prefix}; returns the keys. */
    static List<String> scoreGallery(String bucket, String prefix, BiConsumer<String, byte[]> upload) {
        List<String> keys = new ArrayList<>();
        for (Fixtures.Fixture f : Fixtures.all()) {
            boolean test = f.name().startsWith("test-") && Integer.parseInt(f.name().substring(5)) < 24;
            if (test || ODD.contains(f.name())) {
                String key = prefix + f.name() + ".png";
                store(bucket, key, f.png(), upload);
                keys.add(key);
            }
        }
        byte[] corrupt = TestImages.truncated(Fixtures.all().get(0).png(), 0.5);
        store(bucket, prefix + CORRUPT, corrupt, upload);
        keys.add(prefix + CORRUPT);
        return keys;
    }

    static void store(String bucket, String key, byte[] bytes, BiConsumer<String, byte[]> upload) {
        upload.accept(key, bytes);
        post("/onObjectCreated", s3Event(bucket, key, md5(bytes), bytes.length)).statusCode(200);
    }

    /** Writes straight into the local store's bucket directory. */
    static BiConsumer<String, byte[]> local(String bucket) {
        return (key, bytes) -> {
            try {
                Path file = LOCAL_ROOT.resolve(bucket).resolve(key);
                Files.createDirectories(file.getParent());
                Files.write(file, bytes);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }

    static void emptyLocalBucket(String bucket) {
        deleteTree(LOCAL_ROOT.resolve("jepa-results").resolve("jepa-scores").resolve(bucket));
        deleteTree(LOCAL_ROOT.resolve(bucket));
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every document the job wrote under a local bucket's results prefix. */
    static List<JsonNode> localDocuments(String bucket, String keyPrefix) {
        Path dir = LOCAL_ROOT.resolve("jepa-results").resolve("jepa-scores").resolve(bucket);
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .filter(p -> dir.relativize(p).toString().startsWith(keyPrefix)).map(ReportScenario::read).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode read(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A document as an earlier release of the model would have written it for the same object: the real document
     * with the model version and scores replaced, stored under another version's key.
     */
    static void writeOlderModelDocument(String bucket, JsonNode real, String version, double outlierScore) {
        ObjectNode doc = real.deepCopy();
        ((ObjectNode) doc.get("model")).put("version", version);
        doc.put("outlierScore", outlierScore);
        ((ObjectNode) doc.get("object")).put("versionTag", "older" + version.replace('.', '-'));
        String key = "jepa-scores/" + doc.path("object").path("key").asText() + "@older" + version.replace('.', '-')
                + ".json";
        try {
            Path file = LOCAL_ROOT.resolve("jepa-results").resolve(key.replaceFirst("^jepa-scores/", "jepa-scores/" + bucket + "/"));
            Files.createDirectories(file.getParent());
            Files.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(doc).getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
