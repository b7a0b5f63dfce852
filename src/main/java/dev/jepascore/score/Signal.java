package dev.jepascore.score;

import java.util.Set;

import dev.jepascore.image.InputSpec;
import dev.jepascore.model.ModelManifest;
import dev.jepascore.model.ReferenceSet;

/**
 * A signal beside JEPA-SCORE, declared by the class that computes it (its {@code SIGNAL} constant): its name, which
 * tail of its calibration table is unusual, how its {@link ScoringMethod} is built for a package (from the model's
 * embeddings, input pixels, reference set and settings), and how results show it. The same method serves scoring
 * ({@link EmbeddingSignals#load}) and the packager's calibration over the held-out images, so the table and the served
 * values come from one computation. A signal is served once it is listed in {@link EmbeddingSignals#REGISTERED}; its
 * calibration table is {@code signals.calibration.values.<name>} of the package, and results show it as
 * {@code signals.<name>}.
 *
 * @param name                     in results, reasons, the combination and the calibration table ({@code knn}, ...)
 * @param sides                    1: only large values are unusual (distances); 2: both tails are (input complexity)
 * @param method                   the method for one package, or null when the package does not compute the signal
 *                                 (a new signal: {@link Source#calibrated}, so packages made before it still load); an
 *                                 {@code IllegalArgumentException} is reported as an invalid reference set, naming
 *                                 the file
 * @param shown                    what results show for one image ({@code {"distance": ..., "percentile": ...}}, ...)
 * @param shownWithoutReferenceSet whether a result without a reference set still names the signal, as {@code null}
 *                                 (the distances do, so a client sees they were not computed); else it is left out
 */
public record Signal(String name, int sides, Method method, Shown shown, boolean shownWithoutReferenceSet) {

    /** Names the {@code signals} object of a result uses for other things. */
    static final Set<String> RESERVED = Set.of(EmbeddingSignals.JEPA, "absent");

    public Signal {
        if (name == null || !name.matches("[a-z][A-Za-z0-9]*") || RESERVED.contains(name)) {
            throw new IllegalArgumentException("a signal's name must be a lower camel case word other than "
                    + RESERVED + ", found " + name);
        }
        if (sides != 1 && sides != 2) {
            throw new IllegalArgumentException("signal " + name + ": sides must be 1 or 2, found " + sides);
        }
    }

    /** Builds a signal's {@link ScoringMethod} for one package. */
    @FunctionalInterface
    public interface Method {
        ScoringMethod of(Source source);
    }

    /** One image's signal as results show it, from its raw value and percentile. */
    @FunctionalInterface
    public interface Shown {
        Object of(double raw, double percentile);
    }

    /**
     * What a signal is built from.
     *
     * @param section   the package's {@code signals} section; while packaging, the settings chosen so far, with no
     *                  {@code calibration} yet (the packager is computing it)
     * @param reference the reference set's embeddings
     * @param input     the model's input (pixels back to 8 bits, sizes)
     */
    public record Source(ModelManifest.Signals section, ReferenceSet reference, InputSpec input) {

        /** While packaging (no calibration yet) every signal is computed; when serving, those with a table. */
        public boolean calibrated(String name) {
            return section.calibration() == null || section.calibration().values() != null
                    && section.calibration().values().containsKey(name);
        }
    }
}
