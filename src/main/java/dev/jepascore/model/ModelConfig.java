package dev.jepascore.model;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Which model package to load and how to run it. */
@ConfigMapping(prefix = "jepa.model")
public interface ModelConfig {

    /** Directory holding model packages, one sub-directory per model id. */
    @WithDefault("models")
    String dir();

    /** The model package to load: {@code <dir>/<id>/model.json}. */
    @WithDefault("fmnist-lejepa")
    String id();

    /**
     * Execution provider: {@code cpu}; {@code cuda} (fail at start-up if the CUDA runtime or the GPU
     * build of ONNX Runtime is missing); {@code auto} (CUDA when available, else CPU, said in the log).
     */
    @WithDefault("auto")
    Provider provider();

    /** CUDA device ordinal used when the provider is CUDA. */
    @WithDefault("0")
    int cudaDevice();

    /** Threads ONNX Runtime may use inside one operator; 0 lets it use every core. */
    @WithDefault("0")
    int intraOpThreads();

    /** Inference runs made at start-up before the function reports ready. */
    @WithDefault("2")
    int warmupRuns();

    /** Images per ONNX run; larger requests are split into runs of this size. */
    @WithDefault("32")
    int maxRunBatch();

    /** Execution providers this function knows how to choose between. */
    enum Provider {
        CPU, CUDA, AUTO
    }
}
