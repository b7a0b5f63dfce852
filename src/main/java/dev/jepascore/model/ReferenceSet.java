package dev.jepascore.model;

import dev.jepascore.ErrorCode;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The reference embeddings of a model package: in-distribution embeddings the k-NN and Mahalanobis
 * signals compare against, stored as float32 little-endian, row-major {@code [count, dim]}, no
 * header (the manifest's {@code signals.reference} gives count and dim). Read once at start-up;
 * a missing file, a size that does not match, or a value that is not finite fails start-up with the
 * file's name and what is wrong.
 *
 * @param file       where it was read from
 * @param embeddings row-major {@code [count, dim]}
 */
public record ReferenceSet(Path file, float[] embeddings, int count, int dim) {

    /** Reads {@code <packageDir>/<reference.file>} and checks it against the manifest. */
    public static ReferenceSet read(Path packageDir, ModelManifest.Reference reference, int embeddingDim) {
        Path file = packageDir.resolve(reference.file());
        int count = reference.count();
        int dim = reference.dim();
        if (dim != embeddingDim) {
            throw invalid(file, "the manifest gives it dimension " + dim + " but the model's embeddingDim is "
                    + embeddingDim);
        }
        if (!Files.isRegularFile(file)) {
            throw new ModelException(ErrorCode.MODEL_MISSING, "reference set not found: " + file.toAbsolutePath()
                    + " (named in model.json signals.reference.file)");
        }
        long expected = 4L * count * dim;
        byte[] bytes;
        try {
            long size = Files.size(file);
            if (size != expected) {
                throw invalid(file, size + " bytes, expected " + expected + " (" + count + " x " + dim
                        + " float32 from model.json signals.reference)"
                        + (size % (4L * count) == 0 ? "; the file holds embeddings of dimension " + size / (4L * count)
                                : ""));
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ModelException(ErrorCode.MODEL_LOAD_FAILED, "cannot read reference set " + file + ": " + e.getMessage(), e);
        }
        float[] embeddings = new float[count * dim];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(embeddings);
        for (int i = 0; i < embeddings.length; i++) {
            if (!Float.isFinite(embeddings[i])) {
                throw invalid(file, "value " + embeddings[i] + " at row " + i / dim + ", column " + i % dim
                        + " (reference embeddings must be finite)");
            }
        }
        return new ReferenceSet(file, embeddings, count, dim);
    }

    /** Writes embeddings in the package format (for tooling that builds a package from Java). */
    public static void write(Path file, float[] embeddings) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(4 * embeddings.length).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(embeddings);
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(buffer.array());
        }
    }

    private static ModelException invalid(Path file, String problem) {
        return new ModelException(ErrorCode.REFERENCE_SET_INVALID, "reference set " + file.toAbsolutePath() + ": " + problem);
    }
}
