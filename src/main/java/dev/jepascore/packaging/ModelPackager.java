package dev.jepascore.packaging;

import dev.jepascore.ErrorCode;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.jepascore.JepaException;
import dev.jepascore.image.BadImageException;
import dev.jepascore.image.ImageConfig;
import dev.jepascore.image.ImageDecoder;
import dev.jepascore.image.InputSpec;
import dev.jepascore.image.Preprocessor;
import dev.jepascore.model.EncoderGraph;
import dev.jepascore.model.GraphRunner;
import dev.jepascore.packaging.autodiff.Differentiator;
import dev.jepascore.packaging.autodiff.UnsupportedGraphException;
import dev.jepascore.model.ModelManifest;
import dev.jepascore.model.ReferenceSet;
import dev.jepascore.score.Calibration;
import dev.jepascore.score.EmbeddingMath;
import dev.jepascore.score.EmbeddingSignals;
import dev.jepascore.score.InputComplexity;
import dev.jepascore.score.MahalanobisScore;
import dev.jepascore.score.ScoringMethod;
import dev.jepascore.score.Signal;
import dev.jepascore.score.SignalTable;
import dev.jepascore.score.Verdict;
import dev.jepascore.score.JacobianMath;
import dev.jepascore.score.ModelRun;
import dev.jepascore.score.SketchJepaScore;
import dev.jepascore.score.SketchMath;

/**
 * Makes a servable model package from an {@code encoder.onnx} and a folder of in-distribution
 * images, in steps:
 * <ol>
 * <li>read the graph: input/output names, C, H, W, K ({@link EncoderGraph});</li>
 * <li>decode the folder through the function's own decoder and preprocessing; split the readable
 * images, in a seeded order, without overlap into fixtures, calibration and reference sets;</li>
 * <li>reference set: raw embeddings ({@code reference.f32}, float32 little-endian
 * {@code [count, K]}, manifest {@code signals.reference}) and their per-dimension statistics;</li>
 * <li>JEPA-SCORE by the sketch: a pilot at m0 = min(D, 4K) on the calibration images gives the
 * spread of the scores (the pilot's own variance removed), m is the smallest with predicted
 * Spearman >= {@link SketchMath#SELECTION_SPEARMAN}, the calibration images are scored at m;</li>
 * <li>JEPA-SCORE's calibration percentiles and two-sided bands; the verdict's {@code signals} section
 * (k-NN, Mahalanobis, complexity and the Fisher combination, calibrated on the calibration images:
 * {@link #signalCalibrations});</li>
 * <li>fixtures with their scores; {@code model.json}; the package is read back with the
 * function's own manifest validation.</li>
 * </ol>
 */
final class ModelPackager {

    /** Fewest readable images: 2 fixtures + 20 calibration + 20 reference. */
    static final int MIN_IMAGES = 42;
    /** Images kept as fixtures (copied into the package with their scores). */
    static final int MAX_FIXTURES = 8;
    /** Percentiles stored in the calibration (the bundled model's list). */
    static final double[] PERCENTILES = { 0, 0.1, 0.5, 1, 2.5, 5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 97.5, 99,
            99.5, 99.9, 100 };
    /** Default two-sided bands: 5% nominal 'unusual', 1% nominal 'outlier', split evenly between the tails. */
    static final double UNUSUAL_LOW = 2.5;
    static final double UNUSUAL_HIGH = 97.5;
    static final double OUTLIER_LOW = 0.5;
    static final double OUTLIER_HIGH = 99.5;
    /**
     * The verdict's settings, as models/signals.py sets them for the bundled model (GRID, KNN_K,
     * KNN_METRIC, REASON_TAIL, UNUSUAL_PERCENTILE, OUTLIER_PERCENTILE; chosen on its development
     * outliers, models/fmnist-lejepa/EVALUATION.md): the percentile grid of every signal's table, fine in
     * the tails; the 5th nearest reference embedding, Euclidean; a signal is a reason at tail <= 0.05;
     * 'unusual' / 'outlier' above the 95th / 99th percentile of the calibration images' outlier scores.
     */
    static final double[] SIGNAL_GRID = { 0, 0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 2.5, 3, 4, 5, 6, 7, 8, 9, 10, 12.5,
            15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 87.5, 90, 91, 92, 93, 94, 95, 96, 97, 97.5, 98,
            98.5, 99, 99.25, 99.5, 99.75, 99.9, 99.95, 100 };
    static final int KNN_K = 5;
    static final EmbeddingMath.Metric KNN_METRIC = EmbeddingMath.Metric.EUCLIDEAN;
    static final double REASON_TAIL = 0.05;
    static final double UNUSUAL_PERCENTILE = 95;
    static final double OUTLIER_PERCENTILE = 99;
    /** Images per encoder run for the reference embeddings. */
    private static final int EMBED_BATCH = 64;
    /** Images per sketch call (their 2m perturbed copies share encoder runs). */
    private static final int SKETCH_BATCH = 4;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** Writes model.json from {@link ModelManifest}'s records, the ones the function reads it into. */
    private static final ObjectMapper MANIFEST_WRITER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .setSerializationInclusion(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL);

    /** The manifest's {@code scorer} section for the differentiated graph. */
    private static ModelManifest.Scorer scorerSection(ExactScorer exact, EncoderGraph graph, InputSpec spec, String by,
            ObjectNode check) {
        return new ModelManifest.Scorer("scorer.onnx", graph.inputName(), Differentiator.EMBEDDING,
                Differentiator.JACOBIAN, "jacobian", by + ": reverse-mode differentiation of encoder.onnx for input "
                        + spec.channels() + "x" + spec.height() + "x" + spec.width() + " (docs/byo-encoder.md)",
                exact.graph().opset(), exact.graph().ops(), check);
    }

    private final PackageOptions options;
    private final PrintStream log;
    /** The signals beside JEPA-SCORE the package is calibrated for, in order. */
    private final List<Signal> signals;

    ModelPackager(PackageOptions options, PrintStream log) {
        this(options, log, EmbeddingSignals.REGISTERED);
    }

    /** A packager calibrating {@code signals} (a test's own signal beside the registered ones). */
    ModelPackager(PackageOptions options, PrintStream log, List<Signal> signals) {
        this.options = options;
        this.log = log;
        this.signals = List.copyOf(signals);
    }

