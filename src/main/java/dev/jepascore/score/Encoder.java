package dev.jepascore.score;

/**
 * The encoder's forward pass as the sketch sees it: {@code batch} images laid out NCHW in
 * {@code pixels} to their embeddings, row-major {@code [batch, K]}. {@code ModelRuntime::embed}
 * in the function; a plain matrix in tests.
 */
@FunctionalInterface
public interface Encoder {

    float[] embed(float[] pixels, int batch);
}
