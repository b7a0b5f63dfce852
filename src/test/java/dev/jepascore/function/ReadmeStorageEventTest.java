package dev.jepascore.function;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.junit.QuarkusTest;

/**
 * README's storage-event example, run as written: its commands are read from the README (the {@code cp} that puts
 * the object in place under {@code data/}, the {@code curl} that delivers a shipped event file), replayed against the
 * test's storage root, and the answer compared with the one the README shows; delivered again, it is a duplicate.
 */
@QuarkusTest
class ReadmeStorageEventTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The local store's root in tests ({@code %test.jepa.storage.local.root}); the README's is {@code data}. */
    private static final Path ROOT = Path.of("target/test-data");

    @Test
    void the_readme_storage_event_example_runs_as_written_and_answers_what_it_shows() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        String section = readme.substring(readme.indexOf("### A storage event"));
        section = section.substring(0, section.indexOf("\n## ") > 0 ? section.indexOf("\n## ") : section.length());
        Matcher cp = Pattern.compile("cp (\\S+) \"data/([^\"]+)\"").matcher(section);
        assertTrue(cp.find(), "the example copies the object into data/: " + section);
        Matcher curl = Pattern.compile("curl -s -X POST localhost:8080(/\\S+) .*--data-binary @(\\S+)").matcher(section);
        assertTrue(curl.find(), "the example delivers an event file with curl");
        assertTrue(section.indexOf(cp.group()) < section.indexOf(curl.group()), "the object is put in place first");
        Path event = Path.of(curl.group(2));
        assertTrue(Files.isRegularFile(event), "the event file the README names is shipped: " + event);
        List<String> blocks = jsonBlocks(section);
        assertEquals(JSON.readTree(Files.readString(event)), JSON.readTree(blocks.get(0)),
                "the README shows the shipped event file");
        JsonNode shown = JSON.readTree(blocks.get(1)).path("objects").get(0);

        Path object = ROOT.resolve(cp.group(2));
        Files.createDirectories(object.getParent());
        Files.deleteIfExists(object);
        Files.copy(Path.of(cp.group(1)), object);
        Path resultBucket = ROOT.resolve(shown.path("resultBucket").asText());
        Files.createDirectories(resultBucket);
        try (var results = Files.walk(resultBucket)) {
            results.filter(p -> p.toString().contains("jepa-scores")).sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        }

        JsonNode answer = deliver(curl.group(1), event).path("objects").get(0);
        assertEquals("scored", answer.path("outcome").asText(), answer.toString());
        for (String field : List.of("resultBucket", "resultKey", "label")) {
            assertEquals(shown.path(field).asText(), answer.path(field).asText(), field);
        }
        assertEquals(shown.path("object"), answer.path("object"));
        assertEquals(shown.path("jepaScore").asDouble(), answer.path("jepaScore").asDouble(), 1e-9,
                "the score the README shows");
        JsonNode again = deliver(curl.group(1), event).path("objects").get(0);
        assertEquals("duplicate", again.path("outcome").asText(), "delivered again: " + again);
        assertEquals(shown.path("jepaScore").asDouble(), again.path("jepaScore").asDouble(), 1e-9);
    }

    private static JsonNode deliver(String path, Path event) throws Exception {
        String body = given().contentType("application/json").body(Files.readAllBytes(event)).when().post(path).then()
                .statusCode(200).extract().asString();
        return JSON.readTree(body.getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> jsonBlocks(String markdown) {
        Matcher m = Pattern.compile("```json\\n(.*?)```", Pattern.DOTALL).matcher(markdown);
        List<String> blocks = new java.util.ArrayList<>();
        while (m.find()) {
            blocks.add(m.group(1));
        }
        return blocks;
    }
}