    /** One readable image: its file and its tensor. */
    record Image(Path file, float[] tensor) {
    }

    /** Writes the package and returns its manifest, as the function will read it. */
    ModelManifest run() throws IOException {
        Path out = options.out();
        ObjectNode previous = null;
        Path encoderFile = options.encoder();
        if (options.recalibrate()) {
            Path manifest = out.resolve("model.json");
            if (!Files.isRegularFile(manifest)) {
                throw new PackagingException("--recalibrate: " + manifest + " not found; package the model first");
            }
            previous = (ObjectNode) JSON.readTree(manifest.toFile());
            if (encoderFile == null) {
                encoderFile = out.resolve(previous.path("encoder").path("file").asText("encoder.onnx"));
            }
        }
        byte[] encoderBytes = Files.readAllBytes(encoderFile);
        prepareOut(out);
        try (EncoderGraph graph = EncoderGraph.open(encoderFile)) {
            InputSpec spec = previous != null && options.channels() == null && options.height() == null
                    ? JSON.treeToValue(previous.get("input"), InputSpec.class) : inputSpec(graph);
            int k = embeddingDim(graph, spec);
            int d = spec.size();
            log.printf(Locale.ROOT, "encoder %s: input '%s' %s, output '%s' [N,%d]; D = %d%n", encoderFile,
                    graph.inputName(), Arrays.toString(graph.inputShape()), graph.outputName(), k, d);

            List<Image> images = readImages(spec);
            List<Image> order = new ArrayList<>(images);
            Collections.shuffle(order, new Random(options.seed()));
            int fixtures = Math.min(MAX_FIXTURES, Math.max(2, order.size() / 20));
            int calibrationCount = (order.size() - fixtures) / 2;
            List<Image> fixtureSet = order.subList(0, fixtures);
            List<Image> calibrationSet = order.subList(fixtures, fixtures + calibrationCount);
            List<Image> referenceSet = order.subList(fixtures + calibrationCount, order.size());
            log.printf(Locale.ROOT, "%d readable images: %d reference, %d calibration, %d fixtures (no overlap)%n",
                    images.size(), referenceSet.size(), calibrationSet.size(), fixtures);

            Files.createDirectories(out);
            Path encoderInPackage = out.resolve("encoder.onnx");
            if (!Files.exists(encoderInPackage) || !Files.isSameFile(encoderFile, encoderInPackage)) {
                Files.write(encoderInPackage, encoderBytes);
            }
            try (ExactScorer exact = exactScorer(encoderBytes, graph, spec)) {
                return write(out, previous, encoderFile, graph, spec, k, d, images, fixtureSet, calibrationSet,
                        referenceSet, exact, encoderBytes);
            }
        }
    }

    /**
     * {@code --scorer-only}: differentiates the package's encoder for its input spec, checks J against central
     * differences on its fixtures, writes {@code scorer.onnx} and the manifest's {@code scorer} section; nothing
     * else changes (the calibration stays the one the package has).
     */
    ModelManifest writeScorerOnly() throws IOException {
        Path out = options.out();
        ModelManifest current = ModelManifest.read(out);
        ObjectNode manifest = (ObjectNode) JSON.readTree(out.resolve("model.json").toFile());
        Path encoderFile = out.resolve(current.encoder().file());
        byte[] encoderBytes = Files.readAllBytes(encoderFile);
        InputSpec spec = current.input();
        List<Image> fixtures = new ArrayList<>();
        Path dir = out.resolve("fixtures");
        if (Files.isDirectory(dir)) {
            ImageDecoder decoder = new ImageDecoder(limits());
            try (Stream<Path> s = Files.list(dir)) {
                for (Path f : s.filter(Files::isRegularFile).sorted().toList()) {
                    try {
                        float[] tensor = new float[spec.size()];
                        Preprocessor.toTensor(decoder.decode(Files.readAllBytes(f), spec), spec, tensor, 0);
                        fixtures.add(new Image(f, tensor));
                    } catch (BadImageException e) {
                        // reference.json and other files beside the images
                    }
                }
            }
        }
        if (fixtures.isEmpty()) {
            throw new PackagingException(dir + " holds no readable image to check the scorer on");
        }
        try (EncoderGraph graph = EncoderGraph.open(encoderFile);
                ExactScorer exact = exactScorer(encoderBytes, graph, spec)) {
            if (exact == null) {
                throw new PackagingException("no exact scorer for " + encoderFile + ": " + exactUnavailable);
            }
            ObjectNode check = checkExact(exact, encoderBytes, graph, fixtures);
            if (check == null) {
                throw new PackagingException(exactUnavailable);
            }
            Files.write(out.resolve("scorer.onnx"), exact.graph().graph());
            check.put("images", Math.min(CHECK_IMAGES, fixtures.size()) + " fixtures");
            // the other sections stay as they are (a bundled manifest holds fields the records do not)
            JsonNode sc = MANIFEST_WRITER.valueToTree(scorerSection(exact, graph, spec, "package-model --scorer-only",
                    check));
            // keep the field order of the manifest: scorer after encoder
            ObjectNode ordered = JSON.createObjectNode();
            manifest.fields().forEachRemaining(e -> {
                if (!e.getKey().equals("scorer") && !e.getKey().equals("differentiation")) {
                    ordered.set(e.getKey(), e.getValue());
                }
                if (e.getKey().equals("encoder")) {
                    ordered.set("scorer", sc);
                }
            });
            Files.writeString(out.resolve("model.json"), JSON.writeValueAsString(ordered) + "\n");
            ModelManifest read = ModelManifest.read(out);
            log.printf(Locale.ROOT, "wrote %s and the scorer section of %s%n", out.resolve("scorer.onnx"),
                    out.resolve("model.json"));
            return read;
        }
    }

