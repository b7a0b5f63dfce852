package dev.jepascore.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class CudaProviderOptionsTest {

    private static ModelConfig config(Optional<Long> limit, ModelConfig.ArenaExtendStrategy arena,
            ModelConfig.ConvAlgoSearch search) {
        ModelConfig base = ModelRuntimeTest.config(Path.of("models"), "fmnist-lejepa", ModelConfig.Provider.CUDA);
        return (ModelConfig) java.lang.reflect.Proxy.newProxyInstance(ModelConfig.class.getClassLoader(),
                new Class<?>[] { ModelConfig.class }, (proxy, method, args) -> switch (method.getName()) {
                    case "cudaMemoryLimit" -> limit;
                    case "cudaArenaExtendStrategy" -> arena;
                    case "cudnnConvAlgoSearch" -> search;
                    default -> method.invoke(base, args);
                });
    }

    @Test
    void defaults_give_onnx_runtime_its_own_defaults_and_no_memory_limit() {
        assertEquals(Map.of("arena_extend_strategy", "kNextPowerOfTwo", "cudnn_conv_algo_search", "EXHAUSTIVE"),
                CudaProviderOptions.entries(config(Optional.empty(), ModelConfig.ArenaExtendStrategy.NEXT_POWER_OF_TWO,
                        ModelConfig.ConvAlgoSearch.EXHAUSTIVE)));
    }

    @Test
    void configured_values_use_onnx_runtime_key_names_and_spellings() {
        Map<String, String> entries = CudaProviderOptions.entries(config(Optional.of(2L << 30),
                ModelConfig.ArenaExtendStrategy.SAME_AS_REQUESTED, ModelConfig.ConvAlgoSearch.HEURISTIC));
        assertEquals("2147483648", entries.get("gpu_mem_limit"));
        assertEquals("kSameAsRequested", entries.get("arena_extend_strategy"));
        assertEquals("HEURISTIC", entries.get("cudnn_conv_algo_search"));
    }

    @Test
    void rejects_a_memory_limit_that_is_not_positive_naming_the_key() {
        ModelException e = assertThrows(ModelException.class, () -> CudaProviderOptions.entries(config(Optional.of(0L),
                ModelConfig.ArenaExtendStrategy.NEXT_POWER_OF_TWO, ModelConfig.ConvAlgoSearch.DEFAULT)));
        assertTrue(e.getMessage().contains("jepa.model.cuda-memory-limit"), e.getMessage());
    }
}
