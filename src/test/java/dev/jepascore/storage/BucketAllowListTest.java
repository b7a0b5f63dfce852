package dev.jepascore.storage;

import dev.jepascore.ErrorCode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;

import org.junit.jupiter.api.Test;

import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.common.MapBackedConfigSource;

class BucketAllowListTest {

    private static StorageConfig config(java.util.Map<String, String> properties) {
        SmallRyeConfig config = new SmallRyeConfigBuilder().withMapping(StorageConfig.class)
                .withConverter(java.time.Duration.class, 200, new io.quarkus.runtime.configuration.DurationConverter())
                .withSources(new MapBackedConfigSource("test", properties, 500) {
                }).build();
        return config.getConfigMapping(StorageConfig.class);
    }

    @Test
    void default_is_the_uploads_bucket_and_every_bucket_with_a_model() {
        BucketAllowList list = new BucketAllowList(config(java.util.Map.of("jepa.storage.uploads-bucket", "inbox",
                "jepa.storage.bucket-models.photos", "photo-vit")));
        assertEquals(Set.of("inbox", "photos"), list.buckets());
    }

    @Test
    void configured_list_replaces_the_default() {
        BucketAllowList list = new BucketAllowList(config(java.util.Map.of("jepa.storage.buckets", "a, b")));
        assertEquals(Set.of("a", "b"), list.buckets());
        assertTrue(list.allows("a"));
    }

    @Test
    void bucket_not_served_is_403_bucket_not_allowed_naming_it() {
        BucketAllowList list = new BucketAllowList(Set.of("uploads"));
        StorageException e = assertThrows(StorageException.class, () -> list.require("private", "the event"));
        assertEquals(403, e.kind().httpStatus());
        assertEquals(ErrorCode.BUCKET_NOT_ALLOWED, e.code());
        assertTrue(e.getMessage().contains("'private'"), e.getMessage());
    }
}
