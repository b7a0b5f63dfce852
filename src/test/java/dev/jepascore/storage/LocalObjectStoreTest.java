package dev.jepascore.storage;

import dev.jepascore.ErrorCode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.jepascore.JepaException.Kind;

class LocalObjectStoreTest {

    @TempDir
    Path root;

    private LocalObjectStore store() {
        return new LocalObjectStore(root.resolve("store"));
    }

    @Test
    void put_then_get_round_trips_bytes_with_md5_version_tag() {
        LocalObjectStore store = store();
        store.put("uploads", "a/b/c.png", "hello".getBytes(StandardCharsets.UTF_8), "image/png");
        StoredObject object = store.get("uploads", "a/b/c.png", 100);
        assertArrayEquals("hello".getBytes(StandardCharsets.UTF_8), object.bytes());
        // md5("hello"), as S3 reports it for a single-part upload
        assertEquals("5d41402abc4b2a76b9719d911017c592", object.versionTag());
        assertEquals("5d41402abc4b2a76b9719d911017c592", store.head("uploads", "a/b/c.png").versionTag());
        assertTrue(Files.isRegularFile(root.resolve("store/uploads/a/b/c.png")));
    }

    @Test
    void keys_with_spaces_plus_percent_and_unicode_are_plain_file_names() {
        LocalObjectStore store = store();
        String key = "dir one/x+y%2F \u00fc\u6f22.png";
        store.put("uploads", key, new byte[] {1, 2, 3}, null);
        assertTrue(store.exists("uploads", key));
        assertArrayEquals(new byte[] {1, 2, 3}, store.get("uploads", key, 10).bytes());
    }

    @Test
    void missing_object_is_not_found() {
        StorageException e = assertThrows(StorageException.class, () -> store().get("uploads", "nope.png", 10));
        assertEquals(Kind.NOT_FOUND, e.kind());
        assertEquals(ErrorCode.OBJECT_NOT_FOUND, e.code());
        assertFalse(store().exists("uploads", "nope.png"));
    }

    @Test
    void object_over_the_limit_is_refused_without_reading() {
        LocalObjectStore store = store();
        store.put("uploads", "big.bin", new byte[101], null);
        StorageException e = assertThrows(StorageException.class, () -> store.get("uploads", "big.bin", 100));
        assertEquals(Kind.TOO_LARGE, e.kind());
        assertEquals(ErrorCode.OBJECT_TOO_LARGE, e.code());
        assertEquals(100, store.get("uploads", "big.bin", 101).bytes().length - 1);
    }

    @Test
    void keys_that_climb_out_of_the_bucket_are_refused() throws IOException {
        LocalObjectStore store = store();
        Files.createDirectories(root.resolve("store/uploads"));
        Files.writeString(root.resolve("secret.txt"), "secret");
        for (String key : List.of("../../secret.txt", "a/../../other/x", "/etc/passwd", "..", "a/./b")) {
            StorageException e = assertThrows(StorageException.class, () -> store.get("uploads", key, 100), key);
            assertEquals(ErrorCode.KEY_OUTSIDE_BUCKET, e.code(), key);
            assertThrows(StorageException.class, () -> store.put("uploads", key, new byte[1], null), key);
        }
        for (String bucket : List.of("..", "a/b", ".", "")) {
            assertThrows(StorageException.class, () -> store.get(bucket, "x", 100), bucket);
        }
        assertFalse(Files.exists(root.resolve("other")));
    }

