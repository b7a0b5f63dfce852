package dev.jepascore.score;

import dev.jepascore.ErrorCode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
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

    /** Signal names a combination may use. */
    static final Set<String> KNOWN = Set.of("jepa", "knn", "mahalanobis", "complexity");

    /**
     * Start-up check of the Ledoit-Wolf shrinkage against the tooling's: a reference set read differently
     * (byte order, rows) would give another value. Both are float64 over the same float32 values.
     */
    static final double SHRINKAGE_TOLERANCE = 1e-6;

    private final List<ScoringMethod> methods;
    private final Map<String, SignalTable> tables;
    private final List<String> combined;
    private final double reasonTail;
    private final double[] combinationPercentiles;
    private final double[] combinationScores;
    private final double unusual;
    private final double outlier;

    private EmbeddingSignals(List<ScoringMethod> methods, Map<String, SignalTable> tables, List<String> combined,
            double reasonTail, double[] combinationPercentiles, double[] combinationScores, double unusual,
            double outlier) {
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
     * The signals of a package whose manifest has a {@code signals} section (validated by
     * {@link ModelManifest}); reads the reference set from {@code packageDir}.
     *
     * @throws ModelException naming the file and the problem when the reference set is missing, of the
     *                        wrong size or dimension, not finite, or degenerate
     */
    public static EmbeddingSignals load(ModelManifest manifest, java.nio.file.Path packageDir, InputSpec spec) {
        ModelManifest.Signals s = manifest.signals();
        ReferenceSet ref = ReferenceSet.read(packageDir, s.reference(), manifest.embeddingDim());
        List<ScoringMethod> methods = new ArrayList<>();
        methods.add(new KnnScore(ref.embeddings(), ref.count(), ref.dim(), parseMetric(s.knn().metric()), s.knn().k()));
        MahalanobisScore mahalanobis;
        try {
            mahalanobis = MahalanobisScore.fit(ref.embeddings(), ref.count(), ref.dim());
        } catch (IllegalArgumentException e) {
            throw new ModelException(ErrorCode.REFERENCE_SET_INVALID, "reference set " + ref.file().toAbsolutePath() + ": "
                    + e.getMessage(), e);
        }
        Double expected = s.mahalanobis().shrinkageValue();
        double found = mahalanobis.gaussian().shrinkage();
        if (expected != null && Math.abs(expected - found) > SHRINKAGE_TOLERANCE) {
            throw new ModelException(ErrorCode.REFERENCE_SET_INVALID, "reference set " + ref.file().toAbsolutePath()
                    + ": its Ledoit-Wolf shrinkage is " + found + " but model.json signals.mahalanobis.shrinkageValue"
                    + " says " + expected + " (a different file than the one the package was calibrated with?)");
        }
        methods.add(mahalanobis);
        if (s.complexity() != null) {
            methods.add(new InputComplexity(spec));
        }
        ModelManifest.SignalCalibration cal = s.calibration();
        double floor = 0.5 / cal.count();
        double[] percentiles = toArray(cal.percentiles());
        Map<String, SignalTable> tables = new LinkedHashMap<>();
        for (String name : s.combination().signals()) {
            if (!KNOWN.contains(name)) {
                throw new ModelException(ErrorCode.MODEL_MANIFEST_INVALID, packageDir.resolve("model.json")
                        + ": signals.combination.signals names '" + name + "', expected some of " + KNOWN);
            }
            tables.put(name, new SignalTable(percentiles, toArray(cal.values().get(name)), sides(name), floor));
        }
        for (ScoringMethod method : methods) { // reported with a percentile even when not combined
            String name = method.name();
            if (!tables.containsKey(name)) {
                List<Double> values = cal.values().get(name);
                if (values == null || values.size() != percentiles.length) {
                    throw new ModelException(ErrorCode.MODEL_MANIFEST_INVALID, packageDir.resolve("model.json")
                            + ": signals.calibration.values." + name + " must have one value per percentile");
                }
                tables.put(name, new SignalTable(percentiles, toArray(values), sides(name), floor));
            }
        }
        ModelManifest.Combination c = s.combination();
        LOG.infof("Signals: reference set %s (%d x %d), k-NN k=%d %s, Mahalanobis shrinkage %.5f, combined %s",
                ref.file(), ref.count(), ref.dim(), s.knn().k(), s.knn().metric(), found, c.signals());
        return new EmbeddingSignals(List.copyOf(methods), tables, List.copyOf(c.signals()), c.reasonTail(),
                toArray(c.percentiles()), toArray(c.scores()), c.unusual().score(), c.outlier().score());
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

    /** The embedding signals of one image as results show them (raw value and percentile), beside {@code jepa}. */
    public ScoreResult.Signals describe(ScoreResult.JepaSignal jepa, Map<String, Double> raw, String absent) {
        Double complexity = raw.get("complexity");
        return new ScoreResult.Signals(jepa, distance("knn", raw), distance("mahalanobis", raw), complexity == null
                ? null : new ScoreResult.Complexity((int) Math.round(complexity), percentile("complexity", complexity)),
                absent);
    }

    private ScoreResult.Distance distance(String name, Map<String, Double> raw) {
        double d = raw.get(name);
        return new ScoreResult.Distance(d, percentile(name, d));
    }

    /** Two-sided for JEPA-SCORE and input complexity (outliers land in both tails), upper for distances. */
    public static int sides(String signal) {
        return signal.equals("jepa") || signal.equals("complexity") ? 2 : 1;
    }

    private static EmbeddingMath.Metric parseMetric(String name) {
        try {
            return EmbeddingMath.Metric.parse(name);
        } catch (IllegalArgumentException e) {
            throw new ModelException(ErrorCode.MODEL_MANIFEST_INVALID, "model.json signals.knn.metric: " + e.getMessage(), e);
        }
    }

    private static double[] toArray(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
