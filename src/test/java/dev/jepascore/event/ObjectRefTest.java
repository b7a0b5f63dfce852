package dev.jepascore.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

class ObjectRefTest {

    private static final String A = "0b6f4a0c1d2e3f405162738495a6b7c8";
    private static final String B = "9a0364b9e99bb480dd25e1f0284c8555";

    private static ObjectRef eTagged(String tag) {
        return new ObjectRef("uploads", "a.png", tag, 10L, "image/png", "ObjectCreated:Put", EventFormat.S3_RECORDS, true);
    }

    @Test
    void another_etag_read_means_the_named_version_was_replaced() {
        assertTrue(eTagged(A).supersededBy(B));
        assertFalse(eTagged(A).supersededBy(A));
    }

    @Test
    void etags_compare_without_quotes_and_case_multipart_suffix_included() {
        assertFalse(eTagged(A).supersededBy("\"" + A.toUpperCase() + "\""));
        assertFalse(eTagged(A + "-3").supersededBy(A + "-3"));
        assertTrue(eTagged(A + "-3").supersededBy(A + "-4"), "another multipart upload of the same parts count");
        assertTrue(eTagged(A + "-2").supersededBy(A), "a single-part upload replaced the multipart one");
    }

    @Test
    void tags_of_another_kind_or_unknown_are_never_taken_for_a_replacement() {
        ObjectRef generation = new ObjectRef("uploads", "a.png", "1732741887046512", null, null,
                "google.cloud.storage.object.v1.finalized", EventFormat.GCS_CLOUDEVENT);
        assertFalse(generation.supersededBy(A), "a GCS generation is not an eTag");
        assertFalse(eTagged(null).supersededBy(A), "an event without a tag names whatever is there");
        assertFalse(eTagged(A).supersededBy(null), "a read without a tag cannot contradict the event");
    }

    @Test
    void the_replacing_version_carries_what_was_read_not_what_the_event_announced() {
        ObjectRef read = eTagged(A).replacedBy(B, 99L, null);
        assertEquals(B, read.versionTag());
        assertEquals(99L, read.size());
        assertNull(read.contentType());
        assertTrue(read.storeTag());
    }

    @Test
    void the_tag_kind_is_not_part_of_the_json_answer() throws Exception {
        String json = new ObjectMapper().writeValueAsString(eTagged(A));
        assertFalse(json.contains("storeTag"), json);
        assertTrue(json.contains("\"versionTag\":\"" + A + "\""), json);
    }
}