    /**
     * Refuses to write into a folder that holds files (an old package's EVALUATION.md or fixtures would
     * stay beside the new ones) unless {@code --force}, which empties it first; {@code --recalibrate}
     * rewrites its own package in place.
     */
    private void prepareOut(Path out) throws IOException {
        if (options.recalibrate() || !Files.exists(out)) {
            return;
        }
        if (!Files.isDirectory(out)) {
            throw new PackagingException("--out " + out + " is a file, not a folder");
        }
        List<Path> entries;
        try (Stream<Path> s = Files.list(out)) {
            entries = s.toList();
        }
        if (entries.isEmpty()) {
            return;
        }
        if (!options.force()) {
            throw new PackagingException("--out " + out + " already holds " + entries.size() + " files or folders; "
                    + "give --force to empty it first (or --recalibrate to recalibrate the package there)");
        }
        log.printf(Locale.ROOT, "--force: emptying %s (%d entries)%n", out, entries.size());
        for (Path entry : entries) {
            try (Stream<Path> walk = Files.walk(entry)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    /**
     * The exact scorer differentiated from the encoder (DESIGN.md, "Exact Jacobians for any encoder.onnx"), or null
     * with the reason printed when an op has no rule or the graph cannot be differentiated: the package then
     * offers the sketch.
     */
    private ExactScorer exactScorer(byte[] encoderBytes, EncoderGraph graph, InputSpec spec) {
        long[] chw = { spec.channels(), spec.height(), spec.width() };
        long start = System.nanoTime();
        try {
            Differentiator.Scorer scorer = Differentiator.differentiate(encoderBytes, graph.inputName(),
                    graph.outputName(), chw);
            log.printf(Locale.ROOT, "exact scorer: encoder differentiated in %.1f s (%d ops: %s; opset %d)%n",
                    (System.nanoTime() - start) / 1e9, scorer.ops().size(), String.join(", ", scorer.ops()),
                    scorer.opset());
            return new ExactScorer(scorer, chw, JacobianMath.PAPER_EPS);
        } catch (UnsupportedGraphException e) {
            exactUnavailable = e.getMessage();
            log.println("exact scorer: not available, the package offers the sketch: " + e.getMessage());
            return null;
        }
    }

    /** Why the package has no exact scorer (null when it has one). */
    private String exactUnavailable;

    private ModelManifest write(Path out, ObjectNode previous, Path encoderFile, EncoderGraph graph, InputSpec spec,
            int k, int d, List<Image> images, List<Image> fixtureSet, List<Image> calibrationSet,
            List<Image> referenceSet, ExactScorer exactScorer, byte[] encoderBytes) throws IOException {
        {

            float[] reference = embedAll(graph, spec, referenceSet, k, "reference embeddings");
            writeFloats(out.resolve("reference.f32"), reference);

            double eps = JacobianMath.PAPER_EPS;
            ExactScorer exact = exactScorer;
            ObjectNode exactCheck = null;
            double[] exactScores = null;
            if (exact != null) {
                exactCheck = checkExact(exact, encoderBytes, graph, calibrationSet);
                if (exactCheck == null) {
                    exact = null;
                } else {
                    exactScores = scoreAllExact(exact, calibrationSet, d, "exact calibration scores");
                }
            }
            // the sketch: its m from the exact scores' spread, or from a pilot's
            SketchChoice choice = exactScores != null ? sketchFromExact(graph, spec, k, d, calibrationSet, eps, exactScores)
                    : chooseSketch(graph, spec, k, d, calibrationSet, eps);
            warnOnSpread(choice, k, d);
            SketchJepaScore sketch = choice.sketch();
            double[] calibration = exactScores != null ? exactScores : choice.calibrationScores();
            Cost cost = measureCost(graph, spec, exact, sketch, calibrationSet, k);
            String mode = cost.defaultMode();
            log.printf(Locale.ROOT, "cost per image on this machine (%d cores): embedding only %.2f ms, exact %s, "
                    + "sketch (m=%d) %.1f ms; default mode %s%n", Runtime.getRuntime().availableProcessors(),
                    cost.embeddingMs(), exact == null ? "not available" : String.format(Locale.ROOT, "%.1f ms",
                            cost.exactMs()), sketch.directions(), cost.sketchMs(), mode);

            String id = options.id() != null ? options.id()
                    : previous != null ? previous.path("id").asText() : out.toAbsolutePath().normalize().getFileName().toString();
            String description = previous != null ? previous.path("description").asText()
                    : "encoder " + encoderFile.getFileName() + " packaged by package-model ("
                            + (exact != null ? "exact JEPA-SCORE from the differentiated graph, and the sketch"
                                    : "sketch JEPA-SCORE") + ")";
            ModelManifest.Scorer scorer = null;
            if (exact != null) {
                Files.write(out.resolve("scorer.onnx"), exact.graph().graph());
                scorer = scorerSection(exact, graph, spec, "package-model", exactCheck);
            }
            writeFloats(out.resolve(DIRECTIONS_FILE), sketch.directionVectors());
            double predictedSd = SketchMath.scoreSd(k, sketch.directions(), d);
            ModelManifest.Sketch sketchSection = new ModelManifest.Sketch(sketch.directions(), DIRECTIONS_FILE,
                    options.step(), options.seed(), choice.spread(), predictedSd,
                    SketchMath.predictedSpearman(choice.spread(), predictedSd),
                    choice.pilotDirections() > 0 ? choice.pilotDirections() : null, choice.agreement(),
                    "smallest m in [K, D] with (6/pi) asin(rho/2) >= " + SketchMath.SELECTION_SPEARMAN
                            + " (target " + SketchMath.TARGET_SPEARMAN + " with a margin)"
                            + ", rho = s / sqrt(s^2 + e(m)^2), s = " + (exactScores != null
                                    ? "sd of the exact calibration scores"
                                    : "sd of the calibration scores at the pilot m with the pilot's own variance removed")
                            + ", e(m) = the estimator's sd (DESIGN.md, Sketch)");
            float[] calibrationEmbeddings = embedAll(graph, spec, calibrationSet, k, "calibration embeddings");
            ModelManifest.Signals signals = signalCalibrations(spec, reference, referenceSet.size(), images.size(), k,
                    new ModelRun(tensors(calibrationSet, 0, calibrationSet.size(), d), calibrationSet.size(), d,
                            calibrationEmbeddings, k, null), calibration);
            ModelManifest manifest = new ModelManifest(id,
                    previous != null ? previous.path("version").asText("1.0.0") : "1.0.0", description, spec,
                    new ModelManifest.Graph("encoder.onnx", graph.inputName(), graph.outputName()), scorer,
                    exact == null ? new ModelManifest.Differentiation(exactUnavailable) : null, k, eps,
                    calibrationSection(calibration, calibrationSet.size(), exactScores != null), null, signals,
                    sketchSection, mode, cost.section(sketch.directions()),
                    embeddingReference(reference, referenceSet.size(), k), provenance(encoderFile, images.size(),
                            previous));

            writeFixtures(out, fixtureSet, "exact".equals(mode) ? exact : null, sketch, graph, spec, k);
            Files.writeString(out.resolve("model.json"), MANIFEST_WRITER.writeValueAsString(manifest) + "\n");
            ModelManifest read = ModelManifest.read(out);
            log.printf(Locale.ROOT, "wrote %s: id %s, K=%d, default mode %s, exact %s, sketch m=%d (predicted Spearman "
                    + "%.4f at score spread %.3f)%n", out.resolve("model.json"), read.id(), k, mode,
                    exact != null ? "yes" : "no", sketch.directions(), read.sketch().predictedSpearman(), choice.spread());
            return read;
        }
    }

    /**
     * The verdict's {@code signals} section (models/README.md, "Signals and the verdict"), computed
     * with the service's own scoring methods and math: the reference set; each signal's method
     * ({@link Signal#method}, as the function builds it: k-NN and Ledoit-Wolf Mahalanobis against the
     * reference set, the latter's shrinkage recorded for the start-up check, input complexity, ...) on the
     * calibration images, which are not in the reference set; each signal's percentile table
     * ({@link Calibration#quantiles}); the Fisher combination ({@link SignalTable#tail}, {@link Verdict#fisher})
     * of JEPA-SCORE and every signal of the calibration images with its own table and the 95th / 99th
     * percentile thresholds.
     *
     * @param calibration   the calibration images' tensors and embeddings
     * @param jepaScores    their sketch JEPA-SCOREs (the model's default mode)
     */
    private ModelManifest.Signals signalCalibrations(InputSpec spec, float[] reference, int count, int readable, int k,
            ModelRun calibration, double[] jepaScores) {
        String metric = KNN_METRIC.name().toLowerCase(Locale.ROOT);
        ModelManifest.Reference referenceSection = new ModelManifest.Reference("reference.f32", "float32-le", count, k,
                "package-model: " + count + " of the " + readable + " readable images of "
                        + options.images().getFileName() + " (seeded split; not the calibration images)");
        ModelManifest.Knn knn = new ModelManifest.Knn(KNN_K, metric);
        ModelManifest.Complexity complexity = new ModelManifest.Complexity(InputComplexity.DEFLATE_LEVEL);
        Signal.Source source = new Signal.Source(new ModelManifest.Signals(referenceSection, knn,
                new ModelManifest.Mahalanobis("ledoit-wolf", null), complexity, null, null),
                new ReferenceSet(options.out().resolve(referenceSection.file()), reference, count, k), spec);
        Map<String, double[]> raw = new LinkedHashMap<>();
        raw.put(EmbeddingSignals.JEPA, jepaScores);
        MahalanobisScore mahalanobis = null;
        for (Signal signal : signals) {
            ScoringMethod method = EmbeddingSignals.methodOf(signal, source);
            if (method != null) {
                raw.put(signal.name(), method.scores(calibration));
                if (method instanceof MahalanobisScore m) {
                    mahalanobis = m;
                }
            }
        }
        if (mahalanobis == null) {
            throw new IllegalStateException("the signals " + signals.stream().map(Signal::name).toList()
                    + " lack mahalanobis, which the manifest's signals section records");
        }

        int n = calibration.count();
        Map<String, List<Double>> values = new LinkedHashMap<>();
        double floor = 0.5 / n; // the tail floor the service uses (EmbeddingSignals.load)
        List<double[]> tails = new ArrayList<>();
        for (Map.Entry<String, double[]> e : raw.entrySet()) {
            double[] table = Calibration.quantiles(e.getValue(), SIGNAL_GRID);
            values.put(e.getKey(), list(table));
            SignalTable t = new SignalTable(SIGNAL_GRID, table, EmbeddingSignals.sides(e.getKey(), signals), floor);
            tails.add(Arrays.stream(e.getValue()).map(t::tail).toArray());
        }
        double[] combined = new double[n];
        for (int i = 0; i < n; i++) {
            double[] p = new double[tails.size()];
            for (int j = 0; j < p.length; j++) {
                p[j] = tails.get(j)[i];
            }
            combined[i] = Verdict.fisher(p);
        }
        double[] thresholds = Calibration.quantiles(combined, new double[] { UNUSUAL_PERCENTILE, OUTLIER_PERCENTILE });
        log.printf(Locale.ROOT, "signals: k-NN k=%d %s, Mahalanobis shrinkage %.5f, outlier score thresholds %.3f "
                + "(unusual) / %.3f (outlier) on %d calibration images%n", KNN_K, metric,
                mahalanobis.gaussian().shrinkage(), thresholds[0], thresholds[1], n);
        return new ModelManifest.Signals(referenceSection, knn,
                new ModelManifest.Mahalanobis("ledoit-wolf", mahalanobis.gaussian().shrinkage()), complexity,
                new ModelManifest.SignalCalibration("package-model: " + n + " images of "
                        + options.images().getFileName() + " (seeded split, not in the reference set; JEPA-SCORE in "
                        + "the default mode)", n, list(SIGNAL_GRID), values),
                new ModelManifest.Combination("fisher", List.copyOf(raw.keySet()), REASON_TAIL, list(SIGNAL_GRID),
                        list(Calibration.quantiles(combined, SIGNAL_GRID)),
                        new ModelManifest.Threshold(UNUSUAL_PERCENTILE, thresholds[0]),
                        new ModelManifest.Threshold(OUTLIER_PERCENTILE, thresholds[1])));
    }

    /** The sketch chosen: its scores of the calibration images (null when m came from exact scores). */
    record SketchChoice(SketchJepaScore sketch, double[] calibrationScores, double spread, int pilotDirections,
            ObjectNode agreement) {

        SketchChoice(SketchJepaScore sketch, double[] calibrationScores, double spread, int pilotDirections) {
            this(sketch, calibrationScores, spread, pilotDirections, null);
        }
    }

    /** The sketch directions in the package, so the function never orthonormalises them at start-up. */
    static final String DIRECTIONS_FILE = "sketch-directions.f32";

    /** Calibration images the sketch scores to compare with the exact scores (each costs 2m + 1 encoder images). */
    static final int AGREEMENT_IMAGES = 24;
    /** Encoder images the comparison may cost at most (fewer images, at least 2, when m is large). */
    static final long AGREEMENT_ENCODER_IMAGES = 50_000;
    /** Calibration images whose generated Jacobian is checked against central differences through encoder.onnx. */
    static final int CHECK_IMAGES = 3;
    /**
     * Score spread below which JEPA-SCORE does not tell this encoder's images apart: the sd of the calibration
     * scores, in log units (a factor e^1e-3 in the product of singular values).
     */
    static final double ZERO_SPREAD = 1e-3;

    /**
     * The generated scorer's Jacobian against central differences through encoder.onnx on the first calibration
     * images; null (with the reason printed and recorded) when it is off by more than
     * {@link ExactScorer#CHECK_TOLERANCE}.
     */
    private ObjectNode checkExact(ExactScorer exact, byte[] encoderBytes, EncoderGraph graph, List<Image> calibration) {
        int images = Math.min(CHECK_IMAGES, calibration.size());
        List<Double> errors = new ArrayList<>();
        try (GraphRunner encoder = GraphRunner.open(encoderBytes, "encoder.onnx", 0, false)) {
            for (int i = 0; i < images; i++) {
                for (double e : exact.check(encoder, graph.inputName(), graph.outputName(), calibration.get(i).tensor(),
                        options.seed() + i)) {
                    errors.add(e);
                }
            }
        }
        double[] sorted = errors.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double worst = sorted[sorted.length - 1];
        double quantile = sorted[(int) Math.min(sorted.length - 1, Math.ceil(ExactScorer.CHECK_QUANTILE * sorted.length)
                - 1)];
        log.printf(Locale.ROOT, "exact scorer: J against central differences through encoder.onnx (h=%.0e and h/2 "
                + "Richardson, and h=%s; float32, %d coordinates of %d images): relative error %.0fth percentile "
                + "%.2e, max %.2e%n", ExactScorer.CHECK_STEP, Arrays.toString(ExactScorer.SMALL_STEPS),
                ExactScorer.CHECK_COLUMNS, images, 100 * ExactScorer.CHECK_QUANTILE, quantile, worst);
        if (!(quantile <= ExactScorer.CHECK_TOLERANCE)) {
            exactUnavailable = "the differentiated graph's Jacobian is " + quantile + " (relative, "
                    + Math.round(100 * ExactScorer.CHECK_QUANTILE) + "th percentile of the input coordinates checked) "
                    + "off central differences through encoder.onnx, above " + ExactScorer.CHECK_TOLERANCE;
            log.println("exact scorer: not kept, the package offers the sketch: " + exactUnavailable);
            return null;
        }
        ObjectNode check = JSON.createObjectNode();
        check.put("method", "central differences through encoder.onnx, float32, steps " + ExactScorer.CHECK_STEP
                + " and half of it Richardson-extrapolated, and plain at " + Arrays.toString(ExactScorer.SMALL_STEPS)
                + ", seeded input coordinates, each compared with its estimate closest to J; error of a coordinate = "
                + "max over K of |J - J_fd| / max |J_fd|; kept when the " + Math.round(100 * ExactScorer.CHECK_QUANTILE)
                + "th percentile is at most " + ExactScorer.CHECK_TOLERANCE);
        check.put("images", images);
        check.put("coordinatesPerImage", ExactScorer.CHECK_COLUMNS);
        check.put("maxRelativeError", worst);
        check.put("p90RelativeError", quantile);
        return check;
    }

    /**
     * The sketch when exact scores exist: m from their spread (no pilot), and its agreement with them on up to
     * {@link #AGREEMENT_IMAGES} calibration images (Spearman, mean absolute difference).
     */
    private SketchChoice sketchFromExact(EncoderGraph graph, InputSpec spec, int k, int d, List<Image> calibration,
            double eps, double[] exactScores) {
        int limit = graph.fixedBatch() > 0 ? graph.fixedBatch() : Integer.MAX_VALUE;
        double spread = Math.sqrt(variance(exactScores));
        int m;
        if (options.sketchDirections() != null) {
            m = options.sketchDirections();
            try {
                SketchMath.checkDirections(k, m, d);
            } catch (IllegalArgumentException e) {
                throw new PackagingException("--sketch-directions: " + e.getMessage());
            }
        } else {
            m = SketchMath.chooseDirections(k, d, spread, SketchMath.SELECTION_SPEARMAN);
        }
        log.printf(Locale.ROOT, "score spread %.3f (sd of the exact calibration scores): sketch m = %d%n", spread, m);
        SketchJepaScore sketch = new SketchJepaScore(encoder(graph, spec), k, d, m, options.step(), options.seed(), eps,
                limit);
        int affordable = (int) Math.max(2, Math.min(AGREEMENT_IMAGES, AGREEMENT_ENCODER_IMAGES / (2L * m + 1)));
        List<Image> subset = calibration.subList(0, Math.min(affordable, calibration.size()));
        double[] sketched = scoreAll(sketch, subset, d, k, "sketch scores to compare (m=" + m + ")");
        double[] exactSubset = Arrays.copyOf(exactScores, subset.size());
        double rho = spearman(sketched, exactSubset);
        double mad = 0;
        for (int i = 0; i < sketched.length; i++) {
            mad += Math.abs(sketched[i] - exactSubset[i]) / sketched.length;
        }
        log.printf(Locale.ROOT, "sketch against exact on %d calibration images: Spearman %.4f, mean |difference| "
                + "%.3f%n", subset.size(), rho, mad);
        ObjectNode agreement = JSON.createObjectNode();
        agreement.put("images", subset.size());
        agreement.put("spearman", rho);
        agreement.put("meanAbsoluteDifference", mad);
        return new SketchChoice(sketch, null, spread, 0, agreement);
    }

    /** Spearman rank correlation (no ties expected among continuous scores; ties get their order's ranks). */
    static double spearman(double[] a, double[] b) {
        double[] ra = ranks(a);
        double[] rb = ranks(b);
        double ma = Arrays.stream(ra).average().orElse(0);
        double mb = Arrays.stream(rb).average().orElse(0);
        double num = 0;
        double da = 0;
        double db = 0;
        for (int i = 0; i < ra.length; i++) {
            num += (ra[i] - ma) * (rb[i] - mb);
            da += (ra[i] - ma) * (ra[i] - ma);
            db += (rb[i] - mb) * (rb[i] - mb);
        }
        return da == 0 || db == 0 ? 0 : num / Math.sqrt(da * db);
    }

    private static double[] ranks(double[] v) {
        Integer[] order = new Integer[v.length];
        for (int i = 0; i < v.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble(i -> v[i]));
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            r[order[i]] = i;
        }
        return r;
    }

    /** Says what a score spread indistinguishable from zero means, and what the sketch then costs. */
    private void warnOnSpread(SketchChoice choice, int k, int d) {
        if (choice.spread() >= ZERO_SPREAD) {
            return;
        }
        log.printf(Locale.ROOT, "WARNING: the JEPA-SCOREs of the calibration images spread by %.2e (sd), "
                + "indistinguishable from zero: this encoder's Jacobian has about the same volume at every image, so "
                + "JEPA-SCORE cannot rank them (the verdict then rests on k-NN, Mahalanobis and complexity); the sketch "
                + "needs m = D = %d directions to rank them at all (m = %d chosen)%n", choice.spread(), d,
                choice.sketch().directions());
    }

    /** Per-image times on this machine, and the default mode they give. */
    record Cost(double embeddingMs, double exactMs, double sketchMs, boolean exact) {

        /**
         * Exact when the package has it, it fits {@link #MS_PER_IMAGE_BUDGET} and costs at most
         * {@link #EXACT_OVER_SKETCH} times the sketch (it is exact, where the sketch only ranks to the predicted
         * Spearman); else the sketch when it fits the budget; else {@code signals} (one forward pass: k-NN,
         * Mahalanobis and complexity, no JEPA-SCORE), for encoders too large for any Jacobian on this hardware.
         */
        String defaultMode() {
            if (exact && exactMs <= MS_PER_IMAGE_BUDGET && exactMs <= EXACT_OVER_SKETCH * sketchMs) {
                return "exact";
            }
            return sketchMs <= MS_PER_IMAGE_BUDGET ? "sketch" : "signals";
        }

        ModelManifest.Cost section(int m) {
            return new ModelManifest.Cost("package-model on " + Runtime.getRuntime().availableProcessors()
                    + " cores, per image, one run of " + COST_IMAGES + " images after a warm-up run", embeddingMs,
                    exact ? exactMs : null, sketchMs, m, MS_PER_IMAGE_BUDGET, "defaultMode exact when the package has "
                            + "it, it costs at most " + MS_PER_IMAGE_BUDGET + " ms per image and at most "
                            + EXACT_OVER_SKETCH + " x the sketch; else sketch when it costs at most "
                            + MS_PER_IMAGE_BUDGET + " ms per image; else signals (embedding only)");
        }
    }

    static final double EXACT_OVER_SKETCH = 3;
    /**
     * Per-image time above which a mode is not chosen as the default: 900 ms, so that a request of 32 images (the
     * batch the benchmarks use) answers within 29 s, the integration timeout of AWS API Gateway in front of a Lambda
     * and below the 30 s many HTTP clients and load balancers wait by default. A client may still ask for the mode.
     */
    static final double MS_PER_IMAGE_BUDGET = 900;
    /** Images per timed run of the cost model (a sketch run of 2m + 1 copies each). */
    static final int COST_IMAGES = 8;

    private Cost measureCost(EncoderGraph graph, InputSpec spec, ExactScorer exact, SketchJepaScore sketch,
            List<Image> calibration, int k) {
        int d = spec.size();
        int n = Math.min(COST_IMAGES, calibration.size());
        float[] pixels = tensors(calibration, 0, n, d);
        double embed = timePerImage(n, () -> graph.embed(pixels, n, spec.channels(), spec.height(), spec.width()));
        double ex = exact == null ? Double.NaN : timePerImage(n, () -> exact.scores(pixels, n));
        // one image, once: the sketch's code is warm from the calibration or comparison runs, and at large m one
        // image is 2m + 1 encoder images
        float[] one = Arrays.copyOf(pixels, d);
        long start = System.nanoTime();
        sketch.scores(new ModelRun(one, 1, d, new float[k], k, null));
        double sk = (System.nanoTime() - start) / 1e6;
        return new Cost(embed, ex, sk, exact != null);
    }

    /** Milliseconds per image of {@code run} over {@code images} images: a warm-up run, then the best of two. */
    private static double timePerImage(int images, Runnable run) {
        run.run();
        double best = Double.MAX_VALUE;
        for (int i = 0; i < 2; i++) {
            long start = System.nanoTime();
            run.run();
            best = Math.min(best, (System.nanoTime() - start) / 1e6 / images);
        }
        return best;
    }

    private SketchChoice chooseSketch(EncoderGraph graph, InputSpec spec, int k, int d, List<Image> calibration,
            double eps) {
        int limit = graph.fixedBatch() > 0 ? graph.fixedBatch() : Integer.MAX_VALUE;
        if (options.sketchDirections() != null) {
            int m = options.sketchDirections();
            try {
                SketchMath.checkDirections(k, m, d);
            } catch (IllegalArgumentException e) {
                throw new PackagingException("--sketch-directions: " + e.getMessage());
            }
            SketchJepaScore sketch = new SketchJepaScore(encoder(graph, spec), k, d, m, options.step(), options.seed(),
                    eps, limit);
            double[] scores = scoreAll(sketch, calibration, d, k, "calibration scores (m=" + m + ")");
            double spread = Math.sqrt(Math.max(0, variance(scores) - Math.pow(SketchMath.scoreSd(k, m, d), 2)));
            return new SketchChoice(sketch, scores, spread, m);
        }
        int pilot = Math.min(d, 4 * k);
        SketchJepaScore pilotSketch = new SketchJepaScore(encoder(graph, spec), k, d, pilot, options.step(),
                options.seed(), eps, limit);
        double[] pilotScores = scoreAll(pilotSketch, calibration, d, k, "pilot scores (m=" + pilot + ")");
        double pilotSd = SketchMath.scoreSd(k, pilot, d);
        double spread = Math.sqrt(Math.max(0, variance(pilotScores) - pilotSd * pilotSd));
        int m = SketchMath.chooseDirections(k, d, spread, SketchMath.SELECTION_SPEARMAN);
        log.printf(Locale.ROOT, "score spread %.3f (sd at m=%d, minus its estimator sd %.3f): m = %d%n", spread, pilot,
                pilotSd, m);
        if (m == pilot) {
            return new SketchChoice(pilotSketch, pilotScores, spread, pilot);
        }
        SketchJepaScore sketch = new SketchJepaScore(encoder(graph, spec), k, d, m, options.step(), options.seed(), eps,
                limit);
        return new SketchChoice(sketch, scoreAll(sketch, calibration, d, k, "calibration scores (m=" + m + ")"), spread,
                pilot);
    }

    private static dev.jepascore.score.Encoder encoder(EncoderGraph graph, InputSpec spec) {
        return (pixels, batch) -> graph.embed(pixels, batch, spec.channels(), spec.height(), spec.width());
    }

    /** Scores one batch of {@code b} images' pixels. */
    private interface BatchScores {
        double[] scores(float[] pixels, int b);
    }

    private double[] scoreAll(SketchJepaScore sketch, List<Image> images, int d, int k, String what) {
        return scoreAll(SKETCH_BATCH, (pixels, b) -> sketch.scores(new ModelRun(pixels, b, d, new float[b * k], k,
                null)), images, d, what, "sketch score", ": the encoder's output is NaN or infinite near this image");
    }

    private double[] scoreAllExact(ExactScorer exact, List<Image> images, int d, String what) {
        return scoreAll(ExactScorer.BATCH, exact::scores, images, d, what, "exact score", "");
    }

    /** Scores {@code images} in batches of {@code batch}, with progress lines; a score that is not finite stops it. */
    private double[] scoreAll(int batch, BatchScores method, List<Image> images, int d, String what, String kind,
            String meaning) {
        double[] scores = new double[images.size()];
        Progress progress = new Progress(log, what, images.size());
        for (int from = 0; from < images.size(); from += batch) {
            int b = Math.min(batch, images.size() - from);
            double[] s = method.scores(tensors(images, from, b, d), b);
            for (int i = 0; i < b; i++) {
                if (!Double.isFinite(s[i])) {
                    throw new PackagingException("the " + kind + " of " + images.get(from + i).file()
                            + " is not finite (" + s[i] + ")" + meaning);
                }
            }
            System.arraycopy(s, 0, scores, from, b);
            progress.advance(b);
        }
        progress.done();
        return scores;
    }

    private float[] embedAll(EncoderGraph graph, InputSpec spec, List<Image> images, int k, String what) {
        int d = spec.size();
        float[] out = new float[images.size() * k];
        Progress progress = new Progress(log, what, images.size());
        for (int from = 0; from < images.size(); from += EMBED_BATCH) {
            int b = Math.min(EMBED_BATCH, images.size() - from);
            float[] pixels = tensors(images, from, b, d);
            float[] e = graph.embed(pixels, b, spec.channels(), spec.height(), spec.width());
            for (int i = 0; i < e.length; i++) {
                if (!Float.isFinite(e[i])) {
                    throw new PackagingException("the encoder's output for " + images.get(from + i / k).file()
                            + " is NaN or infinite");
                }
            }
            System.arraycopy(e, 0, out, from * k, b * k);
            progress.advance(b);
        }
        progress.done();
        return out;
    }

    /** The tensors of images {@code [from, from + count)} laid out one after another. */
    private static float[] tensors(List<Image> images, int from, int count, int d) {
        float[] pixels = new float[count * d];
        for (int i = 0; i < count; i++) {
            System.arraycopy(images.get(from + i).tensor(), 0, pixels, i * d, d);
        }
        return pixels;
    }

    private InputSpec inputSpec(EncoderGraph graph) {
        long[] shape = graph.inputShape();
        int channels = dimension("channels", shape[1], options.channels(), "--channels");
        int height = dimension("height", shape[2], options.height(), "--size");
        int width = dimension("width", shape[3], options.width(), "--size");
        if (channels != 1 && channels != 3) {
            throw new PackagingException(graph.file() + ": the input has " + channels + " channels; images give 1 (luma) "
                    + "or 3 (RGB)");
        }
        double scale = options.scale() != null ? options.scale() : 1.0 / 255.0;
        List<Double> mean = perChannel("--mean", options.mean(), channels, 0.0);
        List<Double> std = perChannel("--std", options.std(), channels, 1.0);
        return InputSpec.of(channels, height, width, scale, mean, std);
    }

    private static int dimension(String name, long fromGraph, Integer fromFlag, String flag) {
        if (fromGraph > 0) {
            if (fromFlag != null && fromFlag != fromGraph) {
                throw new PackagingException(flag + " gives " + name + " " + fromFlag + " but the graph fixes it at "
                        + fromGraph);
            }
            return (int) fromGraph;
        }
        if (fromFlag == null) {
            throw new PackagingException("the graph leaves the input's " + name + " dynamic: give " + flag);
        }
        return fromFlag;
    }

    private static List<Double> perChannel(String flag, double[] values, int channels, double fallback) {
        if (values == null) {
            return Collections.nCopies(channels, fallback);
        }
        if (values.length == 1) {
            return Collections.nCopies(channels, values[0]);
        }
        if (values.length != channels) {
            throw new PackagingException(flag + " has " + values.length + " values; the input has " + channels
                    + " channels");
        }
        return Arrays.stream(values).boxed().toList();
    }

    private static int embeddingDim(EncoderGraph graph, InputSpec spec) {
        long[] out = graph.outputShape();
        int measured = graph.embed(new float[spec.size()], 1, spec.channels(), spec.height(), spec.width()).length;
        if (out[1] > 0 && out[1] != measured) {
            throw new PackagingException(graph.file() + ": output '" + graph.outputName() + "' declares K=" + out[1]
                    + " but returned " + measured + " values for one image");
        }
        return measured;
    }

    private List<Image> readImages(InputSpec spec) throws IOException {
        Path dir = options.images();
        if (!Files.isDirectory(dir)) {
            throw new PackagingException("--images " + dir + " is not a folder");
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        }
        ImageDecoder decoder = new ImageDecoder(limits());
        List<Image> images = new ArrayList<>();
        List<String> unreadable = new ArrayList<>();
        Progress progress = new Progress(log, "decoding " + dir, files.size());
        for (Path f : files) {
            try {
                float[] tensor = new float[spec.size()];
                Preprocessor.toTensor(decoder.decode(Files.readAllBytes(f), spec), spec, tensor, 0);
                images.add(new Image(f, tensor));
            } catch (BadImageException e) {
                unreadable.add(f.getFileName() + " (" + e.code() + ")");
            }
            progress.advance(1);
        }
        progress.done();
        if (!unreadable.isEmpty()) {
            log.printf("skipped %d files that are not readable images: %s%s%n", unreadable.size(),
                    String.join(", ", unreadable.subList(0, Math.min(5, unreadable.size()))),
                    unreadable.size() > 5 ? ", ..." : "");
        }
        if (images.size() < MIN_IMAGES) {
            throw new PackagingException("--images " + dir + " holds " + images.size() + " readable images (of "
                    + files.size() + " files); at least " + MIN_IMAGES + " are needed to split reference, calibration "
                    + "and fixture sets");
        }
        return images;
    }

    private static ImageConfig limits() {
        return new ImageConfig() {
            public long maxBytes() {
                return 64L << 20;
            }

            public long maxPixels() {
                return 100_000_000L;
            }

            public int maxBatch() {
                return 1;
            }
        };
    }

    private ModelManifest.Calibration calibrationSection(double[] scores, int count, boolean exact) {
        double[] bands = Calibration.quantiles(scores, new double[] { UNUSUAL_LOW, UNUSUAL_HIGH, OUTLIER_LOW, OUTLIER_HIGH });
        return new ModelManifest.Calibration("package-model: " + count + " images of " + options.images().getFileName()
                + " (seeded split, not in the reference set)", count, list(PERCENTILES),
                list(Calibration.quantiles(scores, PERCENTILES)), new ModelManifest.Thresholds(
                        new ModelManifest.Band(UNUSUAL_LOW, UNUSUAL_HIGH, bands[0], bands[1]),
                        new ModelManifest.Band(OUTLIER_LOW, OUTLIER_HIGH, bands[2], bands[3])), null,
                "Default two-sided bands (package-model): 'unusual' below the " + UNUSUAL_LOW + " or above the "
                        + UNUSUAL_HIGH + " percentile of the calibration images, 'outlier' below " + OUTLIER_LOW
                        + " or above " + OUTLIER_HIGH + "; re-run with --recalibrate on more images to tighten them.",
                exact ? "exact: J from scorer.onnx (the encoder differentiated by package-model), Gram and "
                        + "eigenvalues in double" : "sketch: central differences through encoder.onnx along seeded "
                        + "orthonormal directions, matrix-Beta bias correction");
    }

    private static List<Double> list(double[] values) {
        return Arrays.stream(values).boxed().toList();
    }


    private static ObjectNode embeddingReference(float[] reference, int count, int k) {
        double[] mean = new double[k];
        double[] sq = new double[k];
        double[] norms = new double[count];
        for (int i = 0; i < count; i++) {
            double n = 0;
            for (int j = 0; j < k; j++) {
                double v = reference[i * k + j];
                mean[j] += v;
                sq[j] += v * v;
                n += v * v;
            }
            norms[i] = Math.sqrt(n);
        }
        ObjectNode node = JSON.createObjectNode();
        node.put("set", "the reference set (signals.reference)");
        node.put("count", count);
        ArrayNode m = node.putArray("mean");
        ArrayNode s = node.putArray("std");
        for (int j = 0; j < k; j++) {
            double mu = mean[j] / count;
            m.add(mu);
            s.add(Math.sqrt(Math.max(0, sq[j] / count - mu * mu)));
        }
        ObjectNode np = node.putObject("normPercentiles");
        ArrayNode p = np.putArray("percentiles");
        ArrayNode v = np.putArray("values");
        double[] q = Calibration.quantiles(norms, PERCENTILES);
        for (int i = 0; i < PERCENTILES.length; i++) {
            p.add(PERCENTILES[i]);
            v.add(q[i]);
        }
        return node;
    }

    private ObjectNode provenance(Path encoderFile, int images, ObjectNode previous) throws IOException {
        ObjectNode p = previous != null && previous.has("provenance") ? (ObjectNode) previous.get("provenance").deepCopy()
                : JSON.createObjectNode();
        p.put("packagedBy", "package-model");
        p.put("encoderSha256", sha256(encoderFile));
        p.put("images", options.images().toAbsolutePath().normalize().toString());
        p.put("readableImages", images);
        p.put("splitSeed", options.seed());
        return p;
    }

    private void writeFixtures(Path out, List<Image> fixtures, ExactScorer exact, SketchJepaScore sketch,
            EncoderGraph graph, InputSpec spec, int k) throws IOException {
        Path dir = out.resolve("fixtures");
        Files.createDirectories(dir);
        int d = spec.size();
        ArrayNode list = JSON.createArrayNode();
        for (Image f : fixtures) {
            String name = f.file().getFileName().toString();
            Files.copy(f.file(), dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            double score = exact != null ? exact.scores(f.tensor(), 1)[0]
                    : sketch.scores(new ModelRun(f.tensor(), 1, d, new float[k], k, null))[0];
            float[] e = graph.embed(f.tensor(), 1, spec.channels(), spec.height(), spec.width());
            ObjectNode entry = list.addObject();
            entry.put("file", name);
            entry.put("jepaScore", score);
            entry.put("embeddingNorm", norm(e));
        }
        ObjectNode ref = JSON.createObjectNode();
        ref.put("description", exact != null ? "images held out of the reference and calibration sets, with the exact "
                + "JEPA-SCORE package-model computed for them through scorer.onnx (the default mode)"
                : "images held out of the reference and calibration sets, with the sketch JEPA-SCORE "
                + "package-model computed for them (same directions as the function: same score)");
        ref.set("fixtures", list);
        Files.writeString(dir.resolve("reference.json"), JSON.writeValueAsString(ref) + "\n");
    }

    /** Euclidean norm of an embedding, in double. */
    private static double norm(float[] e) {
        double s = 0;
        for (float v : e) {
            s += (double) v * v;
        }
        return Math.sqrt(s);
    }

    private static void writeFloats(Path file, float[] values) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(values);
        try (OutputStream o = Files.newOutputStream(file)) {
            o.write(buffer.array());
        }
    }

    private static double variance(double[] v) {
        double mean = Arrays.stream(v).average().orElse(0);
        return Arrays.stream(v).map(x -> (x - mean) * (x - mean)).sum() / Math.max(1, v.length - 1);
    }

    private static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0;) {
                digest.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /** The folder, the flags or the encoder do not allow a package: exit code 1 with this message. */
    static final class PackagingException extends JepaException {
        PackagingException(String message) {
            super(ErrorCode.PACKAGING_FAILED, message, null);
        }
    }
}
