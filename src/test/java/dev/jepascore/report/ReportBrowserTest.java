package dev.jepascore.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.imageio.ImageIO;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The report as a real browser shows it: Debian's chromium, headless, with no network but loopback, loads {@code GET /v1/report} from the running application after 30 images and a corrupt upload were
 * scored through storage events. Checked from the screenshot (decodes, has the window's size, is not blank, the
 * histogram's bars and the thumbnails are painted) and from the DOM chromium built (thumbnails in score order with
 * decodable images, histogram bars, counts). Skipped, saying why, only when chromium is not installed;
 * {@code .ci/run} installs it.
 */
@QuarkusTest
class ReportBrowserTest {

    static final String BUCKET = "report-browser";
    static final int WIDTH = 1100;
    static final int HEIGHT = 2400;
    /** Chromium's start, page load and screenshot take 2-5 s here; a hung browser is killed after this. */
    static final long BROWSER_TIMEOUT_SECONDS = 120;
    /** The histogram's bar colour in the page's style, {@code #3a6ea5}. */
    static final int BAR_RGB = 0x3a6ea5;
    static final int TOP = 8;

    @TestHTTPResource("/v1/report")
    URL report;

    @TempDir
    Path temp;

    static Path chromium() {
        for (String candidate : new String[] { System.getenv("CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser" }) {
            if (candidate != null && Files.isExecutable(Path.of(candidate))) {
                return Path.of(candidate);
            }
        }
        return null;
    }

    /**
     * Flags that work offline and as root in a container: no sandbox, GPU, first-run, sync or background fetches.
     * JavaScript stays on ({@code --blink-settings=scriptEnabled=false} stops {@code --screenshot} from writing
     * anything); the page has no script, which the DOM check asserts, and its Content-Security-Policy forbids any.
     */
    private List<String> browser(Path chromium, String... action) {
        List<String> command = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox",
                "--disable-gpu", "--no-first-run", "--no-default-browser-check", "--disable-background-networking",
                "--disable-component-update", "--disable-default-apps", "--disable-sync", "--disable-extensions",
                "--disable-dev-shm-usage", "--hide-scrollbars",
                "--user-data-dir=" + temp.resolve("profile-" + action[0].hashCode()), "--window-size=" + WIDTH + "," + HEIGHT));
        command.addAll(List.of(action));
        return command;
    }

    private static byte[] run(List<String> command, Path log) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectError(log.toFile()).start();
        byte[][] stdout = new byte[1][];
        Thread reader = new Thread(() -> {
            try {
                stdout[0] = process.getInputStream().readAllBytes();
            } catch (IOException e) {
                stdout[0] = new byte[0];
            }
        });
        reader.start();
        if (!process.waitFor(BROWSER_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new AssertionError("chromium did not finish within " + BROWSER_TIMEOUT_SECONDS + " s: "
                    + String.join(" ", command) + "\n" + Files.readString(log));
        }
        reader.join(10_000);
        assertEquals(0, process.exitValue(), "chromium failed: " + Files.readString(log));
        return stdout[0];
    }

    @Test
    void report_renders_in_headless_chromium_with_histogram_and_thumbnails_in_score_order() throws Exception {
        Path chromium = chromium();
        assumeTrue(chromium != null, "chromium is not installed (apt-get install chromium; .ci/run does): "
                + "the browser test is skipped");
        ReportScenario.emptyLocalBucket(BUCKET);
        ReportScenario.scoreGallery(BUCKET, "shop/", ReportScenario.local(BUCKET));
        String url = report + "?bucket=" + BUCKET + "&prefix=shop/&top=" + TOP;

        Path screenshot = temp.resolve("report.png");
        run(browser(chromium, "--screenshot=" + screenshot, url), temp.resolve("screenshot.log"));
        assertTrue(Files.isRegularFile(screenshot), "chromium wrote no screenshot: "
                + Files.readString(temp.resolve("screenshot.log")));
        BufferedImage image = ImageIO.read(screenshot.toFile());
        assertNotNull(image, "the screenshot is a PNG");
        assertEquals(WIDTH, image.getWidth());
        assertEquals(HEIGHT, image.getHeight());
        long barPixels = 0;
        long blackPixels = 0;
        double sum = 0;
        double sumSquares = 0;
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                int rgb = image.getRGB(x, y) & 0xffffff;
                int r = rgb >> 16 & 0xff;
                int g = rgb >> 8 & 0xff;
                int b = rgb & 0xff;
                double luma = 0.299 * r + 0.587 * g + 0.114 * b;
                sum += luma;
                sumSquares += luma * luma;
                if (Math.abs(r - (BAR_RGB >> 16)) <= 6 && Math.abs(g - (BAR_RGB >> 8 & 0xff)) <= 6
                        && Math.abs(b - (BAR_RGB & 0xff)) <= 6) {
                    barPixels++;
                }
                if (Math.max(r, Math.max(g, b)) < 8) {
                    blackPixels++;
                }
            }
        }
        double n = (double) WIDTH * HEIGHT;
        double variance = sumSquares / n - (sum / n) * (sum / n);
        assertTrue(variance > 100, "the page is not blank: luma variance " + variance);
        assertTrue(barPixels > 1000, "the histogram bars are painted: " + barPixels + " pixels of the bar colour");
        // the Fashion-MNIST thumbnails are mostly black background: 2 x 8 of them at 84 x 84 px
        assertTrue(blackPixels > 2 * TOP * 2000, "the thumbnails are painted: " + blackPixels + " black pixels");
        Files.createDirectories(Path.of("target"));
        Files.copy(screenshot, Path.of("target/report-screenshot.png"), StandardCopyOption.REPLACE_EXISTING);

        String dom = new String(run(browser(chromium, "--dump-dom", url), temp.resolve("dom.log")), StandardCharsets.UTF_8);
        Document page = Jsoup.parse(dom);
        List<JsonNode> docs = ReportScenario.localDocuments(BUCKET, "shop/");
        List<JsonNode> scored = docs.stream().filter(d -> d.path("outcome").asText().equals("scored"))
                .sorted(Comparator.comparingDouble(d -> d.path("outlierScore").asDouble())).toList();
        assertEquals(30, scored.size());
        Element section = page.selectFirst("section.model[data-version=1.0.0]");
        assertNotNull(section, "the served model's section is in the DOM: " + dom.substring(0, Math.min(500, dom.length())));
        List<String> most = section.select("ol[data-ranking=most-typical] li.thumb").eachAttr("data-key");
        List<String> least = section.select("ol[data-ranking=least-typical] li.thumb").eachAttr("data-key");
        assertEquals(scored.subList(0, TOP).stream().map(ReportBrowserTest::key).toList(), most);
        List<String> highest = new ArrayList<>(scored.subList(scored.size() - TOP, scored.size()).stream()
                .map(ReportBrowserTest::key).toList());
        java.util.Collections.reverse(highest);
        assertEquals(highest, least);
        assertTrue(least.stream().anyMatch(k -> ReportScenario.ODD.stream().anyMatch(k::contains)),
                "an out-of-distribution image is among the least typical: " + least);
        for (Element img : section.select("ol[data-ranking=most-typical] img, ol[data-ranking=least-typical] img")) {
            String src = img.attr("src");
            assertTrue(src.startsWith("data:image/png;base64,"), src.substring(0, Math.min(40, src.length())));
            BufferedImage thumb = ImageIO.read(new ByteArrayInputStream(
                    Base64.getDecoder().decode(src.substring(src.indexOf(',') + 1))));
            assertEquals(84, thumb.getWidth(), "28 px enlarged 3 times, within the 96 px bound");
        }
        assertEquals(2 * TOP, section.select("ol[data-ranking$=typical] img").size());
        Element histogram = section.selectFirst("svg.histogram[data-signal=outlierScore]");
        assertTrue(histogram.select("rect.bar").size() > 0, "histogram bars in the DOM");
        assertEquals(30, histogram.select("rect.bar").stream().mapToLong(r -> Long.parseLong(r.attr("data-count"))).sum());
        for (String label : List.of("typical", "unusual", "outlier")) {
            long expected = scored.stream().filter(d -> d.path("label").asText().equals(label)).count();
            assertEquals(Long.toString(expected), section.selectFirst("tr[data-label=" + label + "] td.n").text(), label);
        }
        String failureCode = docs.stream().filter(d -> d.path("outcome").asText().equals("failed")).findFirst()
                .orElseThrow().path("error").path("code").asText();
        assertEquals("1", page.selectFirst("#failure-codes tr[data-code=" + failureCode + "] td.n").text());
        // self-contained: nothing to run, nothing fetched from elsewhere
        assertEquals(0, page.select("script, link, iframe, object, embed").size());
        for (Element withSource : page.select("[src], [href]")) {
            assertTrue(withSource.attr("src").startsWith("data:") && withSource.attr("href").isEmpty(),
                    "only data: URIs: " + withSource.outerHtml().substring(0, 80));
        }
    }

    private static String key(JsonNode doc) {
        return doc.path("object").path("key").asText();
    }
}
