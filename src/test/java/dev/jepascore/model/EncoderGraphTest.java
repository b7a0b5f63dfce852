package dev.jepascore.model;

import dev.jepascore.ErrorCode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A user's encoder.onnx opened on its own: what package-model reads from the graph. */
class EncoderGraphTest {

    @TempDir
    Path tmp;

    @Test
    void reads_names_and_shapes_of_the_bundled_encoder() {
        try (EncoderGraph g = EncoderGraph.open(Path.of("models", "fmnist-lejepa", "encoder.onnx"))) {
            assertEquals("pixels", g.inputName());
            assertEquals("embedding", g.outputName());
            assertArrayEquals(new long[] { -1, 1, 28, 28 }, g.inputShape());
            assertEquals(64, g.outputShape()[1]);
            assertEquals(0, g.fixedBatch());
            assertEquals(3 * 64, g.embed(new float[3 * 784], 3, 1, 28, 28).length);
        }
    }

    @Test
    void a_file_that_is_not_onnx_fails_with_onnx_runtimes_error_code() throws IOException {
        Path bad = Files.writeString(tmp.resolve("encoder.onnx"), "not a protobuf");
        ModelException e = assertThrows(ModelException.class, () -> EncoderGraph.open(bad));
        assertEquals(ErrorCode.MODEL_LOAD_FAILED, e.code());
        assertTrue(e.getMessage().contains(bad.toString()), e.getMessage());
        assertTrue(e.ortErrorCode().startsWith("ORT_") && !e.ortErrorCode().equals("ORT_OK"), e.ortErrorCode());
    }

    @Test
    void nan_output_is_returned_for_the_image_that_causes_it_only() {
        try (EncoderGraph g = EncoderGraph.open(Path.of("src/test/resources/onnx/bad/nan-output.onnx"))) {
            float[] pixels = new float[2 * 64];
            pixels[64] = 2f; // second image: first pixel above 1 -> sqrt of a negative number
            float[] out = g.embed(pixels, 2, 1, 8, 8);
            for (int i = 0; i < 4; i++) {
                assertTrue(Float.isFinite(out[i]), "first image");
                assertTrue(Float.isNaN(out[4 + i]), "second image");
            }
        }
    }
}
