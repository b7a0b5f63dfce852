package dev.jepascore.packaging.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

import dev.jepascore.model.GraphRunner;
import dev.jepascore.packaging.autodiff.OnnxModel.Attr;
import dev.jepascore.packaging.autodiff.OnnxModel.Node;
import dev.jepascore.packaging.autodiff.OnnxModel.Tensor;
import dev.jepascore.packaging.autodiff.OnnxModel.ValueInfo;

/**
 * Every differentiation rule against central differences through the same small graph, run by
 * ONNX Runtime: in float64 (step 1e-6, tolerance 1e-6 of the Jacobian's largest entry) where ONNX
 * Runtime's CPU kernels take doubles for every op of the forward and the backward graph, else in
 * float32 (step 1e-2, tolerance 2e-3). Each graph ends in Flatten, so its output is [N, K].
 */
class OpRulesTest {

    /** A one-input graph under construction, of element type {@code type}. */
    static final class G {
        final OnnxModel m = new OnnxModel();
        final int type;
        final long[] chw;
        final Random random = new Random(42);
        int counter;

        G(int type, long opset, long... chw) {
            this.type = type;
            this.chw = chw;
            m.irVersion = 9;
            m.opsets.put("", opset);
            String[] params = new String[chw.length + 1];
            params[0] = "N";
            m.inputs.add(new ValueInfo("x", type, Differentiator.concat(new long[] { -1 }, chw), params));
        }

        /** An initializer of the element type; random normal values when none are given. */
        String init(long[] dims, double... values) {
            long count = Arrays.stream(dims).reduce(1, (a, b) -> a * b);
            double[] v = values.length > 0 ? values : random.doubles(count).map(u -> random.nextGaussian()).toArray();
            String name = "w" + counter++;
            m.initializers.add(Tensor.ofDoubles(name, type, dims, v));
            return name;
        }

        String ints(long... values) {
            String name = "i" + counter++;
            m.initializers.add(Tensor.ofLongs(name, new long[] { values.length }, values));
            return name;
        }

        String scalarInt(long value) {
            String name = "i" + counter++;
            m.initializers.add(Tensor.ofLongs(name, new long[0], new long[] { value }));
            return name;
        }

        String node(String op, List<String> in, Attr... attrs) {
            return nodes(op, in, 1, attrs).get(0);
        }

        List<String> nodes(String op, List<String> in, int outputs, Attr... attrs) {
            List<String> outs = new ArrayList<>();
            for (int i = 0; i < outputs; i++) {
                outs.add("t" + counter++);
            }
            m.nodes.add(new Node("n" + counter, op, "", in, outs, List.of(attrs)));
            return outs;
        }

        byte[] finish(String out) {
            String y = node("Flatten", List.of(out), Attr.of("axis", 1L));
            m.outputs.add(new ValueInfo(y, type, null, null));
            m.nodes.set(m.nodes.size() - 1, renameOutput(m.nodes.get(m.nodes.size() - 1), "y"));
            m.outputs.set(0, new ValueInfo("y", type, null, null));
            return OnnxWire.write(m);
        }

        private static Node renameOutput(Node n, String name) {
            return new Node(n.name(), n.opType(), n.domain(), n.inputs(), List.of(name), n.attrs());
        }
    }

    /** Builds the graph in float64, or in float32 when ONNX Runtime has no double kernel for one of its ops. */
    private static double check(Function<Integer, G> build) {
        try {
            return check(build.apply(OnnxModel.DOUBLE), 1e-6, 1e-6);
        } catch (RuntimeException e) {
            if (!String.valueOf(e.getMessage()).contains("implementation")) {
                throw e;
            }
            return check(build.apply(OnnxModel.FLOAT), 1e-2, 2e-3);
        }
    }

