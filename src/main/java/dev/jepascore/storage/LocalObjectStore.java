package dev.jepascore.storage;

import dev.jepascore.ErrorCode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

import dev.jepascore.JepaException;
import dev.jepascore.event.ObjectKeys;

/**
 * A directory as an object store: bucket {@code b} is the directory {@code <root>/b}, key {@code a/b.png} the file
 * {@code <root>/b/a/b.png}. Keys never resolve outside their bucket: {@code ..} segments, absolute keys and
 * symbolic links leading out are refused ({@code key_outside_bucket}). Writes go to a temporary file in the target
 * directory and are moved into place atomically. The version tag is the MD5 of the content in hex, the same value
 * S3 reports as the eTag of a single-part upload.
 */
public class LocalObjectStore implements ObjectStore {

    /** Temporary files of in-flight writes start with this; listing skips them. */
    public static final String TEMP_PREFIX = ".jepa-tmp-";
    private static final int CHUNK = 64 * 1024;

    private final Path root;

    public LocalObjectStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    /** The file for a key, after the confinement checks. */
    public Path resolve(String bucket, String key) {
        String whyBucket = ObjectKeys.whyUnsafeBucket(bucket);
        if (whyBucket != null) {
            throw StorageException.outsideBucket(bucket, key, whyBucket);
        }
        String why = ObjectKeys.whyUnsafe(key);
        if (why != null) {
            throw StorageException.outsideBucket(bucket, key, why);
        }
        Path bucketDir = resolveBucket(bucket);
        Path file = bucketDir.resolve(key).normalize();
        if (!file.startsWith(bucketDir) || file.equals(bucketDir)) {
            throw StorageException.outsideBucket(bucket, key, "it resolves outside the bucket directory");
        }
        for (Path parent = file.getParent(); parent != null && parent.startsWith(bucketDir) && !parent.equals(bucketDir);
                parent = parent.getParent()) {
            if (Files.isRegularFile(parent, LinkOption.NOFOLLOW_LINKS)) {
                // never clears by waiting: no object can exist below a file, and no document can be written there
                throw new StorageException(ErrorCode.KEY_NOT_STORABLE, "Key '" + key
                        + "' in bucket '" + bucket + "' lies below '" + bucketDir.relativize(parent)
                        + "', which is an object (a file), so the local store can hold nothing under it", null);
            }
        }
        // A symbolic link inside the bucket may still point elsewhere: compare real paths of what exists.
        Path existing = file;
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent();
        }
        if (existing != null && existing.startsWith(bucketDir) && Files.exists(bucketDir)) {
            try {
                if (!existing.toRealPath().startsWith(bucketDir.toRealPath())) {
                    throw StorageException.outsideBucket(bucket, key, "a symbolic link leads outside the bucket directory");
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot resolve " + root.relativize(existing), e);
            }
        }
        return file;
    }

