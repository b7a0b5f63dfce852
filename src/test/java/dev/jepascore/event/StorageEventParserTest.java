package dev.jepascore.event;

import dev.jepascore.ErrorCode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class StorageEventParserTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode sample(String name) {
        try (InputStream in = StorageEventParserTest.class.getResourceAsStream("/events/" + name)) {
            if (in == null) {
                throw new IllegalStateException("No sample event /events/" + name);
            }
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException("Sample event /events/" + name + " is not JSON", e);
        }
    }

    private static ObjectRef only(ParsedEvent event) {
        assertEquals(1, event.objects().size(), () -> "objects: " + event.objects());
        return event.objects().get(0);
    }

    @Test
    void aws_record_key_is_form_url_decoded() {
        ObjectRef ref = only(StorageEventParser.parse(sample("aws-s3-put.json")));
        assertEquals("uploads", ref.bucket());
        assertEquals("shirts/red shirt (2).png", ref.key());
        assertEquals("0b6f4a0c1d2e3f405162738495a6b7c8", ref.versionTag());
        assertEquals(312L, ref.size());
        assertEquals("ObjectCreated:Put", ref.eventType());
        assertEquals(EventFormat.S3_RECORDS, ref.format());
    }

    @Test
    void minio_record_decodes_encoded_slashes_plus_and_unicode() {
        ObjectRef ref = only(StorageEventParser.parse(sample("minio-put.json")));
        assertEquals("scans/2026/11/shoe \u00fc+1.png", ref.key());
        assertEquals("image/png", ref.contentType());
        assertEquals("s3:ObjectCreated:Put", ref.eventType());
    }

    @Test
    void ceph_record_keeps_raw_key_and_reads_string_size() {
        ObjectRef ref = only(StorageEventParser.parse(sample("ceph-rgw-put.json")));
        assertEquals("raw keys/coat+hood.png", ref.key());
        assertEquals(305L, ref.size());
        assertEquals("4c2a9f1e0b7d6c5a3e2f1d0c9b8a7f6e", ref.versionTag());
    }

    @Test
    void every_created_record_is_returned_and_deletes_are_ignored() {
        ParsedEvent event = StorageEventParser.parse(sample("aws-s3-two-records.json"));
        assertEquals(List.of("batch/one.png", "batch/two.png"), event.objects().stream().map(ObjectRef::key).toList());
        assertEquals(List.of("ObjectRemoved:Delete"), event.ignoredTypes());
    }

    @Test
    void delete_only_event_is_acknowledged_without_objects() {
        ParsedEvent event = StorageEventParser.parse(sample("aws-s3-delete.json"));
        assertTrue(event.objects().isEmpty());
        assertEquals(List.of("ObjectRemoved:DeleteMarkerCreated"), event.ignoredTypes());
    }

    @Test
    void s3_test_event_is_acknowledged() {
        ParsedEvent event = StorageEventParser.parse(sample("aws-s3-test-event.json"));
        assertTrue(event.objects().isEmpty());
        assertEquals(List.of("s3:TestEvent"), event.ignoredTypes());
    }

    @Test
    void eventbridge_object_created_names_bucket_and_decoded_key() {
        ObjectRef ref = only(StorageEventParser.parse(sample("eventbridge-object-created.json")));
        assertEquals("uploads", ref.bucket());
        assertEquals("bags/tote bag.png", ref.key());
        assertEquals("7d865e959b2466918c9863afca942d0f", ref.versionTag());
        assertEquals(290L, ref.size());
        assertEquals(EventFormat.EVENTBRIDGE, ref.format());
    }

    @Test
    void eventbridge_object_deleted_is_ignored() {
        ParsedEvent event = StorageEventParser.parse(sample("eventbridge-object-deleted.json"));
        assertTrue(event.objects().isEmpty());
        assertEquals(List.of("Object Deleted"), event.ignoredTypes());
    }

    @Test
    void gcs_structured_cloudevent_reads_string_numbers_and_generation() {
        ObjectRef ref = only(StorageEventParser.parse(sample("gcs-finalized-structured.json")));
        assertEquals("uploads", ref.bucket());
        assertEquals("dresses/summer dress.png", ref.key());
        assertEquals("1732741887046512", ref.versionTag());
        assertEquals(287L, ref.size());
        assertEquals(EventFormat.GCS_CLOUDEVENT, ref.format());
    }

    @Test
    void only_s3_etags_are_checked_against_the_bytes_read() {
        assertTrue(only(StorageEventParser.parse(sample("aws-s3-put.json"))).storeTag(), "S3 eTag");
        assertTrue(only(StorageEventParser.parse(sample("eventbridge-object-created.json"))).storeTag(), "EventBridge etag");
        // a read reports an eTag: a generation, an Azure eTag or a version id never equals it, yet names the same bytes
        assertFalse(only(StorageEventParser.parse(sample("gcs-finalized-structured.json"))).storeTag(), "GCS generation");
        assertFalse(only(StorageEventParser.parse(sample("azure-blob-created-cloudevent.json"))).storeTag(), "Azure eTag");
        JsonNode versionOnly = sample("aws-s3-put.json");
        ((com.fasterxml.jackson.databind.node.ObjectNode) versionOnly.path("Records").path(0).path("s3").path("object"))
                .remove("eTag");
        ObjectRef ref = only(StorageEventParser.parse(versionOnly));
        assertEquals("096fKKXTRTtl3on89fVO.nfljtsv6qko", ref.versionTag());
        assertFalse(ref.storeTag(), "S3 version id");
    }

    @Test
    void gcs_binary_mode_uses_header_type_and_body_as_data() {
        ObjectRef ref = only(StorageEventParser.parseCloudEvent("google.cloud.storage.object.v1.finalized",
                "//storage.googleapis.com/projects/_/buckets/uploads", "objects/sneakers/pair-1.png",
                sample("gcs-finalized-binary-body.json")));
        assertEquals("sneakers/pair-1.png", ref.key());
        assertEquals("1732741901223344", ref.versionTag());
        assertEquals(301L, ref.size());
    }

    @Test
    void gcs_binary_body_without_headers_is_read_as_finalized() {
        ObjectRef ref = only(StorageEventParser.parse(sample("gcs-finalized-binary-body.json")));
        assertEquals("sneakers/pair-1.png", ref.key());
    }

    @Test
    void gcs_bucket_and_name_fall_back_to_source_and_subject() {
        ObjectRef ref = only(StorageEventParser.parseCloudEvent("google.cloud.storage.object.v1.finalized",
                "//storage.googleapis.com/projects/_/buckets/other", "objects/a/b.png", JSON.createObjectNode()));
        assertEquals("other", ref.bucket());
        assertEquals("a/b.png", ref.key());
        assertNull(ref.versionTag());
    }

    @Test
    void gcs_deleted_is_ignored() {
        ParsedEvent event = StorageEventParser.parse(sample("gcs-deleted-structured.json"));
        assertTrue(event.objects().isEmpty());
        assertEquals(List.of("google.cloud.storage.object.v1.deleted"), event.ignoredTypes());
    }

    @Test
    void azure_cloudevent_takes_container_and_blob_path_from_subject() {
        ObjectRef ref = only(StorageEventParser.parse(sample("azure-blob-created-cloudevent.json")));
        assertEquals("uploads", ref.bucket());
        assertEquals("knitwear/jumper #3.png", ref.key());
        assertEquals("0x8DD0F1A2B3C4D5E", ref.versionTag());
        assertEquals(296L, ref.size());
        assertEquals(EventFormat.AZURE_BLOB, ref.format());
    }

    @Test
    void azure_binary_mode_without_subject_takes_container_and_blob_from_the_url() {
        JsonNode data = sample("azure-blob-created-cloudevent.json").path("data");
        ObjectRef ref = only(StorageEventParser.parseCloudEvent("Microsoft.Storage.BlobCreated", null, null, data));
        assertEquals("uploads", ref.bucket());
        assertEquals("knitwear/jumper #3.png", ref.key());
    }

    @Test
    void azure_event_grid_batch_scores_created_and_ignores_deleted() {
        ParsedEvent event = StorageEventParser.parse(sample("azure-blob-created-eventgrid.json"));
        ObjectRef ref = only(event);
        assertEquals("knitwear/scarf.png", ref.key());
        assertEquals("0x8DD0F1A2B3C4D60", ref.versionTag());
        assertEquals(List.of("Microsoft.Storage.BlobDeleted"), event.ignoredTypes());
    }

    @Test
    void empty_records_are_rejected_as_no_records() {
        BadEventException e = assertThrows(BadEventException.class,
                () -> StorageEventParser.parse(sample("s3-no-records.json")));
        assertEquals(ErrorCode.NO_RECORDS, e.code());
        assertEquals(400, e.kind().httpStatus());
    }

    @Test
    void unknown_cloudevent_type_is_rejected() {
        BadEventException e = assertThrows(BadEventException.class,
                () -> StorageEventParser.parse(sample("unknown-cloudevent.json")));
        assertEquals(ErrorCode.UNKNOWN_EVENT_TYPE, e.code());
    }

    @Test
    void json_without_a_known_shape_is_rejected() {
        BadEventException e = assertThrows(BadEventException.class,
                () -> StorageEventParser.parse(JSON.createObjectNode().put("hello", "world")));
        assertEquals(ErrorCode.UNKNOWN_EVENT_FORMAT, e.code());
    }

    @Test
    void record_without_key_is_malformed() throws IOException {
        JsonNode event = JSON.readTree("{\"Records\":[{\"eventName\":\"ObjectCreated:Put\","
                + "\"s3\":{\"bucket\":{\"name\":\"b\"},\"object\":{}}}]}");
        BadEventException e = assertThrows(BadEventException.class, () -> StorageEventParser.parse(event));
        assertEquals(ErrorCode.MALFORMED_EVENT, e.code());
        assertTrue(e.getMessage().contains("Records[0].s3.object.key"), e.getMessage());
    }

    @Test
    void non_numeric_size_is_malformed() throws IOException {
        JsonNode event = JSON.readTree("{\"Records\":[{\"eventName\":\"ObjectCreated:Put\","
                + "\"s3\":{\"bucket\":{\"name\":\"b\"},\"object\":{\"key\":\"k\",\"size\":\"big\"}}}]}");
        assertEquals(ErrorCode.MALFORMED_EVENT,
                assertThrows(BadEventException.class, () -> StorageEventParser.parse(event)).code());
    }

    @Test
    void broken_percent_encoding_is_malformed() throws IOException {
        JsonNode event = JSON.readTree("{\"Records\":[{\"eventName\":\"ObjectCreated:Put\",\"eventSource\":\"aws:s3\","
                + "\"s3\":{\"bucket\":{\"name\":\"b\"},\"object\":{\"key\":\"bad%zzkey\"}}}]}");
        assertEquals(ErrorCode.MALFORMED_EVENT,
                assertThrows(BadEventException.class, () -> StorageEventParser.parse(event)).code());
    }

    @Test
    void empty_array_and_scalar_bodies_are_rejected() {
        assertEquals(ErrorCode.NO_RECORDS,
                assertThrows(BadEventException.class, () -> StorageEventParser.parse(JSON.createArrayNode())).code());
        assertEquals(ErrorCode.MALFORMED_EVENT, assertThrows(BadEventException.class,
                () -> StorageEventParser.parse(JSON.getNodeFactory().numberNode(3))).code());
        assertEquals(ErrorCode.EMPTY_EVENT,
                assertThrows(BadEventException.class, () -> StorageEventParser.parse(null)).code());
    }

    @Test
    void escaping_key_decodes_to_dot_dot_segments_which_are_refused() {
        ObjectRef ref = only(StorageEventParser.parse(sample("s3-escaping-key.json")));
        assertEquals("../../etc/passwd", ref.key());
        BadEventException e = assertThrows(BadEventException.class,
                () -> ObjectKeys.requireSafe(ref.bucket(), ref.key()));
        assertEquals(ErrorCode.UNSAFE_OBJECT_KEY, e.code());
    }

    @Test
    void object_keys_refuse_absolute_and_dot_segments_but_allow_odd_characters() {
        for (String bad : List.of("/etc/passwd", "a/../../b", "..", "./a", "a/./b", "a\\..\\b", "", "a\0b")) {
            assertTrue(ObjectKeys.whyUnsafe(bad) != null, () -> "should refuse '" + bad + "'");
        }
        for (String ok : List.of("a..b.png", "...png", "red shirt (2).png", "x+y%2F.png", "\u00fc/\u6f22\u5b57.png",
                "a:b.png", "dir/.hidden.png")) {
            assertNull(ObjectKeys.whyUnsafe(ok), () -> "should accept '" + ok + "'");
        }
    }
}
