package dev.jepascore.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The bundled ViT's encoder.onnx under ONNX Runtime equals the PyTorch module it was exported from
 * (models/vit/export.py wrote the torch float32 embeddings of two fixed input tensors into
 * export_check.json): max |ort - torch| / max |torch| <= 1e-4 per image.
 */
class PhotoVitExportTest {

    private static final Path MODEL = Path.of("models", "photo-vit");

    @Test
    void onnx_runtime_reproduces_the_torch_embeddings() throws IOException {
        JsonNode check = new ObjectMapper().readTree(MODEL.resolve("export_check.json").toFile());
        int size = check.path("config").path("size").asInt();
        int d = 3 * size * size;
        float[] pixels = new float[2 * d];
        for (int i = 0; i < d; i++) {
            pixels[i] = (float) Math.sin(0.01 * i);
            pixels[d + i] = (float) Math.cos(0.013 * i);
        }
        try (EncoderGraph g = EncoderGraph.open(MODEL.resolve("encoder.onnx"))) {
            float[] out = g.embed(pixels, 2, 3, size, size);
            JsonNode torch = check.get("torchEmbeddings");
            int k = torch.get(0).size();
            for (int n = 0; n < 2; n++) {
                double maxDiff = 0;
                double maxRef = 0;
                for (int j = 0; j < k; j++) {
                    double ref = torch.get(n).get(j).asDouble();
                    maxDiff = Math.max(maxDiff, Math.abs(out[n * k + j] - ref));
                    maxRef = Math.max(maxRef, Math.abs(ref));
                }
                assertTrue(maxDiff / maxRef <= 1e-4, "image " + n + ": relative difference " + maxDiff / maxRef);
            }
        }
    }
}
