package dev.jepascore.model;

import dev.jepascore.ErrorCode;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;

/**
 * A graph held in memory run on plain arrays, for tools that build or check graphs (the packager's
 * differentiator and its tests): one float or double input in, named outputs back as shapes and
 * values (integers kept exact as longs). Not for serving: it copies every output.
 */
public final class GraphRunner implements AutoCloseable {

    /**
     * One output: its shape, its element type (ONNX Runtime's name: FLOAT, DOUBLE, INT64, ...), and its values as
     * doubles ({@code reals}, float types) or as longs ({@code ints}, integer and boolean types).
     */
    public record Values(long[] shape, String type, double[] reals, long[] ints) {

        /** Elements in the tensor. */
        public int count() {
            int n = 1;
            for (long d : shape) {
                n *= (int) d;
            }
            return n;
        }
    }

    private final OnnxGraph graph;

    private GraphRunner(OnnxGraph graph) {
        this.graph = graph;
    }

    /**
     * Opens a serialised graph; {@code threads} intra-op threads (0: ONNX Runtime's default), all
     * optimisations on unless {@code basicOnly} (for graphs whose every intermediate is an output).
     */
    public static GraphRunner open(byte[] model, String name, int threads, boolean basicOnly) {
        try {
            OrtSession.SessionOptions options = new OrtSession.SessionOptions();
            options.setOptimizationLevel(basicOnly ? OrtSession.SessionOptions.OptLevel.BASIC_OPT
                    : OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if (threads > 0) {
                options.setIntraOpNumThreads(threads);
            }
            return new GraphRunner(OnnxGraph.open(OrtEnvironment.getEnvironment(), model, name, options));
        } catch (OrtException e) {
            throw new ModelException(ErrorCode.MODEL_LOAD_FAILED, name + ": ONNX Runtime refused the graph: " + e.getMessage(), e);
        }
    }

    /** Runs with {@code input} of {@code shape} as float32 (or float64 when {@code doubles}) and returns {@code outputs}. */
    public Map<String, Values> run(String input, double[] values, long[] shape, boolean doubles,
            Collection<String> outputs) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OnnxTensor tensor = doubles ? OnnxTensor.createTensor(env, DoubleBuffer.wrap(values), shape)
                : OnnxTensor.createTensor(env, FloatBuffer.wrap(toFloats(values)), shape);
                OrtSession.Result result = graph.run(Map.of(input, tensor), new LinkedHashSet<>(outputs))) {
            Map<String, Values> out = new LinkedHashMap<>();
            for (Map.Entry<String, OnnxValue> e : result) {
                if (!(e.getValue() instanceof OnnxTensor t)) {
                    throw new ModelException(ErrorCode.MODEL_MISMATCH, graph.name() + ": output " + e.getKey()
                            + " is not a tensor");
                }
                out.put(e.getKey(), values(t));
            }
            return out;
        } catch (OrtException e) {
            throw new ModelException(ErrorCode.INFERENCE_FAILED, graph.name() + ": run failed: " + e.getMessage(), e);
        }
    }

    private static Values values(OnnxTensor t) {
        TensorInfo info = t.getInfo();
        long[] shape = info.getShape();
        OnnxJavaType type = info.type;
        switch (type) {
            case FLOAT -> {
                FloatBuffer b = t.getFloatBuffer();
                double[] v = new double[b.remaining()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = b.get(i);
                }
                return new Values(shape, type.name(), v, null);
            }
            case DOUBLE -> {
                DoubleBuffer b = t.getDoubleBuffer();
                double[] v = new double[b.remaining()];
                b.get(v);
                return new Values(shape, type.name(), v, null);
            }
            case INT64 -> {
                var b = t.getLongBuffer();
                long[] v = new long[b.remaining()];
                b.get(v);
                return new Values(shape, type.name(), null, v);
            }
            case INT32 -> {
                var b = t.getIntBuffer();
                long[] v = new long[b.remaining()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = b.get(i);
                }
                return new Values(shape, type.name(), null, v);
            }
            case BOOL, UINT8, INT8 -> {
                var b = t.getByteBuffer();
                long[] v = new long[b.remaining()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = b.get(i);
                }
                return new Values(shape, type.name(), null, v);
            }
            default -> {
                return new Values(shape, type.name(), null, null);
            }
        }
    }

    private static float[] toFloats(double[] values) {
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        return f;
    }

    @Override
    public void close() {
        graph.close();
    }
}
