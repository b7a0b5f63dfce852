package dev.jepascore.storage;

import dev.jepascore.ErrorCode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import dev.jepascore.JepaException.Kind;
import dev.jepascore.testing.S3ProxyServer;
import dev.jepascore.testing.TestS3;

/** The S3 store against a real S3 server (S3Proxy, separate process), without the application around it. */
class S3ObjectStoreTest {

    private static S3ProxyServer server;
    private static S3Client client;
    private static S3ObjectStore store;

    @BeforeAll
    static void startServer() {
        server = S3ProxyServer.startNew();
        client = TestS3.client(server);
        client.createBucket(b -> b.bucket("bucket"));
        store = new S3ObjectStore(client, java.time.Duration.ofSeconds(10));
    }

    @AfterAll
    static void stopServer() {
        client.close();
        server.destroy();
    }

    @Test
    void put_then_get_round_trips_bytes_with_etag_as_version_tag() throws Exception {
        byte[] content = "hello".getBytes(StandardCharsets.UTF_8);
        store.put("bucket", "dir/hello.txt", content, "text/plain");
        StoredObject object = store.get("bucket", "dir/hello.txt", 100);
        assertArrayEquals(content, object.bytes());
        String md5 = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5").digest(content));
        assertEquals(md5, object.versionTag());
        assertEquals(md5, store.head("bucket", "dir/hello.txt").versionTag());
        assertTrue(store.exists("bucket", "dir/hello.txt"));
    }

    @Test
    void keys_with_spaces_plus_percent_and_unicode_round_trip() {
        String key = "odd keys/a+b%2Fc \u00fc\u6f22.png";
        store.put("bucket", key, new byte[] {7, 8}, "image/png");
        assertArrayEquals(new byte[] {7, 8}, store.get("bucket", key, 10).bytes());
    }

    @Test
    void missing_object_is_not_found_and_does_not_exist() {
        StorageException e = assertThrows(StorageException.class, () -> store.get("bucket", "absent.png", 10));
        assertEquals(Kind.NOT_FOUND, e.kind());
        assertEquals(ErrorCode.OBJECT_NOT_FOUND, e.code());
        assertFalse(store.exists("bucket", "absent.png"));
        assertEquals(ErrorCode.OBJECT_NOT_FOUND,
                assertThrows(StorageException.class, () -> store.head("bucket", "absent.png")).code());
    }

    @Test
    void missing_bucket_is_not_found() {
        StorageException e = assertThrows(StorageException.class, () -> store.get("no-such-bucket", "x.png", 10));
        assertEquals(Kind.NOT_FOUND, e.kind());
    }

    @Test
    void oversized_object_is_refused_from_its_declared_length() {
        store.put("bucket", "big.bin", new byte[2048], null);
        StorageException e = assertThrows(StorageException.class, () -> store.get("bucket", "big.bin", 1024));
        assertEquals(Kind.TOO_LARGE, e.kind());
        assertEquals(ErrorCode.OBJECT_TOO_LARGE, e.code());
    }

    @Test
    void wrong_credentials_are_access_denied_not_retriable() {
        try (S3Client intruder = TestS3.client(server, "someone-else", "wrong-secret")) {
            S3ObjectStore denied = new S3ObjectStore(intruder, java.time.Duration.ofSeconds(10));
            StorageException e = assertThrows(StorageException.class, () -> denied.get("bucket", "dir/hello.txt", 10));
            assertEquals(Kind.FORBIDDEN, e.kind());
            assertEquals(ErrorCode.ACCESS_DENIED, e.code());
            assertFalse(e.kind().retriable());
        }
    }

    @Test
    void unreachable_endpoint_is_unavailable_and_retriable() {
        try (S3Client unreachable = S3Client.builder()
                .endpointOverride(URI.create("http://127.0.0.1:1"))
                .region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(AnonymousCredentialsProvider.create())
                .httpClient(UrlConnectionHttpClient.create()).build()) {
            StorageException e = assertThrows(StorageException.class,
                    () -> new S3ObjectStore(unreachable, java.time.Duration.ofSeconds(10)).get("bucket", "x", 10));
            assertEquals(Kind.UNAVAILABLE, e.kind());
            assertEquals(ErrorCode.STORAGE_UNAVAILABLE, e.code());
            assertTrue(e.kind().retriable());
        }
    }

    @Test
    void list_pages_through_a_prefix_with_etags() {
        client.createBucket(b -> b.bucket("listing"));
        List<String> keys = List.of("r/a-b.json", "r/a/x.json", "r/b.json", "r/c/d.json", "s/e.json");
        for (String key : keys) {
            TestS3.upload(client, "listing", key, key.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    "application/json");
        }
        assertEquals(List.of("r/a-b.json", "r/a/x.json", "r/b.json", "r/c/d.json"),
                LocalObjectStoreTest.listAll(store, "listing", "r/", 3));
        ObjectPage.Listed first = store.list("listing", "r/", null, 1).objects().get(0);
        assertEquals(store.head("listing", "r/a-b.json").versionTag(), first.versionTag());
    }

    @Test
    void listing_a_missing_bucket_is_bucket_not_found_and_wrong_credentials_access_denied() {
        StorageException missing = assertThrows(StorageException.class, () -> store.list("no-such-bucket", "", null, 5));
        assertEquals(ErrorCode.BUCKET_NOT_FOUND, missing.code());
        try (S3Client intruder = TestS3.client(server, "someone-else", "wrong-secret")) {
            S3ObjectStore denied = new S3ObjectStore(intruder, java.time.Duration.ofSeconds(10));
            StorageException e = assertThrows(StorageException.class, () -> denied.list("bucket", "", null, 5));
            assertEquals(Kind.FORBIDDEN, e.kind());
            assertEquals(ErrorCode.ACCESS_DENIED, e.code());
        }
    }
}
