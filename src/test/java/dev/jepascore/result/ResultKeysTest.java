package dev.jepascore.result;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.jepascore.event.EventFormat;
import dev.jepascore.event.ObjectRef;

class ResultKeysTest {

    private static ObjectRef ref(String bucket, String key, String tag) {
        return new ObjectRef(bucket, key, tag, null, null, "ObjectCreated:Put", EventFormat.S3_RECORDS);
    }

    @Test
    void same_version_maps_to_the_same_key_and_new_version_to_another() {
        ResultKeys keys = new ResultKeys("jepa-scores/", Optional.empty());
        assertEquals("jepa-scores/a/b.png@abc.json", keys.keyFor(ref("uploads", "a/b.png", "abc")));
        assertEquals(keys.keyFor(ref("uploads", "a/b.png", "abc")), keys.keyFor(ref("uploads", "a/b.png", "abc")));
        assertEquals("jepa-scores/a/b.png@abd.json", keys.keyFor(ref("uploads", "a/b.png", "abd")));
        assertEquals("uploads", keys.bucketFor(ref("uploads", "a/b.png", "abc")));
    }

    @Test
    void separate_results_bucket_keeps_the_source_bucket_in_the_key() {
        ResultKeys keys = new ResultKeys("jepa-scores/", Optional.of("results"));
        assertEquals("results", keys.bucketFor(ref("uploads", "x.png", "1")));
        assertEquals("jepa-scores/uploads/x.png@1.json", keys.keyFor(ref("uploads", "x.png", "1")));
        assertTrue(keys.isResult(ref("results", "jepa-scores/uploads/x.png@1.json", null)));
        assertTrue(keys.isResult(ref("uploads", "jepa-scores/user-file.png", null)),
                "the prefix is never scored in any bucket: documents written beside uploads before the results "
                        + "bucket existed must not be scored as images");
    }

    @Test
    void objects_under_the_prefix_are_results() {
        ResultKeys keys = new ResultKeys("jepa-scores/", Optional.empty());
        assertTrue(keys.isResult(ref("uploads", "jepa-scores/a.png@1.json", null)));
        assertFalse(keys.isResult(ref("uploads", "jepa-scores.png", null)));
    }

    @Test
    void version_tags_are_made_safe_for_keys() {
        assertEquals("0x8DD0F1A2B3C4D5E", ResultKeys.safeTag("0x8DD0F1A2B3C4D5E"));
        assertEquals("abc-2", ResultKeys.safeTag("abc-2"));
        assertEquals("CPDu_6nDjIoDEAE_", ResultKeys.safeTag("CPDu+6nDjIoDEAE="));
        assertEquals("_.._x", ResultKeys.safeTag("/../x"));
        assertEquals("unversioned", ResultKeys.safeTag(".."));
        assertEquals("jepa-scores/k@unversioned.json", new ResultKeys("jepa-scores/", Optional.empty())
                .keyFor(ref("b", "k", null)));
    }

    @Test
    void prefix_must_be_relative_and_end_with_a_slash() {
        assertThrows(IllegalArgumentException.class, () -> new ResultKeys("jepa-scores", Optional.empty()));
        assertThrows(IllegalArgumentException.class, () -> new ResultKeys("/jepa-scores/", Optional.empty()));
        assertThrows(IllegalArgumentException.class, () -> new ResultKeys("", Optional.empty()));
    }
}