    private static double check(G g, double step, double tolerance) {
        // the output tensor is the last node's
        String out = g.m.nodes.get(g.m.nodes.size() - 1).outputs().get(0);
        byte[] model = g.finish(out);
        Differentiator.Scorer scorer = Differentiator.differentiate(model, "x", "y", g.chw);
        boolean doubles = g.type == OnnxModel.DOUBLE;
        int d = scorer.inputSize();
        int k = scorer.embeddingDim();
        int n = 2;
        Random random = new Random(3);
        double[] x = random.doubles(n * d).map(u -> random.nextGaussian()).toArray();
        long[] shape = Differentiator.concat(new long[] { n }, g.chw);
        double worst = 0;
        try (GraphRunner s = GraphRunner.open(scorer.graph(), "scorer", 1, false);
                GraphRunner e = GraphRunner.open(model, "encoder", 1, false)) {
            var result = s.run("x", x, shape, doubles, List.of(Differentiator.JACOBIAN, Differentiator.EMBEDDING));
            double[] jac = result.get(Differentiator.JACOBIAN).reals();
            assertEquals(n * k * d, jac.length);
            for (int i = 0; i < n; i++) {
                double[] image = Arrays.copyOfRange(x, i * d, (i + 1) * d);
                double[] fd = CentralDifferences.jacobian(e, "x", "y", g.chw, image, step, doubles);
                double err = CentralDifferences.relativeError(Arrays.copyOfRange(jac, i * k * d, (i + 1) * k * d), fd);
                worst = Math.max(worst, err);
            }
        }
        System.out.printf("%s %s: max relative error %.2e (ops %s)%n", doubles ? "float64" : "float32",
                String.join(",", scorer.ops()), worst, scorer.ops());
        assertTrue(worst < tolerance, "relative error " + worst + " >= " + tolerance);
        return worst;
    }

    @Test
    void gemm_with_transposed_weight_and_bias() {
        check(t -> {
            G g = new G(t, 13, 6);
            g.node("Gemm", List.of("x", g.init(new long[] { 5, 6 }), g.init(new long[] { 5 })), Attr.of("transB", 1L),
                    Attr.of("alpha", 0.5f));
            return g;
        });
    }

    @Test
    void matmul_by_a_weight_over_tokens() {
        check(t -> {
            G g = new G(t, 13, 3, 4);
            g.node("MatMul", List.of("x", g.init(new long[] { 4, 5 })));
            return g;
        });
    }

    @Test
    void matmul_of_two_image_dependent_tensors_as_in_attention() {
        check(t -> {
            G g = new G(t, 13, 2, 3, 4);
            String q = g.node("MatMul", List.of("x", g.init(new long[] { 4, 4 })));
            String kt = g.node("Transpose", List.of(g.node("MatMul", List.of("x", g.init(new long[] { 4, 4 })))),
                    Attr.of("perm", 0L, 1L, 3L, 2L));
            String att = g.node("Softmax", List.of(g.node("MatMul", List.of(q, kt))), Attr.of("axis", -1L));
            g.node("MatMul", List.of(att, "x"));
            return g;
        });
    }

    @Test
    void elementwise_ops_with_broadcasting_between_image_dependent_tensors() {
        check(t -> {
            G g = new G(t, 13, 3, 4);
            String mean = g.node("ReduceMean", List.of("x"), Attr.of("axes", new long[] { 2 }), Attr.of("keepdims", 1L));
            String a = g.node("Sub", List.of("x", mean));
            String b = g.node("Mul", List.of(a, g.node("Add", List.of(mean, g.init(new long[] { 4 })))));
            String c = g.node("Div", List.of(b, g.node("Add", List.of(g.node("Mul", List.of(mean, mean)),
                    g.init(new long[] { 1 }, 2.0)))));
            g.node("Neg", List.of(g.node("Sum", List.of(c, a, g.init(new long[] { 1, 4 })))));
            return g;
        });
    }

    @Test
    void activations_relu_leaky_sigmoid_tanh_erf() {
        check(t -> {
            G g = new G(t, 13, 12);
            String h = g.node("Gemm", List.of("x", g.init(new long[] { 12, 12 })));
            String r = g.node("Relu", List.of(h));
            String l = g.node("LeakyRelu", List.of(h), Attr.of("alpha", 0.1f));
            String s = g.node("Sigmoid", List.of(h));
            String th = g.node("Tanh", List.of(h));
            String e = g.node("Erf", List.of(h));
            g.node("Sum", List.of(r, l, s, th, e));
            return g;
        });
    }