    @Test
    void symbolic_link_out_of_the_bucket_is_refused() throws IOException {
        LocalObjectStore store = store();
        Path outside = Files.createDirectories(root.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), "secret");
        Files.createDirectories(root.resolve("store/uploads"));
        Files.createSymbolicLink(root.resolve("store/uploads/link"), outside);
        StorageException e = assertThrows(StorageException.class, () -> store.get("uploads", "link/secret.txt", 100));
        assertEquals(ErrorCode.KEY_OUTSIDE_BUCKET, e.code());
    }

    @Test
    void put_replaces_atomically_and_leaves_no_temp_files() throws IOException {
        LocalObjectStore store = store();
        store.put("uploads", "r/doc.json", "{}".getBytes(StandardCharsets.UTF_8), "application/json");
        store.put("uploads", "r/doc.json", "{\"a\":1}".getBytes(StandardCharsets.UTF_8), "application/json");
        assertEquals("{\"a\":1}", Files.readString(root.resolve("store/uploads/r/doc.json")));
        try (var files = Files.list(root.resolve("store/uploads/r"))) {
            assertEquals(List.of("doc.json"), files.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void listing_skips_results_prefix_and_temp_files() throws IOException {
        LocalObjectStore store = store();
        store.put("uploads", "a.png", new byte[3], null);
        store.put("uploads", "sub/b.png", new byte[4], null);
        store.put("uploads", "jepa-scores/a.png@x.json", new byte[5], null);
        Files.write(root.resolve("store/uploads/" + LocalObjectStore.TEMP_PREFIX + "123"), new byte[1]);
        List<String> keys = store.list("uploads", "jepa-scores/").stream().map(LocalObjectStore.Entry::key).sorted()
                .toList();
        assertEquals(List.of("a.png", "sub/b.png"), keys);
        assertTrue(store.list("absent", "jepa-scores/").isEmpty());
    }

    private static List<String> allPages(LocalObjectStore store, String bucket, String prefix, int pageSize) {
        List<String> keys = new java.util.ArrayList<>();
        String from = null;
        int pages = 0;
        do {
            ObjectPage page = store.list(bucket, prefix, from, pageSize);
            assertTrue(page.objects().size() <= pageSize, "a page holds at most the page size");
            page.objects().forEach(o -> keys.add(o.key()));
            from = page.next();
            assertTrue(++pages < 1000, "listing ends");
        } while (from != null);
        return keys;
    }

    @Test
    void paged_listing_returns_every_key_once_in_key_order_under_the_prefix() {
        LocalObjectStore store = store();
        List<String> written = List.of("a.png", "a/b.png", "a/c/d.png", "a-b.png", "b/x y.png", "b/z.png", "c.png",
                "photos/2024/1.png", "photos/2024/2.png", "photos/2025/1.png", "photos-old/1.png");
        written.forEach(key -> store.put("bkt", key, new byte[] { 1, 2 }, null));
        List<String> sorted = written.stream().sorted().toList();
        for (int pageSize : new int[] { 1, 2, 3, 1000 }) {
            assertEquals(sorted, allPages(store, "bkt", "", pageSize), "page size " + pageSize);
        }
        assertEquals(List.of("photos/2024/1.png", "photos/2024/2.png", "photos/2025/1.png"),
                allPages(store, "bkt", "photos/", 2));
        assertEquals(List.of("photos/2024/1.png", "photos/2024/2.png"), allPages(store, "bkt", "photos/2024", 1));
        assertEquals(List.of("photos-old/1.png", "photos/2024/1.png", "photos/2024/2.png", "photos/2025/1.png"),
                allPages(store, "bkt", "photos", 3));
        assertEquals(List.of(), allPages(store, "bkt", "nothing/", 3));
        assertEquals(2L, store.list("bkt", "c", null, 10).objects().get(0).size());
    }

    @Test
    void listing_a_missing_bucket_is_bucket_not_found() {
        StorageException e = assertThrows(StorageException.class, () -> store().list("absent", "", null, 10));
        assertEquals(ErrorCode.BUCKET_NOT_FOUND, e.code());
        assertEquals(Kind.NOT_FOUND, e.kind());
    }

    /** Every key once, in ascending order, across pages of at most {@code pageSize}. */
    static List<String> listAll(ObjectStore store, String bucket, String prefix, int pageSize) {
        List<String> keys = new java.util.ArrayList<>();
        String from = null;
        for (int page = 0; page < 1000; page++) {
            ObjectPage listed = store.list(bucket, prefix, from, pageSize);
            assertTrue(listed.objects().size() <= pageSize, "a page holds at most the page size");
            listed.objects().forEach(o -> keys.add(o.key()));
            from = listed.next();
            if (from == null) {
                return keys;
            }
        }
        throw new AssertionError("listing did not end");
    }

    @Test
    void list_pages_in_key_order_where_a_dash_sorts_before_a_directory() {
        LocalObjectStore store = store();
        for (String key : List.of("r/a-b.json", "r/a/x.json", "r/a/y/z.json", "r/b.json", "r/c/d.json", "s/e.json",
                "rr.json")) {
            store.put("uploads", key, new byte[] { 1 }, "application/json");
        }
        List<String> expected = List.of("r/a-b.json", "r/a/x.json", "r/a/y/z.json", "r/b.json", "r/c/d.json");
        for (int pageSize : new int[] { 1, 2, 3, 100 }) {
            assertEquals(expected, listAll(store, "uploads", "r/", pageSize), "page size " + pageSize);
        }
        assertEquals(List.of("r/a-b.json", "r/a/x.json", "r/a/y/z.json"), listAll(store, "uploads", "r/a", 2));
        assertEquals(List.of("r/a-b.json", "r/a/x.json", "r/a/y/z.json", "r/b.json", "r/c/d.json", "rr.json"),
                listAll(store, "uploads", "r", 2));
        assertEquals(List.of(), listAll(store, "uploads", "nothing/here/", 2));
    }

    @Test
    void bucket_that_is_a_symbolic_link_out_of_the_root_is_refused() throws Exception {
        LocalObjectStore store = store();
        java.nio.file.Path outside = root.resolve("outside");
        java.nio.file.Files.createDirectories(outside);
        java.nio.file.Files.write(outside.resolve("x.png"), new byte[] { 1 });
        java.nio.file.Files.createDirectories(store.root());
        java.nio.file.Files.createSymbolicLink(store.root().resolve("linked"), outside);
        StorageException e = assertThrows(StorageException.class, () -> store.get("linked", "x.png", 10));
        assertEquals(ErrorCode.KEY_OUTSIDE_BUCKET, e.code());
        assertThrows(StorageException.class, () -> store.put("linked", "y.png", new byte[] { 2 }, "image/png"));
        assertFalse(java.nio.file.Files.exists(outside.resolve("y.png")));
    }

    @Test
    void failures_name_paths_relative_to_the_store_root() throws Exception {
        LocalObjectStore store = store();
        store.put("uploads", "a.png", new byte[] { 1 }, "image/png");
        StorageException e = assertThrows(StorageException.class, () -> store.put("uploads", "a.png/b.png",
                new byte[] { 1 }, "image/png"));
        assertEquals(ErrorCode.KEY_NOT_STORABLE, e.code());
        assertFalse(e.getMessage().contains(store.root().toString()), e.getMessage());
    }
}
