package dev.jepascore.packaging.autodiff;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import dev.jepascore.model.GraphRunner;
import dev.jepascore.model.ModelException;
import dev.jepascore.packaging.autodiff.OnnxModel.Node;
import dev.jepascore.packaging.autodiff.OnnxModel.ValueInfo;

/**
 * Every tensor of the encoder graph, measured by running it for the fixed input size at batch 1 and
 * batch 2 with every intermediate exposed: its shape and element type, whether it follows the batch
 * (first axis 1 then 2, the rest equal) and, for the small integer tensors of shape computations, its
 * values. The differentiator reads per-image shapes and the shape-only subgraphs' results (Reshape
 * targets, Slice bounds, Gather indices) from here, so those subgraphs are folded for this input size.
 */
final class GraphProbe {

    /** One tensor at batch 1 and batch 2. */
    record Probed(GraphRunner.Values one, GraphRunner.Values two) {

        /** The axis that is 1 at batch 1 and 2 at batch 2, the others equal; -1 when there is none. */
        int batchAxis() {
            long[] a = one.shape();
            long[] b = two.shape();
            if (a.length != b.length) {
                return -1;
            }
            int axis = -1;
            for (int i = 0; i < a.length; i++) {
                if (a[i] != b[i]) {
                    if (axis >= 0 || a[i] != 1 || b[i] != 2) {
                        return -1;
                    }
                    axis = i;
                }
            }
            return axis;
        }

        boolean followsBatch() {
            return batchAxis() >= 0;
        }

        /**
         * The batch folded into another axis: one axis twice as long at batch 2, the rest equal (torch's
         * nn.MultiheadAttention views {@code [T, N, dim]} as {@code [T, N * heads, head_dim]}). Such a tensor is
         * differentiated one image at a time ({@link Differentiator}), where its per-image shape is its whole shape.
         */
        boolean folded() {
            long[] a = one.shape();
            long[] b = two.shape();
            if (a.length != b.length || batchAxis() >= 0) {
                return false;
            }
            int differing = 0;
            for (int i = 0; i < a.length; i++) {
                if (a[i] != b[i]) {
                    if (b[i] != 2 * a[i]) {
                        return false;
                    }
                    differing++;
                }
            }
            return differing == 1;
        }

        boolean batchIndependent() {
            return Arrays.equals(one.shape(), two.shape())
                    && (one.ints() == null || Arrays.equals(one.ints(), two.ints()));
        }

        /** Shape without the batch axis; the whole shape at batch 1 when the batch is folded into another axis. */
        long[] perImage() {
            int axis = batchAxis();
            long[] a = one.shape();
            if (axis < 0) {
                return a.clone();
            }
            long[] r = new long[a.length - 1];
            for (int i = 0, j = 0; i < a.length; i++) {
                if (i != axis) {
                    r[j++] = a[i];
                }
            }
            return r;
        }
    }

    private final Map<String, Probed> tensors = new HashMap<>();

    private GraphProbe() {
    }

    /** Runs {@code model} (input {@code input} of per-image shape {@code chw}) at batch 1 and 2. */
    static GraphProbe run(OnnxModel model, String input, long[] chw, boolean doubles) {
        OnnxModel probe = new OnnxModel();
        probe.irVersion = model.irVersion;
        probe.opsets.putAll(model.opsets);
        probe.nodes.addAll(model.nodes);
        probe.initializers.addAll(model.initializers);
        probe.inputs.addAll(model.inputs);
        List<String> names = new ArrayList<>();
        for (Node n : model.nodes) {
            for (String o : n.outputs()) {
                if (!o.isEmpty()) {
                    names.add(o);
                    probe.outputs.add(new ValueInfo(o, 0, null, null));
                }
            }
        }
        for (ValueInfo v : model.inputs) {
            names.add(v.name());
        }
        byte[] bytes = OnnxWire.write(probe);
        GraphProbe result = new GraphProbe();
        int d = 1;
        for (long c : chw) {
            d *= (int) c;
        }
        List<String> produced = names.stream().filter(n -> !n.equals(input)).toList();
        try (GraphRunner runner = GraphRunner.open(bytes, "encoder (every tensor exposed)", 0, true)) {
            Random random = new Random(7);
            double[] x2 = new double[2 * d];
            for (int i = 0; i < x2.length; i++) {
                x2[i] = random.nextGaussian();
            }
            double[] x1 = Arrays.copyOf(x2, d);
            Map<String, GraphRunner.Values> one = runner.run(input, x1, shape(1, chw), doubles, produced);
            Map<String, GraphRunner.Values> two = runner.run(input, x2, shape(2, chw), doubles, produced);
            for (String n : produced) {
                result.tensors.put(n, new Probed(one.get(n), two.get(n)));
            }
            result.tensors.put(input, new Probed(
                    new GraphRunner.Values(shape(1, chw), doubles ? "DOUBLE" : "FLOAT", x1, null),
                    new GraphRunner.Values(shape(2, chw), doubles ? "DOUBLE" : "FLOAT", x2, null)));
        } catch (ModelException e) {
            throw new UnsupportedGraphException("the encoder does not run at batch 1 and 2 for input " + Arrays.toString(chw)
                    + " with every tensor exposed: " + e.getMessage(), e);
        }
        for (OnnxModel.Tensor t : model.initializers) {
            GraphRunner.Values v = new GraphRunner.Values(t.dims(), typeName(t.dataType()),
                    isReal(t.dataType()) ? t.doubles() : null, isReal(t.dataType()) ? null : t.longs());
            result.tensors.put(t.name(), new Probed(v, v));
        }
        return result;
    }

    private static boolean isReal(int type) {
        return type == OnnxModel.FLOAT || type == OnnxModel.DOUBLE || type == OnnxModel.FLOAT16;
    }

    private static String typeName(int type) {
        return switch (type) {
            case OnnxModel.FLOAT -> "FLOAT";
            case OnnxModel.DOUBLE -> "DOUBLE";
            case OnnxModel.INT64 -> "INT64";
            case OnnxModel.INT32 -> "INT32";
            default -> "OTHER" + type;
        };
    }

    private static long[] shape(int batch, long[] chw) {
        long[] s = new long[chw.length + 1];
        s[0] = batch;
        System.arraycopy(chw, 0, s, 1, chw.length);
        return s;
    }

    Probed get(String name) {
        Probed p = tensors.get(name);
        if (p == null) {
            throw new UnsupportedGraphException("tensor '" + name + "' was not measured (not produced by any node)");
        }
        return p;
    }

    boolean has(String name) {
        return tensors.containsKey(name);
    }
}
