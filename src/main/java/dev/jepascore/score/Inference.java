package dev.jepascore.score;

/**
 * The model-run stage of a {@link ScorePipeline}: one ONNX run over {@code count} preprocessed images packed in
 * {@code pixels} ({@code [count, inputSize]}), as the scoring methods see it. The scorer graph (embedding and the
 * Gram matrices J J^T) for mode {@code exact}, the encoder alone for {@code sketch} and {@code signals}.
 */
@FunctionalInterface
interface Inference {

    ModelRun run(float[] pixels, int count);
}
