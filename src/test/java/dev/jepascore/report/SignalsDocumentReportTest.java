package dev.jepascore.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A document scored in mode {@code signals} (no JEPA-SCORE: a package whose defaultMode is signals) is a result like
 * any other in the report: counted, labelled, ranked by how atypical its verdict found it, and kept out of the
 * JEPA-SCORE histogram, never listed as unreadable.
 */
class SignalsDocumentReportTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode document(String mode, String scores) throws Exception {
        return JSON.readTree("""
                {"object": {"bucket": "uploads", "key": "a.png", "versionTag": "v1"}, "outcome": "scored",
                 "label": "outlier", "reasons": ["knn"], "outlierScore": null, "outlierPercentile": 99.5,
                 "model": {"id": "m", "version": "1"}, "mode": "%s" %s}""".formatted(mode, scores));
    }

    @Test
    void signals_mode_document_is_counted_and_ranked_without_a_jepa_score() throws Exception {
        ResultDocument doc = ResultDocument.parse("k1", document("signals", ""));
        assertTrue(Double.isNaN(doc.jepaScore()));
        assertEquals(99.5, doc.outlierPercentile());
        ModelSection section = new ModelSection("m", "1", 5);
        section.add(doc);
        section.add(ResultDocument.parse("k2", JSON.readTree(document("signals", "").toString()
                .replace("99.5", "40.0").replace("\"outlier\"", "\"typical\"").replace("a.png", "b.png"))));
        assertEquals(2, section.documents());
        assertEquals(0, section.jepaHistogram().total() + section.jepaHistogram().outOfRange(),
                "no JEPA-SCORE reaches the histogram");
        assertEquals("a.png", section.leastTypical().get(0).key(), "ranked by the verdict's outlierPercentile");
        assertEquals("-", HtmlReport.fmt(doc.jepaScore()));
    }

    @Test
    void exact_mode_document_without_a_jepa_score_is_still_unreadable() throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ResultDocument.parse("k", document("exact", "")));
        assertTrue(e.getMessage().contains("jepaScore"), e.getMessage());
    }
}
