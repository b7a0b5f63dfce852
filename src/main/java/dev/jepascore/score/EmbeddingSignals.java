package dev.jepascore.score;

import dev.jepascore.ErrorCode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jboss.logging.Logger;

import dev.jepascore.image.InputSpec;
import dev.jepascore.model.ModelException;
import dev.jepascore.model.ModelManifest;
import dev.jepascore.model.ReferenceSet;
import dev.jepascore.result.ScoreResult;
import dev.jepascore.result.Label;

/**
 * The signals beside JEPA-SCORE and their combination, as a model package's {@code signals} section
 * declares them: k-NN and Mahalanobis distances against the reference set, input complexity, each
 * with its calibration table, and the combined outlier score with its table and thresholds. Built
 * once at start-up (reference set read and checked, shrunk covariance fitted); the methods then run
 * on every model run's embeddings, with no second ONNX run.
 */
public final class EmbeddingSignals {

    private static final Logger LOG = Logger.getLogger(EmbeddingSignals.class);

    /**
     * The signals beside JEPA-SCORE, in the order results show them and the packager combines them: adding a
     * signal is its {@link Signal} class and one entry here.
     */
    public static final List<Signal> REGISTERED = List.of(KnnScore.SIGNAL, MahalanobisScore.SIGNAL,
            InputComplexity.SIGNAL);

    /** Name of the JEPA-SCORE signal in calibration tables, the combination and results. */
    public static final String JEPA = "jepa";

    private final List<Signal> computed;
    private final List<ScoringMethod> methods;
    private final Map<String, SignalTable> tables;
    private final List<String> combined;
    private final double reasonTail;
    private final double[] combinationPercentiles;
    private final double[] combinationScores;
    private final double unusual;
    private final double outlier;

    private EmbeddingSignals(List<Signal> computed, List<ScoringMethod> methods,
            Map<String, SignalTable> tables, List<String> combined, double reasonTail, double[] combinationPercentiles,
            double[] combinationScores, double unusual, double outlier) {
        this.computed = computed;
        this.methods = methods;
        this.tables = tables;
        this.combined = combined;
        this.reasonTail = reasonTail;
        this.combinationPercentiles = combinationPercentiles;
        this.combinationScores = combinationScores;
        this.unusual = unusual;
        this.outlier = outlier;
    }

    /**
     * The {@link #REGISTERED} signals of a package whose manifest has a {@code signals} section (validated by
     * {@link ModelManifest}); reads the reference set from {@code packageDir}.
     *
     * @throws ModelException naming the file and the problem when the reference set is missing, of the
     *                        wrong size or dimension, not finite, or degenerate
     */
    public static EmbeddingSignals load(ModelManifest manifest, java.nio.file.Path packageDir, InputSpec spec) {
        return load(manifest, packageDir, spec, REGISTERED);
    }

    /** The given signals (in their order) of a package; {@link #load(ModelManifest, java.nio.file.Path, InputSpec)}. */
    public static EmbeddingSignals load(ModelManifest manifest, java.nio.file.Path packageDir, InputSpec spec,
            List<Signal> registered) {
        Set<String> known = new LinkedHashSet<>();
        known.add(JEPA);
        for (Signal signal : registered) {
            if (!known.add(signal.name())) {
                throw new IllegalArgumentException("signal " + signal.name() + " is registered twice");
            }
        }
        ModelManifest.Signals s = manifest.signals();
        ReferenceSet ref = ReferenceSet.read(packageDir, s.reference(), manifest.embeddingDim());
        Signal.Source source = new Signal.Source(s, ref, spec);
        List<Signal> computed = new ArrayList<>();
        List<ScoringMethod> methods = new ArrayList<>();
        for (Signal signal : registered) {
            ScoringMethod method = methodOf(signal, source);
            if (method != null) {
                computed.add(signal);
                methods.add(method);
            }
        }
        ModelManifest.SignalCalibration cal = s.calibration();
        double floor = 0.5 / cal.count();
        double[] percentiles = toArray(cal.percentiles());
        Map<String, SignalTable> tables = new LinkedHashMap<>();
        for (String name : s.combination().signals()) {
            if (!known.contains(name)) {
                throw new ModelException(ErrorCode.MODEL_MANIFEST_INVALID, packageDir.resolve("model.json")
                        + ": signals.combination.signals names '" + name + "', expected some of " + known);
            }
            tables.put(name, new SignalTable(percentiles, toArray(cal.values().get(name)), sides(name, registered),
                    floor));
        }
        for (Signal signal : computed) { // reported with a percentile even when not combined
            String name = signal.name();
            if (!tables.containsKey(name)) {
                List<Double> values = cal.values().get(name);
                if (values == null || values.size() != percentiles.length) {
                    throw new ModelException(ErrorCode.MODEL_MANIFEST_INVALID, packageDir.resolve("model.json")
                            + ": signals.calibration.values." + name + " must have one value per percentile");
                }
                tables.put(name, new SignalTable(percentiles, toArray(values), signal.sides(), floor));
            }
        }
        ModelManifest.Combination c = s.combination();
        LOG.infof("Signals: reference set %s (%d x %d), computed %s, combined %s", ref.file(), ref.count(), ref.dim(),
                computed.stream().map(Signal::name).toList(), c.signals());
        return new EmbeddingSignals(List.copyOf(computed), List.copyOf(methods), tables,
                List.copyOf(c.signals()), c.reasonTail(), toArray(c.percentiles()), toArray(c.scores()),
                c.unusual().score(), c.outlier().score());
    }

