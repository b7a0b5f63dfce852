package dev.jepascore.model;

import dev.jepascore.ErrorCode;

import java.util.LinkedHashMap;
import java.util.Map;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.providers.OrtCUDAProviderOptions;

/**
 * The CUDA execution provider's options from {@link ModelConfig}, under ONNX Runtime's own key names
 * (onnxruntime/core/providers/cuda/cuda_provider_options.h).
 */
final class CudaProviderOptions {

    static final String MEMORY_LIMIT = "gpu_mem_limit";
    static final String ARENA_EXTEND_STRATEGY = "arena_extend_strategy";
    static final String CONV_ALGO_SEARCH = "cudnn_conv_algo_search";

    private CudaProviderOptions() {
    }

    /** The option entries for the config, in a fixed order (the device goes to the constructor). */
    static Map<String, String> entries(ModelConfig config) {
        Map<String, String> entries = new LinkedHashMap<>();
        config.cudaMemoryLimit().ifPresent(limit -> {
            if (limit <= 0) {
                throw new ModelException(ErrorCode.MODEL_CONFIG, "jepa.model.cuda-memory-limit must be a positive number of "
                        + "bytes, found " + limit);
            }
            entries.put(MEMORY_LIMIT, Long.toString(limit));
        });
        entries.put(ARENA_EXTEND_STRATEGY, config.cudaArenaExtendStrategy().ortValue());
        entries.put(CONV_ALGO_SEARCH, config.cudnnConvAlgoSearch().name());
        return entries;
    }

    /** Native options for {@code SessionOptions.addCUDA}; the caller closes them after the sessions are created. */
    static OrtCUDAProviderOptions create(ModelConfig config) throws OrtException {
        if (config.cudaDevice() < 0) {
            throw new ModelException(ErrorCode.MODEL_CONFIG, "jepa.model.cuda-device must be a device ordinal (0, 1, ...), "
                    + "found " + config.cudaDevice());
        }
        Map<String, String> entries = entries(config);
        OrtCUDAProviderOptions options = new OrtCUDAProviderOptions(config.cudaDevice());
        try {
            for (Map.Entry<String, String> e : entries.entrySet()) {
                options.add(e.getKey(), e.getValue());
            }
            return options;
        } catch (OrtException | RuntimeException e) {
            options.close();
            throw e;
        }
    }
}
