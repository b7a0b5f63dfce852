package dev.jepascore.report;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

import jakarta.inject.Inject;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import dev.jepascore.testing.EventTestSupport;
import io.quarkus.test.junit.QuarkusTest;

/**
 * {@code GET /v1/report} over the local store (bucket = directory under {@code target/test-data}), after real
 * scoring through storage events: counts, the calibration bands, rankings, failures, mixed model versions, and the
 * bad inputs (missing bucket or prefix, nothing scored yet, bad parameters).
 */
@QuarkusTest
class ReportTest {

    static final String BUCKET = "report-local";

    private static boolean scored;

    /** Once per class, inside the running application (a static {@code @BeforeAll} runs before it listens). */
    @BeforeEach
    void scoreObjects() {
        if (scored) {
            return;
        }
        scored = true;
        ReportScenario.emptyLocalBucket(BUCKET);
        ReportScenario.scoreGallery(BUCKET, "shop/", ReportScenario.local(BUCKET));
        // an object the function has not seen yet (stored before it was deployed)
        ReportScenario.local(BUCKET).accept("unscored/old.png", new byte[] { 1, 2, 3 });
        // the same objects scored by an older release of the model
        List<JsonNode> docs = ReportScenario.localDocuments(BUCKET, "shop/");
        JsonNode scored = docs.stream().filter(d -> d.path("outcome").asText().equals("scored")).findFirst().orElseThrow();
        ReportScenario.writeOlderModelDocument(BUCKET, scored, "0.9.0", 4.25);
    }

    private static Document page(String query) {
        String html = given().when().get("/v1/report?" + query).then().statusCode(200)
                .contentType(containsString("text/html")).extract().asString();
        return Jsoup.parse(html);
    }

    /**
     * A thumbnail framed in a colour that stands out from the white card (WCAG 2.1's 3:1 for non-text contrast), so an
     * all-white image is seen as a white square, not as an empty card.
     */
    @Test
    void thumbnails_are_framed_so_an_all_white_image_shows_on_its_white_card() {
        Document page = page("bucket=" + BUCKET + "&prefix=shop/");
        assertTrue(page.select("li.thumb img").size() > 0, "the page has thumbnails");
        String style = page.select("style").html().replaceAll("\\s+", " ");
        java.util.regex.Matcher rule = java.util.regex.Pattern.compile("li\\.thumb img\\{([^}]*)}").matcher(style);
        assertTrue(rule.find(), "a style rule for thumbnail images: " + style);
        java.util.regex.Matcher frame = java.util.regex.Pattern.compile("(?:outline|border):\\s*\\d+px solid #([0-9a-f]{6})")
                .matcher(rule.group(1));
        assertTrue(frame.find(), "thumbnail images are framed: " + rule.group(1));
        double contrast = 1.05 / (luminance(Integer.parseInt(frame.group(1), 16)) + 0.05);
        assertTrue(contrast >= 3, "the frame stands out from white by " + contrast + ":1");
    }