    @Test
    void exp_log_sqrt_reciprocal_pow_abs_clip() {
        check(t -> {
            G g = new G(t, 13, 8);
            String sq = g.node("Pow", List.of("x", g.init(new long[0], 2.0)));
            String pos = g.node("Add", List.of(sq, g.init(new long[0], 1.0)));
            String a = g.node("Log", List.of(pos));
            String b = g.node("Sqrt", List.of(pos));
            String c = g.node("Reciprocal", List.of(pos));
            String d = g.node("Exp", List.of(g.node("Mul", List.of("x", g.init(new long[0], 0.3)))));
            String e = g.node("Abs", List.of(g.node("Pow", List.of("x", g.init(new long[0], 3.0)))));
            String f = g.node("Clip", List.of("x", g.init(new long[0], -0.5), g.init(new long[0], 0.7)));
            g.node("Sum", List.of(a, b, c, d, e, f));
            return g;
        });
    }

    @Test
    void gelu_exact_and_tanh_approximation() {
        check(t -> {
            G g = new G(t, 20, 10);
            String a = g.node("Gelu", List.of("x"));
            String b = g.node("Gelu", List.of("x"), Attr.of("approximate", "tanh"));
            g.node("Add", List.of(a, b));
            return g;
        });
    }

    @Test
    void softmax_and_log_softmax_along_the_last_axis() {
        check(t -> {
            G g = new G(t, 13, 3, 5);
            String a = g.node("Softmax", List.of("x"), Attr.of("axis", -1L));
            String b = g.node("LogSoftmax", List.of("x"), Attr.of("axis", 1L));
            g.node("Add", List.of(a, b));
            return g;
        });
    }

    @Test
    void layer_normalization_with_scale_and_bias() {
        check(t -> {
            G g = new G(t, 17, 3, 6);
            g.node("LayerNormalization", List.of("x", g.init(new long[] { 6 }), g.init(new long[] { 6 })),
                    Attr.of("axis", -1L), Attr.of("epsilon", 1e-5f));
            return g;
        });
    }

    @Test
    void reduce_mean_and_sum_with_axes_as_attribute_and_as_input() {
        check(t -> {
            G g = new G(t, 13, 3, 4);
            String a = g.node("ReduceMean", List.of("x"), Attr.of("axes", new long[] { 1 }), Attr.of("keepdims", 0L));
            String b = g.node("ReduceSum", List.of("x", g.ints(1)), Attr.of("keepdims", 0L));
            g.node("Mul", List.of(a, b));
            return g;
        });
        check(t -> {
            G g = new G(t, 18, 3, 4);
            g.node("ReduceMean", List.of("x", g.ints(-1)), Attr.of("keepdims", 1L));
            return g;
        });
    }

    @Test
    void conv_grouped_strided_and_padded() {
        check(t -> {
            G g = new G(t, 13, 4, 9, 8);
            g.node("Conv", List.of("x", g.init(new long[] { 6, 2, 3, 3 }), g.init(new long[] { 6 })),
                    Attr.of("group", 2L), Attr.of("strides", 2L, 2L), Attr.of("pads", 1L, 1L, 1L, 1L));
            return g;
        });
    }

    @Test
    void conv_dilated_and_same_padded() {
        check(t -> {
            G g = new G(t, 13, 2, 7, 8);
            String a = g.node("Conv", List.of("x", g.init(new long[] { 3, 2, 2, 3 })), Attr.of("dilations", 2L, 1L),
                    Attr.of("pads", 1L, 0L, 0L, 2L));
            g.node("Conv", List.of(a, g.init(new long[] { 2, 3, 3, 3 })), Attr.of("strides", 2L, 2L),
                    Attr.of("auto_pad", "SAME_UPPER"));
            return g;
        });
    }

    @Test
    void max_pool_with_overlapping_windows() {
        check(t -> {
            G g = new G(t, 13, 2, 7, 7);
            g.node("MaxPool", List.of("x"), Attr.of("kernel_shape", 3L, 3L), Attr.of("strides", 2L, 2L),
                    Attr.of("pads", 1L, 1L, 1L, 1L));
            return g;
        });
    }

    @Test
    void average_pool_with_padding_counted_or_not_and_global() {
        check(t -> {
            G g = new G(t, 13, 2, 5, 5);
            String a = g.node("AveragePool", List.of("x"), Attr.of("kernel_shape", 2L, 2L), Attr.of("pads", 1L, 1L, 0L,
                    0L));
            String b = g.node("AveragePool", List.of("x"), Attr.of("kernel_shape", 3L, 3L), Attr.of("pads", 1L, 1L, 1L,
                    1L), Attr.of("strides", 2L, 2L), Attr.of("count_include_pad", 1L));
            String c = g.node("Add", List.of(g.node("GlobalAveragePool", List.of(a)), b));
            return g;
        });
    }

