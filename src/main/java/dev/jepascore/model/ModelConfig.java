package dev.jepascore.model;

import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Which model packages to serve and how to run them. */
@ConfigMapping(prefix = "jepa.model")
public interface ModelConfig {

    /**
     * Directory holding model packages, one sub-directory each ({@code <dir>/<name>/model.json}). Every package
     * in it is served unless {@code jepa.model.packages} names some.
     */
    @WithDefault("models")
    String dir();

    /**
     * The sub-directories of {@code dir} to serve, in this order; unset: every sub-directory holding a
     * {@code model.json}, in name order. Each package is served under the id its manifest gives.
     */
    Optional<List<String>> packages();

    /**
     * The default model: what a request that names no {@code model} gets, and storage events of buckets without a
     * {@code jepa.storage.bucket-models} entry. Unset: the first served package (the first of {@code packages}, else
     * the first in name order). Start-up fails when no served package has this id.
     */
    Optional<String> id();

    /**
     * Execution provider: {@code cpu}; {@code cuda} (fail at start-up if the CUDA runtime or the GPU
     * build of ONNX Runtime is missing); {@code auto} (CUDA when available, else CPU, said in the log).
     */
    @WithDefault("auto")
    Provider provider();

    /** CUDA device ordinal used when the provider is CUDA. */
    @WithDefault("0")
    int cudaDevice();

    /**
     * Most GPU memory, in bytes, the CUDA provider's arena may hold (ONNX Runtime's {@code gpu_mem_limit}); unset:
     * no limit beyond the device's. Set it when several processes share one GPU.
     */
    Optional<Long> cudaMemoryLimit();

    /** How the CUDA arena grows when it runs out (ONNX Runtime's {@code arena_extend_strategy}). */
    @WithDefault("next-power-of-two")
    ArenaExtendStrategy cudaArenaExtendStrategy();

    /**
     * How cuDNN picks convolution algorithms (ONNX Runtime's {@code cudnn_conv_algo_search}): {@code exhaustive}
     * times every algorithm on the first run of each shape (slowest first run, fastest after), {@code heuristic}
     * asks cuDNN's heuristics, {@code default} takes cuDNN's default algorithm.
     */
    @WithDefault("exhaustive")
    ConvAlgoSearch cudnnConvAlgoSearch();

    /**
     * Directory holding ONNX Runtime's shared libraries ({@code libonnxruntime.so}, {@code libonnxruntime4j_jni.so}),
     * loaded from there instead of being unpacked from the jar on every start. Unset: {@code onnxruntime/} beside
     * {@code quarkus-run.jar} when the build put them there, else ONNX Runtime unpacks them itself.
     */
    Optional<String> nativePath();

    /** Threads ONNX Runtime may use inside one operator; 0 lets it use every core. */
    @WithDefault("0")
    int intraOpThreads();

    /** Inference runs made at start-up before the function reports ready. */
    @WithDefault("2")
    int warmupRuns();

    /** Images per ONNX run; larger requests are split into runs of this size. */
    @WithDefault("32")
    int maxRunBatch();

    /**
     * Settings for opening one package outside the container (benchmarks, {@code package-model}):
     * CPU or CUDA as available, one shared thread pool, one warm-up run.
     */
    static ModelConfig forPackage(java.nio.file.Path packageDir, int maxRunBatch) {
        java.nio.file.Path abs = packageDir.toAbsolutePath().normalize();
        return outsideContainer(abs.getParent().toString(), abs.getFileName().toString(), Provider.AUTO, 1,
                maxRunBatch);
    }

    /**
     * Settings for opening package {@code id} under {@code dir} outside the container (tools, benchmarks,
     * tests): the keys' documented defaults for CUDA options, native path and threads, with the given
     * provider, warm-up runs and run batch.
     */
    static ModelConfig outsideContainer(String dir, String id, Provider provider, int warmupRuns, int maxRunBatch) {
        return new ModelConfig() {
            public String dir() {
                return dir;
            }

            public Optional<List<String>> packages() {
                return Optional.of(List.of(id));
            }

            public Optional<String> id() {
                return Optional.of(id);
            }

            public Provider provider() {
                return provider;
            }

            public int cudaDevice() {
                return 0;
            }

            public Optional<Long> cudaMemoryLimit() {
                return Optional.empty();
            }

            public ArenaExtendStrategy cudaArenaExtendStrategy() {
                return ArenaExtendStrategy.NEXT_POWER_OF_TWO;
            }

            public ConvAlgoSearch cudnnConvAlgoSearch() {
                return ConvAlgoSearch.EXHAUSTIVE;
            }

            public Optional<String> nativePath() {
                return Optional.empty();
            }

            public int intraOpThreads() {
                return 0;
            }

            public int warmupRuns() {
                return warmupRuns;
            }

            public int maxRunBatch() {
                return maxRunBatch;
            }
        };
    }

    /** Execution providers this function knows how to choose between. */
    enum Provider {
        CPU, CUDA, AUTO
    }

    /** Values of ONNX Runtime's {@code arena_extend_strategy}. */
    enum ArenaExtendStrategy {
        /** {@code kNextPowerOfTwo}: ONNX Runtime's default; fewer, larger allocations. */
        NEXT_POWER_OF_TWO("kNextPowerOfTwo"),
        /** {@code kSameAsRequested}: grow by what is asked; tighter memory, more allocations. */
        SAME_AS_REQUESTED("kSameAsRequested");

        private final String ortValue;

        ArenaExtendStrategy(String ortValue) {
            this.ortValue = ortValue;
        }

        public String ortValue() {
            return ortValue;
        }
    }

    /** Values of ONNX Runtime's {@code cudnn_conv_algo_search}. */
    enum ConvAlgoSearch {
        EXHAUSTIVE, HEURISTIC, DEFAULT
    }
}
