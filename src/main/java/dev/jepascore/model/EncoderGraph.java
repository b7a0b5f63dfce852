package dev.jepascore.model;

import dev.jepascore.ErrorCode;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;

/**
 * A user's {@code encoder.onnx} opened on its own, before any manifest exists: what the graph
 * declares (one float image input {@code [N,C,H,W]}, an embedding output {@code [N,K]}) and its
 * forward pass. {@code package-model} reads tensor names, C, H, W and K from here; axes the graph
 * leaves dynamic are -1 until given. An {@link OnnxGraph}, so the session options stay open as long as the session.
 */
public final class EncoderGraph implements AutoCloseable {

    private final Path file;
    private final OnnxGraph graph;
    private final String input;
    private final String output;
    private final long[] inputShape;
    private final long[] outputShape;

    private EncoderGraph(Path file, OnnxGraph graph, String input, String output, long[] inputShape,
            long[] outputShape) {
        this.file = file;
        this.graph = graph;
        this.input = input;
        this.output = output;
        this.inputShape = inputShape;
        this.outputShape = outputShape;
    }

    /**
     * Opens {@code file} and checks it is an image encoder: exactly one input, a float tensor of
     * rank 4, and a float output of rank 2 (the first such output when there are several).
     */
    public static EncoderGraph open(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ModelException(ErrorCode.MODEL_MISSING, "encoder file not found: " + file.toAbsolutePath());
        }
        OnnxGraph graph = null;
        try {
            OrtSession.SessionOptions options = new OrtSession.SessionOptions();
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            graph = OnnxGraph.open(OrtEnvironment.getEnvironment(), file, options);
            Map<String, NodeInfo> inputs = graph.inputs();
            if (inputs.size() != 1) {
                throw new ModelException(ErrorCode.MODEL_MISMATCH, file + ": the encoder must take exactly one input (the "
                        + "image tensor [N,C,H,W]); it takes " + inputs.size() + ": " + describe(inputs));
            }
            NodeInfo in = inputs.values().iterator().next();
            if (!(in.getInfo() instanceof TensorInfo t) || t.type != OnnxJavaType.FLOAT || t.getShape().length != 4) {
                throw new ModelException(ErrorCode.MODEL_MISMATCH, file + ": input '" + in.getName() + "' is "
                        + in.getInfo() + "; an image encoder takes a float tensor [N,C,H,W]");
            }
            NodeInfo out = null;
            for (NodeInfo o : graph.outputs().values()) {
                if (o.getInfo() instanceof TensorInfo ot && ot.type == OnnxJavaType.FLOAT && ot.getShape().length == 2) {
                    out = o;
                    break;
                }
            }
            if (out == null) {
                throw new ModelException(ErrorCode.MODEL_MISMATCH, file + ": no output is a float tensor [N,K]; the outputs are "
                        + describe(graph.outputs()));
            }
            return new EncoderGraph(file, graph, in.getName(), out.getName(), t.getShape(),
                    ((TensorInfo) out.getInfo()).getShape());
        } catch (OrtException e) {
            closeQuietly(graph);
            throw new ModelException(ErrorCode.MODEL_LOAD_FAILED, "ONNX Runtime could not load " + file + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(graph);
            throw e;
        }
    }

    private static String describe(Map<String, NodeInfo> infos) {
        List<String> parts = new ArrayList<>();
        for (NodeInfo n : infos.values()) {
            parts.add(n.getName() + " " + (n.getInfo() instanceof TensorInfo t
                    ? t.type + Arrays.toString(t.getShape()) : n.getInfo().toString()));
        }
        return parts.toString();
    }

    public Path file() {
        return file;
    }

    public String inputName() {
        return input;
    }

    public String outputName() {
        return output;
    }

    /** Declared input shape {@code [N,C,H,W]}; -1 where the graph leaves an axis dynamic. */
    public long[] inputShape() {
        return inputShape.clone();
    }

    /** Declared output shape {@code [N,K]}; -1 where dynamic. */
    public long[] outputShape() {
        return outputShape.clone();
    }

    /** The graph's fixed batch size, or 0 when the batch axis is dynamic. */
    public int fixedBatch() {
        return inputShape[0] > 0 ? (int) inputShape[0] : 0;
    }

    /**
     * Embeddings {@code [batch * K]} of {@code batch} images of {@code c x h x w} floats laid out in
     * {@code pixels}; run image by image when the graph's batch axis is fixed at 1.
     */
    public float[] embed(float[] pixels, int batch, int c, int h, int w) {
        int size = c * h * w;
        if (pixels.length != batch * size) {
            throw new IllegalArgumentException("pixels hold " + pixels.length + " values, expected " + batch + " x " + size);
        }
        if (fixedBatch() == 1 && batch > 1) {
            float[][] parts = new float[batch][];
            int total = 0;
            for (int i = 0; i < batch; i++) {
                parts[i] = embed(Arrays.copyOfRange(pixels, i * size, (i + 1) * size), 1, c, h, w);
                total += parts[i].length;
            }
            float[] out = new float[total];
            for (int i = 0, at = 0; i < batch; at += parts[i].length, i++) {
                System.arraycopy(parts[i], 0, out, at, parts[i].length);
            }
            return out;
        }
        try (OnnxTensor tensor = graph.tensor(pixels, new long[] { batch, c, h, w });
                OrtSession.Result result = graph.run(Map.of(input, tensor), Set.of(output))) {
            OnnxValue value = result.get(output).orElseThrow();
            long[] shape = ((TensorInfo) value.getInfo()).getShape();
            if (shape.length != 2 || shape[0] != batch) {
                throw new ModelException(ErrorCode.MODEL_MISMATCH, file + ": output '" + output + "' has shape "
                        + Arrays.toString(shape) + " for a batch of " + batch + "; expected [" + batch + ",K]");
            }
            FloatBuffer fb = ((OnnxTensor) value).getFloatBuffer();
            float[] out = new float[fb.remaining()];
            fb.get(out);
            return out;
        } catch (OrtException e) {
            throw new ModelException(ErrorCode.INFERENCE_FAILED, file + ": encoder run on a batch of " + batch + " images of "
                    + c + "x" + h + "x" + w + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        graph.close();
    }

    private static void closeQuietly(OnnxGraph graph) {
        if (graph != null) {
            graph.close();
        }
    }
}
