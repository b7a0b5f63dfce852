package dev.jepascore.score;

import java.util.Arrays;

import dev.jepascore.model.ModelRuntime.ScorerOutput;

/**
 * One ONNX run over a batch, as the scoring methods see it: the preprocessed pixels that went in
 * ({@code count} images of {@code inputSize} floats, NCHW) and what came out.
 *
 * @param pixels       the batch's input tensor, row-major {@code [count, inputSize]}
 * @param count        images in the batch
 * @param inputSize    floats per image (C x H x W)
 * @param embeddings   {@code [count, embeddingDim]}
 * @param embeddingDim K
 * @param grams        J J^T in double precision {@code [count, K, K]} when the run went through the exact
 *                     scorer graph, else {@code null}
 */
public record ModelRun(float[] pixels, int count, int inputSize, float[] embeddings, int embeddingDim,
        double[] grams) {

    public static ModelRun of(float[] pixels, ScorerOutput out) {
        return new ModelRun(pixels, out.batch(), out.inputSize(), out.embeddings(), out.embeddingDim(), out.grams());
    }

    /** The pixels of image {@code i} (a copy). */
    public float[] image(int i) {
        return Arrays.copyOfRange(pixels, i * inputSize, (i + 1) * inputSize);
    }
}
