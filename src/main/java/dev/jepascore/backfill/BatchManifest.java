package dev.jepascore.backfill;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.Function;

import dev.jepascore.event.ObjectRef;

/**
 * {@code --s3-batch-manifest FILE}: the CSV manifest of an S3 Batch Operations job (format
 * {@code S3BatchOperations_CSV_20180820}, fields {@code Bucket, Key}), one line per object, for a job that invokes the
 * Lambda build on each. Written to a temporary file beside {@code FILE} and moved into place when the listing is
 * complete, so a failed run never leaves a manifest that silently misses objects.
 */
final class BatchManifest implements Function<ObjectRef, Answer>, AutoCloseable {

    private final Path file;
    private final Path temp;
    private final BufferedWriter out;

    BatchManifest(Path file) throws IOException {
        this.file = file.toAbsolutePath();
        Files.createDirectories(this.file.getParent());
        this.temp = Files.createTempFile(this.file.getParent(), ".manifest-", ".csv.tmp");
        this.out = Files.newBufferedWriter(temp, StandardCharsets.UTF_8);
    }

    @Override
    public synchronized Answer apply(ObjectRef ref) {
        try {
            out.write(line(ref.bucket(), ref.key()));
            out.write('\n');
            return Answer.ok("written to the manifest");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + temp, e);
        }
    }

    /** Moves the complete manifest into place. */
    synchronized void commit() throws IOException {
        out.close();
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Drops the temporary file of a manifest that was not committed. */
    @Override
    public synchronized void close() throws IOException {
        out.close();
        Files.deleteIfExists(temp);
    }

    static String line(String bucket, String key) {
        return bucket + "," + encodeKey(key);
    }

    /**
     * S3 Batch Operations wants manifest keys URL-encoded. Every byte of the key's UTF-8 form except the unreserved
     * characters {@code A-Z a-z 0-9 - . _ ~} and {@code /} becomes {@code %XX}: commas and line breaks cannot break
     * the CSV, and a space is {@code %20}, never {@code +}, so the key reads back the same whether the reader decodes
     * {@code +} as a space or not.
     */
    static String encodeKey(String key) {
        StringBuilder out = new StringBuilder(key.length() + 16);
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            boolean keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'
                    || c == '.' || c == '_' || c == '~' || c == '/';
            if (keep) {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }
}