    /** WCAG 2.1 relative luminance of an sRGB colour. */
    private static double luminance(int rgb) {
        double l = 0;
        double[] weights = { 0.2126, 0.7152, 0.0722 };
        for (int i = 0; i < 3; i++) {
            double c = (rgb >> (16 - 8 * i) & 0xff) / 255.0;
            l += weights[i] * (c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4));
        }
        return l;
    }

    @Test
    void report_counts_labels_reasons_and_failures_as_the_documents_say() {
        List<JsonNode> docs = ReportScenario.localDocuments(BUCKET, "shop/").stream()
                .filter(d -> d.path("model").path("version").asText("").equals("1.0.0")
                        || d.path("outcome").asText().equals("failed"))
                .toList();
        Document page = page("bucket=" + BUCKET + "&prefix=shop/");
        Element served = page.selectFirst("section.model[data-version=1.0.0]");
        assertNotNull(served, "a section for the served model");
        long scored = docs.stream().filter(d -> d.path("outcome").asText().equals("scored")).count();
        assertEquals(30, scored, "24 test images and 6 odd ones scored");
        assertEquals(Long.toString(scored), served.attr("data-documents"));
        for (String label : List.of("typical", "unusual", "outlier")) {
            long expected = docs.stream().filter(d -> d.path("label").asText().equals(label)).count();
            assertEquals(Long.toString(expected), served.selectFirst("tr[data-label=" + label + "] td.n").text(), label);
        }
        long knn = docs.stream().filter(d -> !d.path("label").asText().equals("typical"))
                .filter(d -> d.path("reasons").toString().contains("\"knn\"")).count();
        assertTrue(knn > 0, "some image is flagged by the k-NN distance");
        assertEquals(Long.toString(knn), served.selectFirst("tr[data-reason=knn] td.n").text());
        assertEquals(knn, served.select("ol[data-ranking=reason-knn] li.thumb").size() + Math.max(0, knn - 12));
        // the failure: the truncated upload, with its code
        JsonNode failure = docs.stream().filter(d -> d.path("outcome").asText().equals("failed")).findFirst().orElseThrow();
        String code = failure.path("error").path("code").asText();
        assertEquals("1", page.selectFirst("#failure-codes tr[data-code=" + code + "] td.n").text());
        assertEquals("shop/" + ReportScenario.CORRUPT, page.selectFirst("#failure-list tr[data-key]").attr("data-key"));
        assertNotNull(page.selectFirst("#time-range time"), "the time range covered is shown");
        // the bands of the served model are drawn on its outlier-score histogram
        Element histogram = served.selectFirst("svg.histogram[data-signal=outlierScore]");
        assertEquals("30", histogram.attr("data-total"));
        assertEquals(30, histogram.select("rect.bar").stream().mapToLong(r -> Long.parseLong(r.attr("data-count"))).sum());
        assertEquals(1, histogram.select("rect.band-outlier").size());
        assertTrue(histogram.text().contains("outlier > 22.47"), histogram.text());
    }

    @Test
    void rankings_order_images_by_the_outlier_score_the_labels_use() {
        List<JsonNode> byScore = ReportScenario.localDocuments(BUCKET, "shop/").stream()
                .filter(d -> d.path("model").path("version").asText("").equals("1.0.0"))
                .sorted(Comparator.comparingDouble(d -> d.path("outlierScore").asDouble())).toList();
        Element served = page("bucket=" + BUCKET + "&prefix=shop/&top=5").selectFirst("section.model[data-version=1.0.0]");
        List<String> most = served.select("ol[data-ranking=most-typical] li.thumb").eachAttr("data-key");
        List<String> least = served.select("ol[data-ranking=least-typical] li.thumb").eachAttr("data-key");
        assertEquals(byScore.subList(0, 5).stream().map(d -> d.path("object").path("key").asText()).toList(), most);
        List<String> highest = new java.util.ArrayList<>(byScore.subList(byScore.size() - 5, byScore.size()).stream()
                .map(d -> d.path("object").path("key").asText()).toList());
        java.util.Collections.reverse(highest);
        assertEquals(highest, least);
        for (Element img : served.select("ol[data-ranking=most-typical] img")) {
            assertTrue(img.attr("src").startsWith("data:image/png;base64,"), "embedded thumbnail");
        }
    }

    @Test
    void older_model_version_gets_its_own_section_never_pooled() {
        Document page = page("bucket=" + BUCKET + "&prefix=shop/");
        List<Element> sections = page.select("section.model");
        assertEquals(2, sections.size());
        assertEquals("1.0.0", sections.get(0).attr("data-version"), "the served model first");
        Element older = sections.get(1);
        assertEquals("0.9.0", older.attr("data-version"));
        assertEquals("1", older.attr("data-documents"));
        assertEquals("30", sections.get(0).attr("data-documents"), "the older document is not counted with the current");
        assertTrue(older.text().contains("bands are not known"), older.text());
        assertEquals(0, older.select("rect.band-outlier, rect.band-unusual").size());
        assertNotNull(page.selectFirst("#models-note"));
        assertEquals("replaced since it was scored",
                older.selectFirst("ol[data-ranking=most-typical] .placeholder").text());
    }

    @Test
    void prefix_with_objects_but_no_documents_says_so() {
        Document page = page("bucket=" + BUCKET + "&prefix=unscored/");
        Element empty = page.selectFirst("#no-documents");
        assertNotNull(empty);
        assertTrue(empty.text().contains("have not been scored yet"), empty.text());
        assertEquals(0, page.select("section.model").size());
    }

    @Test
    void report_on_a_bucket_not_served_is_403_whether_or_not_it_exists() throws IOException {
        Files.createDirectories(Path.of("target/test-data/private/hr"));
        Files.write(Path.of("target/test-data/private/hr/pay.png"), EventTestSupport.png(2));
        String missing = given().when().get("/v1/report?bucket=no-such-bucket").then().statusCode(403)
                .body("error.code", equalTo("bucket_not_allowed"))
                .body("error.message", containsString("no-such-bucket")).extract().asString();
        String present = given().when().get("/v1/report?bucket=private").then().statusCode(403)
                .body("error.code", equalTo("bucket_not_allowed")).extract().asString();
        assertEquals(missing.replace("no-such-bucket", "private"), present,
                "the answer must not tell whether the bucket exists");
    }

    @Test
    void prefix_with_nothing_under_it_is_404_prefix_not_found() {
        given().when().get("/v1/report?bucket=" + BUCKET + "&prefix=nothing-here/").then().statusCode(404)
                .body("error.code", equalTo("prefix_not_found"))
                .body("error.message", containsString("nothing-here/"));
    }

    @Test
    void bad_parameters_are_400_naming_the_problem() {
        given().when().get("/v1/report?bucket=" + BUCKET + "&top=0").then().statusCode(400)
                .body("error.code", equalTo("bad_report_option")).body("error.message", containsString("top"));
        given().when().get("/v1/report?bucket=" + BUCKET + "&prefix=../etc/").then().statusCode(400)
                .body("error.code", equalTo("bad_report_request"));
        given().when().get("/v1/report?bucket=..").then().statusCode(400)
                .body("error.code", equalTo("bad_report_request"));
        given().when().get("/v1/report?bucket=" + BUCKET + "&top=many").then().statusCode(404);
    }

    @Inject
    ReportApplication command;

    @Test
    void report_command_writes_the_same_page_to_a_file(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("reports/shop.html");
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        int code = command.run(new String[] { "--bucket", BUCKET, "--prefix", "shop/", "--top", "4", "--out",
                out.toString() }, new PrintStream(stdout, true), new PrintStream(stderr, true));
        assertEquals(0, code, stderr.toString());
        assertTrue(stdout.toString().contains("report: 32 result documents (1 failures) of report-local/shop/"),
                stdout.toString());
        Document page = Jsoup.parse(out.toFile(), "UTF-8");
        assertEquals(4, page.select("section.model[data-version=1.0.0] ol[data-ranking=most-typical] li.thumb").size());
        assertEquals(2, page.select("section.model").size());

        stderr.reset();
        assertEquals(1, command.run(new String[] { "--bucket", "no-such-bucket", "--out", out.toString() },
                new PrintStream(stdout, true), new PrintStream(stderr, true)));
        assertTrue(stderr.toString().contains("bucket_not_allowed"), stderr.toString());
    }

    @Test
    void report_command_flags_are_checked_before_anything_starts() {
        assertEquals("report: Missing required option: '--out=FILE'", refusal("--bucket", "b"));
        assertEquals("report: --top must be between 1 and 50, found 99",
                refusal("--bucket", "b", "--out", "x.html", "--top", "99"));
        assertEquals("report: Unknown options: '--colour', 'red'", refusal("--colour", "red", "--bucket", "b", "--out", "x"));
    }

    /** Runs the report command's flag check as the command line does; returns the error line (exit code 2 asserted). */
    private static String refusal(String... args) {
        java.io.StringWriter stderr = new java.io.StringWriter();
        picocli.CommandLine line = dev.jepascore.CommandLines.of(new ReportCommand());
        line.setErr(new java.io.PrintWriter(stderr, true));
        assertEquals(2, line.execute(args), stderr.toString());
        assertTrue(stderr.toString().contains("Usage: report"), stderr.toString());
        return stderr.toString().lines().findFirst().orElse("");
    }

    @Test
    void whole_bucket_report_covers_every_prefix() {
        Document page = page("bucket=" + BUCKET);
        assertEquals("32", page.selectFirst("#summary").attr("data-documents"), "30 scored, 1 failed, 1 older model");
        assertNotEquals(0, page.select("svg.histogram rect.bar").size());
    }
}
