package dev.jepascore.result;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.jepascore.event.EventFormat;
import dev.jepascore.event.ObjectRef;

class ResultSealTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "0123456789abcdef0123456789abcdef-key";
    private static final ObjectRef REF = new ObjectRef("uploads", "a/b.png", "0b6f4a0c1d2e3f405162738495a6b7c8", 10L,
            null, "ObjectCreated:Put", EventFormat.S3_RECORDS, true);

    private static ObjectNode document() {
        ObjectNode doc = JSON.createObjectNode();
        doc.set("object", JSON.valueToTree(REF));
        doc.put("outcome", "scored").put("jepaScore", -230.57314018824198).put("percentile", 12.5f)
                .put("label", "typical").put("recordedAt", "2026-12-07T00:00:00Z");
        doc.putArray("reasons").add("knn");
        return doc;
    }

    /** What the store holds: the signed document pretty-printed, then read back. */
    private static JsonNode stored(ObjectNode signed) throws Exception {
        return JSON.readTree(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(signed));
    }

    @Test
    void signed_document_verifies_after_a_round_trip_through_storage() throws Exception {
        ResultSeal seal = new ResultSeal(JSON, Optional.of(KEY));
        assertNull(seal.whyUntrusted(REF, stored(seal.sign(document()))));
    }

    @Test
    void edited_unsigned_or_otherwise_signed_documents_are_not_trusted() throws Exception {
        ResultSeal seal = new ResultSeal(JSON, Optional.of(KEY));
        ObjectNode edited = (ObjectNode) stored(seal.sign(document()));
        edited.put("label", "outlier");
        assertNotNull(seal.whyUntrusted(REF, edited));
        assertEquals("it carries no signature", seal.whyUntrusted(REF, document()));
        JsonNode other = stored(new ResultSeal(JSON, Optional.of("another-key-0123456789abcdef012345")).sign(document()));
        assertNotNull(seal.whyUntrusted(REF, other));
    }

    @Test
    void document_naming_another_object_is_not_trusted_even_unsigned() {
        ResultSeal none = new ResultSeal(JSON, Optional.empty());
        assertNull(none.whyUntrusted(REF, document()));
        ObjectRef other = new ObjectRef("uploads", "a/c.png", REF.versionTag(), null, null, null, EventFormat.S3_RECORDS);
        assertNotNull(none.whyUntrusted(other, document()));
        ObjectRef otherVersion = new ObjectRef("uploads", "a/b.png", "ffffffffffffffffffffffffffffffff", null, null,
                null, EventFormat.S3_RECORDS);
        assertNotNull(none.whyUntrusted(otherVersion, document()));
    }

    @Test
    void short_signing_key_is_refused() {
        assertThrows(IllegalArgumentException.class, () -> new ResultSeal(JSON, Optional.of("short")));
    }
}