    @Test
    void batch_normalization_in_inference_mode() {
        check(t -> {
            G g = new G(t, 13, 3, 2, 2);
            g.node("BatchNormalization", List.of("x", g.init(new long[] { 3 }), g.init(new long[] { 3 }),
                    g.init(new long[] { 3 }), g.init(new long[] { 3 }, 0.5, 2.0, 1.5)), Attr.of("epsilon", 1e-3f));
            return g;
        });
    }

    @Test
    void reshape_transpose_squeeze_unsqueeze_flatten_identity_cast() {
        check(t -> {
            G g = new G(t, 13, 2, 3, 4);
            String r = g.node("Reshape", List.of("x", g.ints(0, 6, 4)));
            String tr = g.node("Transpose", List.of(r), Attr.of("perm", 0L, 2L, 1L));
            String u = g.node("Unsqueeze", List.of(tr, g.ints(1)));
            String s = g.node("Squeeze", List.of(u, g.ints(1)));
            String f = g.node("Flatten", List.of(s), Attr.of("axis", 1L));
            String c = g.node("Cast", List.of(g.node("Identity", List.of(f))), Attr.of("to", (long) t));
            g.node("Mul", List.of(c, c));
            return g;
        });
    }

    @Test
    void concat_with_a_constant_token_split_and_slice() {
        check(t -> {
            G g = new G(t, 13, 3, 4);
            // a learned token expanded to the batch through a shape-only subgraph, as torch exports a ViT's cls token
            String batch = g.node("Gather", List.of(g.node("Shape", List.of("x")), g.scalarInt(0)), Attr.of("axis", 0L));
            String shape = g.node("Concat", List.of(g.node("Unsqueeze", List.of(batch, g.ints(0))), g.ints(1, 4)),
                    Attr.of("axis", 0L));
            String token = g.node("Expand", List.of(g.init(new long[] { 1, 1, 4 }), shape));
            String cat = g.node("Concat", List.of(token, "x", "x"), Attr.of("axis", 1L));
            List<String> parts = g.nodes("Split", List.of(cat, g.ints(2, 5)), 2, Attr.of("axis", 1L));
            String sl = g.node("Slice", List.of(parts.get(1), g.ints(1, 1), g.ints(4, 100), g.ints(1, 2)));
            g.node("Mul", List.of(sl, sl));
            return g;
        });
    }

    @Test
    void gather_of_a_token_and_of_several_positions() {
        check(t -> {
            G g = new G(t, 13, 5, 3);
            String cls = g.node("Gather", List.of("x", g.scalarInt(0)), Attr.of("axis", 1L));
            String some = g.node("Gather", List.of("x", g.ints(4, -1, 2)), Attr.of("axis", 1L));
            String cols = g.node("Gather", List.of("x", g.ints(2, 0)), Attr.of("axis", 2L));
            String a = g.node("Mul", List.of(g.node("Unsqueeze", List.of(cls, g.ints(1))), some));
            g.node("Concat", List.of(g.node("Flatten", List.of(a), Attr.of("axis", 1L)),
                    g.node("Flatten", List.of(cols), Attr.of("axis", 1L))), Attr.of("axis", 1L));
            return g;
        });
    }

    @Test
    void reshape_to_a_target_computed_from_the_input_shape() {
        check(t -> {
            G g = new G(t, 13, 2, 3, 3);
            String shape = g.node("Shape", List.of("x"));
            String batch = g.node("Slice", List.of(shape, g.ints(0), g.ints(1), g.ints(0)));
            String target = g.node("Concat", List.of(batch, g.ints(-1)), Attr.of("axis", 0L));
            String flat = g.node("Reshape", List.of("x", target));
            String c = g.node("Constant", List.of(), Attr.of("value", Tensor.ofDoubles("c", t, new long[] { 18 },
                    new Random(5).doubles(18).toArray())));
            g.node("Tanh", List.of(g.node("Mul", List.of(flat, c))));
            return g;
        });
    }

