package dev.jepascore.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.providers.OrtCUDAProviderOptions;
import dev.jepascore.image.InputSpec;

/**
 * The model package, open for the life of the process: one {@link OrtEnvironment}, the encoder,
 * scorer and float64 Gram sessions, created at start-up, checked against the manifest, warmed up,
 * and shared by all concurrent requests ({@link OrtSession#run} is thread-safe). The only class
 * that talks to ONNX Runtime. Created at start-up off the main thread by {@link dev.jepascore.startup.StartupWork}.
 */
@ApplicationScoped
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

    private final ModelConfig config;
    private Path packageDir;
    private ModelManifest manifest;
    private OrtEnvironment env;
    private boolean sharedThreads;
    private OrtSession encoder;
    private OrtSession scorer;
    private OrtSession gram;
    private String provider;
    private int encoderFixedBatch;
    private final List<OrtSession.SessionOptions> openOptions = new java.util.ArrayList<>();
    private volatile boolean ready;

    public ModelRuntime(ModelConfig config) {
        this.config = config;
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

    @PostConstruct
    void open() {
        RuntimeException[] failure = new RuntimeException[1];
        Thread loader = new Thread(null, () -> {
            try {
                load();
            } catch (RuntimeException e) {
                failure[0] = e;
            }
        }, "jepa-model-loader", LOADER_STACK_BYTES);
        loader.start();
        try {
            loader.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModelException("model_load_failed", "interrupted while loading the model", e);
        }
        if (failure[0] != null) {
            throw failure[0];
        }
    }

    private void load() {
        long start = System.nanoTime();
        packageDir = Path.of(config.dir()).resolve(config.id());
        manifest = ModelManifest.read(packageDir);
        if (!manifest.id().equals(config.id())) {
            LOG.warnf("model package directory %s holds model id %s", packageDir, manifest.id());
        }
        try {
            OrtNativeLibraries.configure(config.nativePath());
            env = environment();
            openSessions();
            checkEncoder();
            if (scorer != null) {
                checkScorer();
            }
            warmUp();
        } catch (OrtException e) {
            close();
            throw new ModelException("model_load_failed", "ONNX Runtime could not load " + packageDir + ": "
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
                throw new ModelException("cuda_unavailable", "jepa.model.provider=cuda but this ONNX Runtime build "
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
                    throw new ModelException("cuda_unavailable", "jepa.model.provider=cuda but the CUDA execution "
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
        encoder = createSession(manifest.encoder().file(), cuda);
        scorer = manifest.scorer() == null ? null : createSession(manifest.scorer().file(), cuda);
        gram = createGramSession(cuda);
    }

    private OrtSession createSession(String file, boolean cuda) throws OrtException {
        Path path = packageDir.resolve(file);
        if (!Files.isRegularFile(path)) {
            throw new ModelException("model_missing", "model file not found: " + path.toAbsolutePath()
                    + " (named in " + packageDir.resolve("model.json") + ")");
        }
        return env.createSession(path.toString(), keepOpen(sessionOptions(cuda)));
    }

    private OrtSession createGramSession(boolean cuda) throws OrtException {
        if (scorer == null || !"jacobian".equals(manifest.scorer().kind())) {
            return null;
        }
        byte[] graph;
        try (InputStream in = ModelRuntime.class.getResourceAsStream(GRAM_GRAPH)) {
            if (in == null) {
                throw new ModelException("model_missing", "resource " + GRAM_GRAPH + " is missing from the build");
            }
            graph = in.readAllBytes();
        } catch (IOException e) {
            throw new ModelException("model_missing", "cannot read resource " + GRAM_GRAPH, e);
        }
        return env.createSession(graph, keepOpen(sessionOptions(cuda)));
    }

    /**
     * The process's ONNX Runtime environment, with ONE intra-op thread pool shared by the encoder,
     * scorer and Gram sessions when this is the first to create it. Separate per-session pools on a
     * 2-core machine left one pool's threads spinning while the next session ran: the scorer and
     * Gram runs took about twice as long together as apart. When another component created the
     * environment first, sessions get their own pools with spinning off.
     */
    private OrtEnvironment environment() throws OrtException {
        try (OrtEnvironment.ThreadingOptions threading = new OrtEnvironment.ThreadingOptions()) {
            if (config.intraOpThreads() > 0) {
                threading.setGlobalIntraOpNumThreads(config.intraOpThreads());
            }
            OrtEnvironment created = OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING,
                    OrtEnvironment.DEFAULT_NAME, threading);
            sharedThreads = true;
            return created;
        } catch (IllegalStateException alreadyCreated) {
            sharedThreads = false;
            return OrtEnvironment.getEnvironment();
        }
    }

    /**
     * ONNX Runtime's Java API requires session options to stay open while sessions built from them
     * live; they are closed with the sessions in {@link #closeSessions()}.
     */
    private OrtSession.SessionOptions keepOpen(OrtSession.SessionOptions options) {
        openOptions.add(options);
        return options;
    }

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
        String file = manifest.encoder().file();
        checkTensor(file, "input", encoder.getInputInfo(), manifest.encoder().input(),
                new long[] { -1, in.channels(), in.height(), in.width() });
        checkTensor(file, "output", encoder.getOutputInfo(), manifest.encoder().output(),
                new long[] { -1, manifest.embeddingDim() });
        long batchAxis = ((TensorInfo) encoder.getInputInfo().get(manifest.encoder().input()).getInfo()).getShape()[0];
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
        checkTensor(s.file(), "input", scorer.getInputInfo(), s.input(),
                new long[] { -1, in.channels(), in.height(), in.width() });
        checkTensor(s.file(), "output", scorer.getOutputInfo(), s.embedding(), new long[] { -1, k });
        long cols = "gram".equals(s.kind()) ? k : in.size();
        checkTensor(s.file(), "output", scorer.getOutputInfo(), s.output(), new long[] { -1, k, cols });
    }

    /** Fails with expected vs found when a named tensor is absent or its fixed dimensions differ; -1 means any. */
    static void checkTensor(String file, String role, Map<String, NodeInfo> infos, String name, long[] expected) {
        NodeInfo info = infos.get(name);
        if (info == null) {
            throw new ModelException("model_mismatch", file + ": no " + role + " named '" + name
                    + "' (from model.json); the graph has " + infos.keySet());
        }
        if (!(info.getInfo() instanceof TensorInfo tensor)) {
            throw new ModelException("model_mismatch", file + ": " + role + " '" + name + "' is not a tensor");
        }
        long[] found = tensor.getShape();
        boolean ok = found.length == expected.length;
        for (int i = 0; ok && i < found.length; i++) {
            ok = expected[i] < 0 || found[i] < 0 || found[i] == expected[i];
        }
        if (!ok) {
            throw new ModelException("model_mismatch", file + ": " + role + " '" + name + "' has shape "
                    + Arrays.toString(found) + ", the manifest implies " + Arrays.toString(expected)
                    + " (-1: any)");
        }
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
            throw new ModelException("inference_failed", "encoder run failed for a batch of " + batch + ": "
                    + e.getMessage(), e);
        }
    }

    /** Embeddings and Jacobians of {@code batch} images through the scorer graph, in one run. */
    public ScorerOutput score(float[] pixels, int batch) {
        if (scorer == null) {
            throw new ModelException("no_exact_scorer", "model " + manifest.id() + " has no scorer graph; "
                    + "exact JEPA-SCORE needs scorer.onnx in the model package");
        }
        try {
            return scorerRun(pixels, batch);
        } catch (OrtException e) {
            throw new ModelException("inference_failed", "scorer run failed for a batch of " + batch + ": "
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
            return floats(result, s.output());
        } catch (OrtException e) {
            throw new ModelException("inference_failed", "scorer run for one Jacobian failed: " + e.getMessage(), e);
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
            return floats(result, g.output());
        }
    }

    private ScorerOutput scorerRun(float[] pixels, int batch) throws OrtException {
        ModelManifest.Scorer s = manifest.scorer();
        int k = manifest.embeddingDim();
        try (OnnxTensor input = tensor(pixels, batch);
                OrtSession.Result result = scorer.run(Map.of(s.input(), input), Set.of(s.embedding(), s.output()))) {
            float[] embeddings = floats(result, s.embedding());
            if (gram == null) {
                float[] g = floats(result, s.output());
                double[] grams = new double[g.length];
                for (int i = 0; i < g.length; i++) {
                    grams[i] = g[i];
                }
                return new ScorerOutput(batch, k, manifest.input().size(), embeddings, grams);
            }
            OnnxTensor jacobian = (OnnxTensor) result.get(s.output()).orElseThrow(() -> new ModelException(
                    "model_mismatch", "the scorer returned no output '" + s.output() + "'"));
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
        FloatBuffer buffer = ByteBuffer.allocateDirect(pixels.length * Float.BYTES).order(ByteOrder.nativeOrder())
                .asFloatBuffer();
        buffer.put(pixels).rewind();
        return OnnxTensor.createTensor(env, buffer, new long[] { batch, in.channels(), in.height(), in.width() });
    }

    private static float[] floats(OrtSession.Result result, String name) throws OrtException {
        OnnxValue value = result.get(name).orElseThrow(() -> new ModelException("model_mismatch",
                "the graph returned no output '" + name + "'"));
        FloatBuffer buffer = ((OnnxTensor) value).getFloatBuffer();
        float[] out = new float[buffer.remaining()];
        buffer.get(out);
        return out;
    }

    public ModelManifest manifest() {
        return manifest;
    }

    /** The model package directory ({@code <jepa.model.dir>/<jepa.model.id>}), where its files are. */
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

    @PreDestroy
    @Override
    public void close() {
        ready = false;
        closeSessions();
    }

    private void closeSessions() {
        for (OrtSession session : new OrtSession[] { encoder, scorer, gram }) {
            if (session != null) {
                try {
                    session.close();
                } catch (OrtException e) {
                    LOG.warnf("closing an ONNX session failed: %s", e.getMessage());
                }
            }
        }
        encoder = null;
        scorer = null;
        gram = null;
        openOptions.forEach(OrtSession.SessionOptions::close);
        openOptions.clear();
    }
}
