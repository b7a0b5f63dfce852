package dev.jepascore.model;

import dev.jepascore.ErrorCode;

import java.io.IOException;
import java.io.InputStream;
import java.nio.DoubleBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jboss.logging.Logger;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.providers.OrtCUDAProviderOptions;
import dev.jepascore.image.InputSpec;

/**
 * One model package, open for the life of the process: its encoder, scorer and float64 Gram graphs
 * ({@link OnnxGraph}), created on the process's one {@link OrtEnvironment} and thread pool, checked against the
 * manifest, warmed up, and shared by all concurrent requests. {@link ServedModels} opens one per served package;
 * tools and benchmarks open one with {@link #open(ModelConfig)}.
 */
public class ModelRuntime implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ModelRuntime.class);

    /**
     * What the scorer graph yields for a batch, row-major: embeddings {@code [N,K]} and the Gram
     * matrices {@code J J^T} in double precision {@code [N,K,K]}. J itself stays in native memory
     * (copying it out cost more than forming the Gram); {@link #jacobian(float[])} recomputes it for
     * the rare image that needs it.
     */
    public record ScorerOutput(int batch, int embeddingDim, int inputSize, float[] embeddings, double[] grams) {
    }

    /** J [N,K,D] float32 to J J^T [N,K,K] float64 (models/tools/make_graphs.py), for scorers of kind jacobian. */
    private static final String GRAM_GRAPH = "/onnx/gram-float64.onnx";

    /** The process's environment once this class created or found it; see {@link #environment(int)}. */
    private static OrtEnvironment processEnv;
    /** True when {@link #processEnv} was created here with the one global intra-op thread pool. */
    private static boolean globalThreads;

    private final ModelConfig config;
    private final Path packageDir;
    private ModelManifest manifest;
    private OrtEnvironment env;
    private boolean sharedThreads;
    private OnnxGraph encoder;
    private OnnxGraph scorer;
    private OnnxGraph gram;
    private String provider;
    private int encoderFixedBatch;
    private volatile boolean ready;

    /** The package {@code <jepa.model.dir>/<jepa.model.id>}; call {@link #open()} before use. */
    public ModelRuntime(ModelConfig config) {
        this(config, Path.of(config.dir()).resolve(config.id().orElseThrow(() -> new ModelException(ErrorCode.MODEL_MISSING,
                "jepa.model.id is not set: name the model package to open under " + config.dir()))));
    }

    /** The package in {@code packageDir}, run with {@code config}'s provider and thread settings. */
    public ModelRuntime(ModelConfig config, Path packageDir) {
        this.config = config;
        this.packageDir = packageDir;
    }

    /** Opens a model package outside the container (benchmarks, tools); close it when done. */
    public static ModelRuntime open(ModelConfig config) {
        ModelRuntime runtime = new ModelRuntime(config);
        runtime.open();
        return runtime;
    }

    /**
     * Stack for the thread that creates the ONNX Runtime environment and sessions. Measured with
     * ONNX Runtime 1.29 on Linux x64: when the JVM's class path string is long (over about 4 KB, as
     * with {@code java -cp} and a few dozen jars), creating the environment on a default 1 MB Java
     * thread stack overflows in native code and kills the process (SIGSEGV, no Java exception);
     * with 8 MB it does not. Inference runs are unaffected. Only touched pages cost memory.
     */
    private static final long LOADER_STACK_BYTES = 64L << 20;

    /** Loads this package on a thread with a large stack ({@link #LOADER_STACK_BYTES}). */
    void open() {
        onLoaderThread(this::load);
    }

    /** Runs {@code work} on a thread with {@link #LOADER_STACK_BYTES} of stack and waits for it. */
    static void onLoaderThread(Runnable work) {
        onLoaderThreads(List.of(work));
    }

    /**
     * Runs each of {@code works} on a thread of its own with {@link #LOADER_STACK_BYTES} of stack, all at once, and
     * waits for all of them; then throws the failure of the first (in list order) that failed, if any.
     */
    static void onLoaderThreads(List<Runnable> works) {
        RuntimeException[] failures = new RuntimeException[works.size()];
        Thread[] loaders = new Thread[works.size()];
        for (int i = 0; i < works.size(); i++) {
            int index = i;
            Runnable work = works.get(i);
            loaders[i] = new Thread(null, () -> {
                try {
                    work.run();
                } catch (RuntimeException e) {
                    failures[index] = e;
                } catch (Error e) {
                    // e.g. ONNX Runtime's native library failing to load (ExceptionInInitializerError): without this
                    // the thread would die silently and the caller would go on with a half-open model
                    failures[index] = new ModelException(ErrorCode.MODEL_LOAD_FAILED, "loading the model failed: " + e, e);
                }
            }, "jepa-model-loader-" + i, LOADER_STACK_BYTES);
            loaders[i].start();
        }
        for (Thread loader : loaders) {
            try {
                loader.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ModelException(ErrorCode.MODEL_LOAD_FAILED, "interrupted while loading the model", e);
            }
        }
        for (RuntimeException failure : failures) {
            if (failure != null) {
                throw failure;
            }
        }
    }

    /** Reads the manifest, opens and checks the graphs, warms them up; call on a loader thread. */
    void load() {
        long start = System.nanoTime();
        manifest = ModelManifest.read(packageDir);
        if (!manifest.id().equals(packageDir.getFileName().toString())) {
            LOG.infof("model package directory %s holds model id %s", packageDir, manifest.id());
        }
        try {
            OrtNativeLibraries.configure(config.nativePath());
            env = environment(config.intraOpThreads());
            sharedThreads = globalThreads && env == processEnv;
            openSessions();
            checkEncoder();
            if (scorer != null) {
                checkScorer();
            }
            warmUp();
        } catch (OrtException e) {
            close();
            throw new ModelException(ErrorCode.MODEL_LOAD_FAILED, "ONNX Runtime could not load " + packageDir + ": "
                    + e.getMessage(), e);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        ready = true;
        LOG.infof("model %s %s loaded from %s on %s in %d ms (K=%d, input %dx%dx%d, exact scorer: %s)",
                manifest.id(), manifest.version(), packageDir.toAbsolutePath(), provider,
                (System.nanoTime() - start) / 1_000_000, manifest.embeddingDim(), manifest.input().channels(),
                manifest.input().height(), manifest.input().width(), scorer != null ? manifest.scorer().kind() : "none");
    }

    private void openSessions() throws OrtException {
        boolean wantCuda = config.provider() != ModelConfig.Provider.CPU;
        EnumSet<OrtProvider> available = OrtEnvironment.getAvailableProviders();
        if (wantCuda && !available.contains(OrtProvider.CUDA)) {
            if (config.provider() == ModelConfig.Provider.CUDA) {
                throw new ModelException(ErrorCode.CUDA_UNAVAILABLE, "jepa.model.provider=cuda but this ONNX Runtime build "
                        + "offers only " + available + "; build with -Pcuda (onnxruntime_gpu) and run on a host "
                        + "with CUDA 12 and cuDNN 9");
            }
            LOG.infof("execution provider: CPU (auto: this ONNX Runtime build offers %s, no CUDA)", available);
            wantCuda = false;
        }
        if (wantCuda) {
            try {
                createSessions(true);
                provider = "cuda:" + config.cudaDevice();
                return;
            } catch (OrtException e) {
                closeSessions();
                if (config.provider() == ModelConfig.Provider.CUDA) {
                    throw new ModelException(ErrorCode.CUDA_UNAVAILABLE, "jepa.model.provider=cuda but the CUDA execution "
                            + "provider failed to start on device " + config.cudaDevice() + ": " + e.getMessage(), e);
                }
                LOG.warnf("execution provider: CPU (auto: CUDA is in this build but failed to start: %s)",
                        e.getMessage());
            }
        }
        createSessions(false);
        provider = "cpu";
    }

    private void createSessions(boolean cuda) throws OrtException {
        encoder = openGraph(manifest.encoder().file(), cuda);
        scorer = manifest.scorer() == null ? null : openGraph(manifest.scorer().file(), cuda);
        gram = openGramGraph(cuda);
    }

    private OnnxGraph openGraph(String file, boolean cuda) throws OrtException {
        Path path = packageDir.resolve(file);
        if (!java.nio.file.Files.isRegularFile(path)) {
            throw new ModelException(ErrorCode.MODEL_MISSING, "model file not found: " + path.toAbsolutePath()
                    + " (named in " + packageDir.resolve("model.json") + ")");
        }
        return OnnxGraph.open(env, path, sessionOptions(cuda));
    }

    private OnnxGraph openGramGraph(boolean cuda) throws OrtException {
        if (scorer == null || !"jacobian".equals(manifest.scorer().kind())) {
            return null;
        }
        byte[] graph;
        try (InputStream in = ModelRuntime.class.getResourceAsStream(GRAM_GRAPH)) {
            if (in == null) {
                throw new ModelException(ErrorCode.MODEL_MISSING, "resource " + GRAM_GRAPH + " is missing from the build");
            }
            graph = in.readAllBytes();
        } catch (IOException e) {
            throw new ModelException(ErrorCode.MODEL_MISSING, "cannot read resource " + GRAM_GRAPH, e);
        }
        return OnnxGraph.open(env, graph, GRAM_GRAPH, sessionOptions(cuda));
    }

    /**
     * The process's ONNX Runtime environment, with ONE intra-op thread pool shared by every session of every
     * served model when this class is the first to create it. Separate per-session pools on a 2-core machine left
     * one pool's threads spinning while the next session ran: the scorer and Gram runs took about twice as long
     * together as apart. When another component created the environment first, sessions get their own pools with
     * spinning off.
     */
    static synchronized OrtEnvironment environment(int intraOpThreads) throws OrtException {
        if (processEnv != null) {
            return processEnv;
        }
        try (OrtEnvironment.ThreadingOptions threading = new OrtEnvironment.ThreadingOptions()) {
            if (intraOpThreads > 0) {
                threading.setGlobalIntraOpNumThreads(intraOpThreads);
            }
            processEnv = OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING,
                    OrtEnvironment.DEFAULT_NAME, threading);
            globalThreads = true;
        } catch (IllegalStateException alreadyCreated) {
            processEnv = OrtEnvironment.getEnvironment();
            globalThreads = false;
        }
        return processEnv;
    }

    /**
     * Options for one session; the {@link OnnxGraph} built from them keeps them open as long as its session, as
     * ONNX Runtime's Java API requires, and closes them with it.
     */
    private OrtSession.SessionOptions sessionOptions(boolean cuda) throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        try {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if (sharedThreads) {
                options.disablePerSessionThreads();
            } else {
                if (config.intraOpThreads() > 0) {
                    options.setIntraOpNumThreads(config.intraOpThreads());
                }
                options.addConfigEntry("session.intra_op.allow_spinning", "0");
            }
            if (cuda) {
                try (OrtCUDAProviderOptions cudaOptions = CudaProviderOptions.create(config)) {
                    options.addCUDA(cudaOptions);
                }
            }
            return options;
        } catch (OrtException | RuntimeException e) {
            options.close();
            throw e;
        }
    }

    private void checkEncoder() throws OrtException {
        InputSpec in = manifest.input();
        encoder.checkTensor("input", manifest.encoder().input(), new long[] { -1, in.channels(), in.height(), in.width() });
        encoder.checkTensor("output", manifest.encoder().output(), new long[] { -1, manifest.embeddingDim() });
        long batchAxis = encoder.inputShape(manifest.encoder().input())[0];
        encoderFixedBatch = batchAxis > 0 ? (int) batchAxis : 0;
    }

    /**
     * Most images one encoder run may take: the graph's fixed batch size when its batch axis is
     * fixed (often 1 for exported user encoders), else unbounded ({@link Integer#MAX_VALUE}).
     */
    public int encoderRunLimit() {
        return encoderFixedBatch > 0 ? encoderFixedBatch : Integer.MAX_VALUE;
    }

    private void checkScorer() throws OrtException {
        InputSpec in = manifest.input();
        ModelManifest.Scorer s = manifest.scorer();
        int k = manifest.embeddingDim();
        scorer.checkTensor("input", s.input(), new long[] { -1, in.channels(), in.height(), in.width() });
        scorer.checkTensor("output", s.embedding(), new long[] { -1, k });
        long cols = "gram".equals(s.kind()) ? k : in.size();
        scorer.checkTensor("output", s.output(), new long[] { -1, k, cols });
    }

    private void warmUp() throws OrtException {
        int size = manifest.input().size();
        for (int i = 0; i < Math.max(1, config.warmupRuns()); i++) {
            int batch = encoderFixedBatch > 0 ? encoderFixedBatch : i == 0 ? 1 : Math.min(8, config.maxRunBatch());
            float[] zeros = new float[batch * size];
            embedRun(zeros, batch);
            if (scorer != null) {
                scorerRun(zeros, batch);
            }
        }
    }

    /**
     * Embeddings of {@code batch} images laid out NCHW in {@code pixels}: {@code [batch * K]}. A
     * graph with a fixed batch axis is run once per image.
     */
    public float[] embed(float[] pixels, int batch) {
        try {
            if (encoderFixedBatch == 1 && batch > 1) {
                int size = manifest.input().size();
                int k = manifest.embeddingDim();
                float[] out = new float[batch * k];
                for (int i = 0; i < batch; i++) {
                    System.arraycopy(embedRun(Arrays.copyOfRange(pixels, i * size, (i + 1) * size), 1), 0, out, i * k, k);
                }
                return out;
            }
            return embedRun(pixels, batch);
        } catch (OrtException e) {
            throw new ModelException(ErrorCode.INFERENCE_FAILED, "encoder run failed for a batch of " + batch + ": "
                    + e.getMessage(), e);
        }
    }

    /** Embeddings and Jacobians of {@code batch} images through the scorer graph, in one run. */
    public ScorerOutput score(float[] pixels, int batch) {
        if (scorer == null) {
            throw new ModelException(ErrorCode.NO_EXACT_SCORER, "model " + manifest.id() + " has no scorer graph; "
                    + "exact JEPA-SCORE needs scorer.onnx in the model package");
        }
        try {
            return scorerRun(pixels, batch);
        } catch (OrtException e) {
            throw new ModelException(ErrorCode.INFERENCE_FAILED, "scorer run failed for a batch of " + batch + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * The float32 Jacobian {@code [K * D]} of one image, or null when the scorer outputs only the
     * Gram matrix. For the rare Gram matrix too ill-conditioned to trust its small eigenvalues.
     */
    public float[] jacobian(float[] pixels) {
        if (scorer == null || gram == null) {
            return null;
        }
        ModelManifest.Scorer s = manifest.scorer();
        try (OnnxTensor input = tensor(pixels, 1);
                OrtSession.Result result = scorer.run(Map.of(s.input(), input), Set.of(s.output()))) {
            return scorer.floats(result, s.output());
        } catch (OrtException e) {
            throw new ModelException(ErrorCode.INFERENCE_FAILED, "scorer run for one Jacobian failed: " + e.getMessage(), e);
        }
    }

    /** True when the scorer outputs J itself, so {@link #jacobian(float[])} can return it. */
    public boolean outputsJacobian() {
        return gram != null;
    }

    private float[] embedRun(float[] pixels, int batch) throws OrtException {
        ModelManifest.Graph g = manifest.encoder();
        try (OnnxTensor input = tensor(pixels, batch);
                OrtSession.Result result = encoder.run(Map.of(g.input(), input), Set.of(g.output()))) {
            return encoder.floats(result, g.output());
        }
    }

    private ScorerOutput scorerRun(float[] pixels, int batch) throws OrtException {
        ModelManifest.Scorer s = manifest.scorer();
        int k = manifest.embeddingDim();
        try (OnnxTensor input = tensor(pixels, batch);
                OrtSession.Result result = scorer.run(Map.of(s.input(), input), Set.of(s.embedding(), s.output()))) {
            float[] embeddings = scorer.floats(result, s.embedding());
            if (gram == null) {
                float[] g = scorer.floats(result, s.output());
                double[] grams = new double[g.length];
                for (int i = 0; i < g.length; i++) {
                    grams[i] = g[i];
                }
                return new ScorerOutput(batch, k, manifest.input().size(), embeddings, grams);
            }
            OnnxTensor jacobian = (OnnxTensor) result.get(s.output()).orElseThrow(() -> new ModelException(
                    ErrorCode.MODEL_MISMATCH, "the scorer returned no output '" + s.output() + "'"));
            try (OrtSession.Result g = gram.run(Map.of("jacobian", jacobian))) {
                DoubleBuffer buffer = ((OnnxTensor) g.get(0)).getDoubleBuffer();
                double[] grams = new double[buffer.remaining()];
                buffer.get(grams);
                return new ScorerOutput(batch, k, manifest.input().size(), embeddings, grams);
            }
        }
    }

    private OnnxTensor tensor(float[] pixels, int batch) throws OrtException {
        InputSpec in = manifest.input();
        if (pixels.length != batch * in.size()) {
            throw new IllegalArgumentException("pixels hold " + pixels.length + " values, expected " + batch + " x "
                    + in.size());
        }
        return encoder.tensor(pixels, new long[] { batch, in.channels(), in.height(), in.width() });
    }

    public ModelManifest manifest() {
        return manifest;
    }

    /** The model package directory, where its files are. */
    public Path packageDir() {
        return packageDir;
    }

    public InputSpec inputSpec() {
        return manifest.input();
    }

    /** {@code cpu} or {@code cuda:<device>}: where inference runs. */
    public String provider() {
        return provider;
    }

    public boolean hasExactScorer() {
        return scorer != null;
    }

    /** True once the sessions are open and warmed up, until shutdown. */
    public boolean ready() {
        return ready;
    }

    public int maxRunBatch() {
        return Math.max(1, config.maxRunBatch());
    }

    /** Providers this ONNX Runtime build offers, for health output. */
    public List<String> availableProviders() {
        return OrtEnvironment.getAvailableProviders().stream().map(Enum::name).toList();
    }

    /**
     * Closes the graphs (each closes its session, then its session options, once no run is using them); a call
     * after this fails with {@code model_closed}.
     */
    @Override
    public void close() {
        ready = false;
        for (OnnxGraph graph : new OnnxGraph[] { encoder, scorer, gram }) {
            if (graph != null) {
                graph.close();
            }
        }
    }

    /** Closes and forgets the sessions of a provider that failed to start, before the next provider's. */
    private void closeSessions() {
        close();
        encoder = null;
        scorer = null;
        gram = null;
    }
}
