package dev.jepascore.report;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import dev.jepascore.testing.EventTestSupport;
import dev.jepascore.testing.S3ProxyResource;
import dev.jepascore.testing.S3ProxyServer;
import dev.jepascore.testing.TestS3;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** {@code GET /v1/report} against S3Proxy: documents listed page by page from S3, thumbnails read back from S3. */
@QuarkusTest
@QuarkusTestResource(value = S3ProxyResource.class, restrictToAnnotatedClass = true)
class S3ReportTest {

    private static boolean scored;

    private static void scoreOnce() {
        if (scored) {
            return;
        }
        scored = true;
        try (S3Client s3 = TestS3.client(S3ProxyServer.current())) {
            for (int seed = 0; seed < 6; seed++) {
                ReportScenario.store(S3ProxyResource.BUCKET, "report/blob-" + seed + ".png", EventTestSupport.png(seed),
                        (key, bytes) -> s3.putObject(b -> b.bucket(S3ProxyResource.BUCKET).key(key),
                                RequestBody.fromBytes(bytes)));
            }
            ReportScenario.store(S3ProxyResource.BUCKET, "report/notes.png", "not an image".getBytes(),
                    (key, bytes) -> s3.putObject(b -> b.bucket(S3ProxyResource.BUCKET).key(key),
                            RequestBody.fromBytes(bytes)));
            s3.createBucket(b -> b.bucket("empty-bucket"));
        }
    }

    @Test
    void report_over_s3_counts_documents_and_embeds_thumbnails() {
        scoreOnce();
        String html = given().when().get("/v1/report?bucket=" + S3ProxyResource.BUCKET + "&prefix=report/&top=3").then()
                .statusCode(200).header("Content-Security-Policy", containsString("default-src 'none'")).extract()
                .asString();
        Document page = Jsoup.parse(html);
        assertEquals("7", page.selectFirst("#summary").attr("data-documents"));
        Element section = page.selectFirst("section.model");
        assertEquals("6", section.attr("data-documents"));
        List<String> most = section.select("ol[data-ranking=most-typical] li.thumb").eachAttr("data-key");
        assertEquals(3, most.size());
        for (Element img : section.select("ol[data-ranking=most-typical] img")) {
            assertTrue(img.attr("src").startsWith("data:image/png;base64,"));
        }
        assertEquals("1", page.selectFirst("#failure-codes tr[data-code=not_an_image] td.n").text());
    }

    @Test
    void missing_bucket_and_missing_prefix_are_404_and_an_empty_bucket_is_a_page_saying_so() {
        scoreOnce();
        given().when().get("/v1/report?bucket=no-such-bucket").then().statusCode(404)
                .body("error.code", equalTo("bucket_not_found"));
        given().when().get("/v1/report?bucket=" + S3ProxyResource.BUCKET + "&prefix=nothing/").then().statusCode(404)
                .body("error.code", equalTo("prefix_not_found"));
        String html = given().when().get("/v1/report?bucket=empty-bucket").then().statusCode(200).extract().asString();
        assertTrue(Jsoup.parse(html).selectFirst("#no-documents").text().contains("holds nothing"), html);
    }
}