    @Test
    void expand_where_and_pad() {
        check(t -> {
            G g = new G(t, 13, 2, 1, 3);
            String e = g.node("Expand", List.of("x", g.ints(1, 1, 4, 3)));
            String cond = g.node("Greater", List.of(e, g.init(new long[0], 0.0)));
            String w = g.node("Where", List.of(cond, e, g.node("Mul", List.of(e, e))));
            g.node("Pad", List.of(w, g.ints(0, 0, 1, 0, 0, 0, 2, 1)), Attr.of("mode", "constant"));
            return g;
        });
    }

    /**
     * torch's nn.MultiheadAttention as torch.onnx exports it (sequence-first): the batch moves to axis 1, the heads'
     * views {@code [T, N * heads, head_dim]} fold it into another axis, the output projection runs on
     * {@code [T * N, dim]} and a view brings {@code [T, N, dim]} back. Differentiated one image at a time in a Scan.
     */
    @Test
    void attention_with_the_batch_folded_into_the_heads_axis() {
        check(t -> {
            G g = new G(t, 13, 3, 4);
            String seq = g.node("Transpose", List.of("x"), Attr.of("perm", 1L, 0L, 2L));
            String qkv = g.node("Add", List.of(g.node("MatMul", List.of(seq, g.init(new long[] { 4, 12 }))),
                    g.init(new long[] { 12 })));
            List<String> parts = g.nodes("Split", List.of(qkv, g.ints(4, 4, 4)), 3, Attr.of("axis", 2L));
            List<String> heads = new ArrayList<>();
            for (String p : parts) {
                String folded = g.node("Reshape", List.of(p, g.ints(3, -1, 2)));
                heads.add(g.node("Transpose", List.of(folded), Attr.of("perm", 1L, 0L, 2L)));
            }
            String q = g.node("Mul", List.of(heads.get(0), g.init(new long[0], 1 / Math.sqrt(2))));
            String kt = g.node("Transpose", List.of(heads.get(1)), Attr.of("perm", 0L, 2L, 1L));
            String att = g.node("Softmax", List.of(g.node("MatMul", List.of(q, kt))), Attr.of("axis", -1L));
            String mixed = g.node("Transpose", List.of(g.node("MatMul", List.of(att, heads.get(2)))),
                    Attr.of("perm", 1L, 0L, 2L));
            String rows = g.node("Reshape", List.of(mixed, g.ints(-1, 4)));
            String projected = g.node("Gemm", List.of(rows, g.init(new long[] { 4, 4 }), g.init(new long[] { 4 })),
                    Attr.of("transB", 1L));
            String back = g.node("Reshape", List.of(projected, g.ints(3, -1, 4)));
            g.node("Transpose", List.of(back), Attr.of("perm", 1L, 0L, 2L));
            return g;
        });
    }

    @Test
    void refuses_a_graph_that_mixes_the_images_of_a_batch() {
        G g = new G(OnnxModel.FLOAT, 13, 4);
        String mean = g.node("ReduceMean", List.of("x"), Attr.of("axes", new long[] { 0 }), Attr.of("keepdims", 1L));
        g.node("Sub", List.of("x", g.node("Expand", List.of(g.node("Reshape", List.of(mean, g.ints(4))),
                g.ints(1, 4)))));
        byte[] model = g.finish(g.m.nodes.get(g.m.nodes.size() - 1).outputs().get(0));
        UnsupportedGraphException e = assertThrows(UnsupportedGraphException.class,
                () -> Differentiator.differentiate(model, "x", "y", new long[] { 4 }));
        assertTrue(e.getMessage().contains("[1, 4] at batch 1 and [1, 4] at batch 2"), e.getMessage());
    }

    @Test
    void names_the_op_it_cannot_differentiate() {
        G g = new G(OnnxModel.FLOAT, 13, 4);
        g.node("Sin", List.of("x"));
        byte[] model = g.finish(g.m.nodes.get(0).outputs().get(0));
        UnsupportedGraphException e = assertThrows(UnsupportedGraphException.class,
                () -> Differentiator.differentiate(model, "x", "y", new long[] { 4 }));
        assertTrue(e.getMessage().startsWith("op Sin "), e.getMessage());
    }
}