    @Override
    public ObjectInfo head(String bucket, String key) {
        Path file = resolve(bucket, key);
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md5 = md5();
            byte[] buffer = new byte[CHUNK];
            long size = 0;
            for (int n; (n = in.read(buffer)) > 0;) {
                md5.update(buffer, 0, n);
                size += n;
            }
            return new ObjectInfo(size, HexFormat.of().formatHex(md5.digest()), Files.probeContentType(file));
        } catch (IOException e) {
            throw map(e, "head", bucket, key);
        }
    }

    @Override
    public StoredObject get(String bucket, String key, long maxBytes) {
        Path file = resolve(bucket, key);
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            if (!attributes.isRegularFile()) {
                throw StorageException.notFound(bucket, key, null);
            }
            if (attributes.size() > maxBytes) {
                // hashed as a stream, never held: the failure document is keyed by the file's real tag
                throw StorageException.tooLarge(bucket, key, attributes.size(), maxBytes, head(bucket, key).versionTag());
            }
            byte[] bytes;
            try (InputStream in = Files.newInputStream(file)) {
                // Read at most one byte past the limit: the file may have grown since the size check.
                bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            }
            if (bytes.length > maxBytes) {
                throw StorageException.tooLarge(bucket, key, -1, maxBytes, head(bucket, key).versionTag());
            }
            return new StoredObject(bytes, HexFormat.of().formatHex(md5().digest(bytes)), Files.probeContentType(file));
        } catch (IOException e) {
            throw map(e, "read", bucket, key);
        }
    }

    @Override
    public void put(String bucket, String key, byte[] content, String contentType) {
        Path file = resolve(bucket, key);
        Path temp = null;
        try {
            Files.createDirectories(file.getParent());
            temp = file.resolveSibling(TEMP_PREFIX + UUID.randomUUID());
            Files.write(temp, content);
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw map(e, "write", bucket, key);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // best effort: a leftover temp file is skipped by listings
                }
            }
        }
    }

    /** Copies the file through a temporary file, so the target appears whole; the local store has no tags. */
    @Override
    public void copy(String fromBucket, String fromKey, String toBucket, String toKey) {
        Path from = resolve(fromBucket, fromKey);
        if (!Files.isDirectory(resolveBucket(toBucket))) {
            throw StorageException.bucketNotFound(toBucket, null);
        }
        byte[] content;
        try {
            content = Files.readAllBytes(from);
        } catch (IOException e) {
            throw map(e, "read", fromBucket, fromKey);
        }
        put(toBucket, toKey, content, null);
    }

    @Override
    public void delete(String bucket, String key) {
        try {
            Files.deleteIfExists(resolve(bucket, key));
        } catch (IOException e) {
            throw map(e, "delete", bucket, key);
        }
    }

    @Override
    public boolean exists(String bucket, String key) {
        return Files.isRegularFile(resolve(bucket, key));
    }

    /** A file found by {@link #list}. */
    public record Entry(String key, long size, long lastModifiedMillis) {
    }

    /**
     * Regular files of a bucket, recursively, as keys with {@code /} separators, skipping in-flight temporary
     * files and everything under {@code excludedPrefix}.
     */
    public List<Entry> list(String bucket, String excludedPrefix) {
        Path bucketDir = resolveBucket(bucket);
        List<Entry> entries = new ArrayList<>();
        if (!Files.isDirectory(bucketDir)) {
            return entries;
        }
        Path excludedDir = excludedPrefix.endsWith("/") ? bucketDir.resolve(excludedPrefix).normalize() : null;
        try {
            Files.walkFileTree(bucketDir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
                    // result documents pile up under the prefix: do not walk them on every poll
                    return dir.equals(excludedDir) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                    String key = bucketDir.relativize(file).toString().replace('\\', '/');
                    if (attributes.isRegularFile() && !file.getFileName().toString().startsWith(TEMP_PREFIX)
                            && !key.startsWith(excludedPrefix)) {
                        entries.add(new Entry(key, attributes.size(), attributes.lastModifiedTime().toMillis()));
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    // vanished between listing and reading its attributes: the next poll sees the truth
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw map(e, "list", bucket, excludedPrefix + "*");
        }
        return entries;
    }

    /**
     * Keys in {@link String#compareTo} order, walking directories in that order and skipping those that hold only keys
     * before {@code from} or outside {@code prefix}; {@code from} is the last key of the page before. Each page reads
     * the directories along its keys again: a directory of n files costs one read of n names per page that touches
     * it. Symbolic links and in-flight temporary files are not listed.
     */
    @Override
    public ObjectPage list(String bucket, String prefix, String from, int pageSize) {
        Path bucketDir = resolveBucket(bucket);
        if (!Files.isDirectory(bucketDir)) {
            throw StorageException.bucketNotFound(bucket, null);
        }
        String dirKey = prefix.substring(0, prefix.lastIndexOf('/') + 1);
        if (!dirKey.isEmpty() && ObjectKeys.whyUnsafe(dirKey) != null) {
            throw StorageException.outsideBucket(bucket, prefix, ObjectKeys.whyUnsafe(dirKey));
        }
        Path start = dirKey.isEmpty() ? bucketDir : resolve(bucket, dirKey);
        List<ObjectPage.Listed> found = new ArrayList<>(pageSize + 1);
        if (Files.isDirectory(start, LinkOption.NOFOLLOW_LINKS)) {
            try {
                walk(start, dirKey, prefix, from, pageSize + 1, found);
            } catch (AccessDeniedException e) {
                throw StorageException.forbidden("list", bucket, prefix + "*", e);
            } catch (IOException e) {
                throw map(e, "list", bucket, prefix + "*");
            }
        }
        if (found.size() <= pageSize) {
            return new ObjectPage(found, null);
        }
        List<ObjectPage.Listed> page = List.copyOf(found.subList(0, pageSize));
        return new ObjectPage(page, page.get(pageSize - 1).key());
    }

    private record Child(Path path, String key, boolean directory, long size) {
    }

    private static void walk(Path dir, String dirKey, String prefix, String from, int limit,
            List<ObjectPage.Listed> found) throws IOException {
        List<Child> children = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path child : stream) {
                String name = child.getFileName().toString();
                if (name.startsWith(TEMP_PREFIX)) {
                    continue;
                }
                BasicFileAttributes attributes;
                try {
                    attributes = Files.readAttributes(child, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                } catch (NoSuchFileException vanished) {
                    continue;
                }
                if (attributes.isDirectory()) {
                    children.add(new Child(child, dirKey + name + "/", true, 0));
                } else if (attributes.isRegularFile()) {
                    children.add(new Child(child, dirKey + name, false, attributes.size()));
                }
            }
        } catch (NoSuchFileException | NotDirectoryException vanished) {
            return;
        }
        children.sort(Comparator.comparing(Child::key));
        for (Child child : children) {
            if (found.size() >= limit) {
                return;
            }
            String key = child.key();
            if (child.directory()) {
                boolean inPrefix = key.startsWith(prefix) || prefix.startsWith(key);
                // every key below sorts before 'from' when the directory does and 'from' is not inside it
                boolean before = from != null && key.compareTo(from) < 0 && !from.startsWith(key);
                if (inPrefix && !before) {
                    walk(child.path(), key, prefix, from, limit, found);
                }
            } else if (key.startsWith(prefix) && (from == null || key.compareTo(from) > 0)) {
                found.add(new ObjectPage.Listed(key, null, child.size()));
            }
        }
    }

    /**
     * The bucket's directory: a single name below the root that, where it exists, really is there (a bucket that is a
     * symbolic link to elsewhere is refused, or every key in it would be read from outside the store).
     */
    private Path resolveBucket(String bucket) {
        String why = ObjectKeys.whyUnsafeBucket(bucket);
        if (why != null) {
            throw StorageException.outsideBucket(bucket, "", why);
        }
        Path bucketDir = root.resolve(bucket).normalize();
        if (Files.exists(bucketDir, LinkOption.NOFOLLOW_LINKS)) {
            try {
                if (!bucketDir.toRealPath().startsWith(root.toRealPath())
                        || Files.isSymbolicLink(bucketDir)) {
                    throw StorageException.outsideBucket(bucket, "",
                            "the bucket directory is a symbolic link, or resolves outside the store's root");
                }
            } catch (IOException e) {
                throw map(e, "resolve", bucket, "");
            }
        }
        return bucketDir;
    }

    /** The failure's own description with the store's root left out: answers and documents carry no absolute path. */
    private String relative(IOException e) {
        String message = e.getMessage() == null ? "" : e.getMessage().replace(root.toString() + "/", "");
        return e.getClass().getSimpleName() + (message.isEmpty() ? "" : ": " + message);
    }

    private StorageException map(IOException e, String operation, String bucket, String key) {
        if (e instanceof NoSuchFileException || e instanceof NotDirectoryException) {
            return StorageException.notFound(bucket, key, e);
        }
        if (e instanceof AccessDeniedException) {
            return StorageException.forbidden(operation, bucket, key, e);
        }
        if (e instanceof FileAlreadyExistsException) {
            return new StorageException(ErrorCode.KEY_NOT_STORABLE, "Cannot " + operation + " '"
                    + key + "' in bucket '" + bucket + "': a file stands where a directory is needed (" + relative(e)
                    + ")", e);
        }
        if (e instanceof FileSystemException fs && fs.getReason() != null
                && (fs.getReason().contains("File name too long") || fs.getReason().contains("Not a directory"))) {
            return new StorageException(ErrorCode.KEY_NOT_STORABLE, "Cannot " + operation + " '"
                    + key + "' in bucket '" + bucket + "' in the local store: " + fs.getReason(), e);
        }
        return new StorageException(ErrorCode.STORAGE_UNAVAILABLE, "Storage unavailable: "
                + operation + " '" + key + "' in bucket '" + bucket + "' failed: " + relative(e), e);
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is required of every Java runtime", e);
        }
    }
}
