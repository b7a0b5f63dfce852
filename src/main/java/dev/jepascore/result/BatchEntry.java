package dev.jepascore.result;

/**
 * One image's entry in a batch answer's {@code results}, in request order: its {@link ScoreResult}, or,
 * when that image alone could not be scored while the others were, an {@link ImageFailure}.
 */
public sealed interface BatchEntry permits ScoreResult, ImageFailure {
}