    /**
     * The method of one signal for a package (null when the package does not compute it), a reference set too
     * small or degenerate for it reported as such, naming the file.
     */
    public static ScoringMethod methodOf(Signal signal, Signal.Source source) {
        ScoringMethod method;
        try {
            method = signal.method().of(source);
        } catch (IllegalArgumentException e) {
            throw new ModelException(ErrorCode.REFERENCE_SET_INVALID, "reference set "
                    + source.reference().file().toAbsolutePath() + ": " + e.getMessage(), e);
        }
        if (method != null && !method.name().equals(signal.name())) {
            throw new IllegalStateException("signal " + signal.name() + " built a method named " + method.name());
        }
        return method;
    }

    /** The names of {@link #methods()}, in order. */
    public List<String> names() {
        return methods.stream().map(ScoringMethod::name).toList();
    }

    /** The scoring methods to run on every model run, besides JEPA-SCORE. */
    public List<ScoringMethod> methods() {
        return methods;
    }

    /** Percentile (0-100) of a signal's raw value among the calibration images. */
    public double percentile(String signal, double value) {
        return tables.get(signal).percentile(value);
    }

    /**
     * The verdict on one image from its raw signal values (by name; every combined signal present).
     *
     * @param outlierScore      Fisher's {@code -2 sum ln p} over the combined signals
     * @param outlierPercentile its percentile (0-100) among held-out in-distribution images
     * @param label             from the outlier score's 95th / 99th percentile thresholds
     * @param reasons           signals behind a flag, empty when typical
     */
    public record Assessment(double outlierScore, double outlierPercentile, Label label, List<String> reasons) {
    }

    public Assessment assess(Map<String, Double> raw) {
        double[] tails = new double[combined.size()];
        for (int i = 0; i < tails.length; i++) {
            tails[i] = tables.get(combined.get(i)).tail(raw.get(combined.get(i)));
        }
        double score = Verdict.fisher(tails);
        double pct = SignalTable.interpolate(combinationPercentiles, combinationScores, score);
        Label label = Verdict.label(score, unusual, outlier);
        return new Assessment(score, pct, label, Verdict.reasons(combined, tails, reasonTail, label));
    }

    /**
     * The verdict without JEPA-SCORE (mode {@code signals}): the tail probabilities of every embedding signal the
     * package computes, their smallest Bonferroni-corrected ({@link Verdict#bonferroni}), labelled at the rates the
     * combined score's thresholds flag ({@link Verdict#labelOfTail}). No combined outlier score: its table holds
     * JEPA-SCORE's tails too, so {@code outlierScore} is NaN; {@code outlierPercentile} is {@code 100 (1 - p)}, a
     * lower bound of the corrected p's own percentile among in-distribution images.
     */
    public Assessment assessWithoutJepa(Map<String, Double> raw) {
        List<String> names = names();
        double[] tails = new double[names.size()];
        for (int i = 0; i < tails.length; i++) {
            tails[i] = tables.get(names.get(i)).tail(raw.get(names.get(i)));
        }
        double corrected = Verdict.bonferroni(tails);
        Label label = Verdict.labelOfTail(corrected);
        return new Assessment(Double.NaN, 100 * (1 - corrected), label, Verdict.reasons(names, tails, reasonTail, label));
    }

    /** The embedding signals of one image as results show them (by name, in registered order), beside {@code jepa}. */
    public ScoreResult.Signals describe(ScoreResult.JepaSignal jepa, Map<String, Double> raw, String absent) {
        Map<String, Object> shown = new LinkedHashMap<>();
        for (Signal signal : computed) {
            double value = raw.get(signal.name());
            shown.put(signal.name(), signal.shown().of(value, percentile(signal.name(), value)));
        }
        return new ScoreResult.Signals(jepa, shown, absent);
    }

    /**
     * What a result without a reference set shows: JEPA-SCORE, {@code null} for each signal that
     * {@link Signal#shownWithoutReferenceSet() says so}, and why the rest is absent.
     */
    public static ScoreResult.Signals withoutReferenceSet(ScoreResult.JepaSignal jepa, String absent) {
        Map<String, Object> shown = new LinkedHashMap<>();
        REGISTERED.stream().filter(Signal::shownWithoutReferenceSet).forEach(signal -> shown.put(signal.name(), null));
        return new ScoreResult.Signals(jepa, shown, absent);
    }

    /** Two-sided for JEPA-SCORE; each registered signal's own {@link Signal#sides()}. */
    public static int sides(String signal) {
        return sides(signal, REGISTERED);
    }

    /** Two-sided for JEPA-SCORE; each of {@code registered}'s own {@link Signal#sides()}. */
    public static int sides(String signal, List<Signal> registered) {
        if (signal.equals(JEPA)) {
            return 2;
        }
        return registered.stream().filter(s -> s.name().equals(signal)).findFirst().map(Signal::sides)
                .orElseThrow(() -> new IllegalArgumentException("no signal named " + signal + " is registered"));
    }

    private static double[] toArray(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
