package dev.jepascore.score;

import dev.jepascore.image.InputSpec;
import dev.jepascore.model.ModelManifest;
import dev.jepascore.model.ReferenceSet;

/**
 * A signal beside JEPA-SCORE, whole in one class: its name, which tail of its calibration table is unusual, the
 * {@link ScoringMethod} that computes its raw value per image from a model run (embeddings, input pixels, the
 * reference set), and how results show it. The same method serves scoring ({@link EmbeddingSignals#load}) and the
 * packager's calibration over the held-out images, so the table and the served values come from one computation.
 * A signal is served once it is listed in {@link EmbeddingSignals#REGISTERED}; its calibration table is
 * {@code signals.calibration.values.<name>} of the package, and results show it as {@code signals.<name>}.
 */
public interface Signal {

    /** Name in results, reasons, the combination and the calibration table ({@code knn}, ...). */
    String name();

    /** 1: only large values are unusual (distances); 2: both tails are (input complexity). */
    int sides();

    /**
     * The method computing this signal for one package, or null when the package does not compute it (by default:
     * when its calibration holds no table of this name, so packages made before the signal existed still load).
     *
     * @throws IllegalArgumentException when the reference set cannot support it (reported as an invalid reference
     *                                  set, naming the file)
     */
    ScoringMethod method(Source source);

    /** What results show for one image ({@code {"distance": ..., "percentile": ...}}, ...). */
    Object shown(double raw, double percentile);

    /**
     * Whether a result without a reference set still names this signal, as {@code null} (the distances do, so a
     * client sees they were not computed); otherwise it is left out.
     */
    default boolean shownWithoutReferenceSet() {
        return false;
    }

    /**
     * What a signal is built from.
     *
     * @param section   the package's {@code signals} section; while packaging, the settings chosen so far, with no
     *                  {@code calibration} yet (the packager is computing it)
     * @param reference the reference set's embeddings
     * @param input     the model's input (pixels back to 8 bits, sizes)
     */
    record Source(ModelManifest.Signals section, ReferenceSet reference, InputSpec input) {

        /** While packaging (no calibration yet) every signal is computed; when serving, those with a table. */
        public boolean calibrated(String name) {
            return section.calibration() == null || section.calibration().values() != null
                    && section.calibration().values().containsKey(name);
        }
    }
}
