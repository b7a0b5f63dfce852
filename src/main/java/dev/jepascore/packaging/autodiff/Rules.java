package dev.jepascore.packaging.autodiff;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import dev.jepascore.packaging.autodiff.Differentiator.Build;
import dev.jepascore.packaging.autodiff.OnnxModel.Attr;
import dev.jepascore.packaging.autodiff.OnnxModel.Node;

/**
 * The vector-Jacobian product of each supported op (DESIGN.md, "Exact Jacobians for any
 * encoder.onnx"): given the cotangents of a node's outputs ({@code [N, K, per-image shape]}), adds
 * the cotangents of its active inputs. Forward tensors a rule needs are broadcast over the K axis
 * ({@link Build#lift}); factors that depend only on the forward pass (masks, derivatives of
 * activations) are computed once per image, not per cotangent.
 */
final class Rules {

    /** The ops with a rule, for documentation and for the packager's message. */
    static final Set<String> SUPPORTED = Set.of("Add", "Sub", "Mul", "Div", "Sum", "Neg", "Relu", "LeakyRelu",
            "Sigmoid", "Tanh", "Erf", "Exp", "Log", "Sqrt", "Reciprocal", "Pow", "Abs", "Gelu", "Clip", "Identity",
            "Dropout", "Cast", "Softmax", "LogSoftmax", "MatMul", "Gemm", "Conv", "MaxPool", "AveragePool",
            "GlobalAveragePool", "BatchNormalization", "LayerNormalization", "ReduceMean", "ReduceSum", "Reshape",
            "Flatten", "Squeeze", "Unsqueeze", "Transpose", "Concat", "Split", "Slice", "Gather", "Expand", "Where",
            "Pad");

    /** Ops whose rule needs the batch on the first axis of their input. */
    private static final Set<String> BATCH_FIRST = Set.of("Gemm", "Conv", "MaxPool", "AveragePool",
            "GlobalAveragePool", "BatchNormalization");

    /** Elementwise ops with one forward factor per input: their rules keep cotangents scaled ({@link #applyScaled}). */
    static final Set<String> UNARY = Set.of("Relu", "LeakyRelu", "Sigmoid", "Tanh", "Erf", "Exp", "Log", "Sqrt",
            "Reciprocal", "Abs", "Pow", "Gelu", "Clip");
    /** Ops whose rule takes a scaled cotangent ({@link Differentiator.Part}). */
    static final Set<String> SCALABLE = Set.of("Relu", "LeakyRelu", "Sigmoid", "Tanh", "Erf", "Exp", "Log", "Sqrt",
            "Reciprocal", "Abs", "Pow", "Gelu", "Clip", "Identity", "Mul", "Add", "Sub");

    private static final double TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
    private static final double INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

    private final Build b;

    Rules(Build b) {
        this.b = b;
    }

    /**
     * The rule of an elementwise op on a cotangent kept as base x factor: factors multiply and add in the forward
     * pass (per image); anything else materialises the cotangent and takes {@link #apply}.
     */
    void applyScaled(Node n, Differentiator.Part part) {
        String x = n.in(0);
        String y = n.outputs().get(0);
        b.currentBatchAxis = b.batchAxis(y);
        switch (n.opType()) {
            case "Identity" -> {
                b.accumulateScaled(x, part.base(), part.factor());
                return;
            }
            case "Add", "Sub", "Mul" -> {
                boolean handled = true;
                for (int i = 0; i < 2; i++) {
                    String in = n.in(i);
                    String other = n.in(1 - i);
                    if (!b.isActive(in)) {
                        continue;
                    }
                    if (!Arrays.equals(b.shape(in), b.shape(y)) || b.batchAxis(in) != b.batchAxis(y)) {
                        handled = false;
                        continue;
                    }
                    String factor = part.factor();
                    if (n.opType().equals("Mul")) {
                        if (!b.isActive(other)) {
                            handled &= factor != null;
                            if (factor == null) {
                                continue;
                            }
                        }
                        factor = factor == null ? other : b.node("Mul", List.of(factor, other));
                    } else if (n.opType().equals("Sub") && i == 1) {
                        if (factor == null) {
                            handled = false;
                            continue;
                        }
                        factor = b.node("Neg", List.of(factor));
                    }
                    b.accumulateScaled(in, part.base(), factor);
                }
                if (handled) {
                    return;
                }
                // some operand broadcast: those take the general rule on the materialised cotangent
                applyBroadcastOperands(n, part);
                return;
            }
            default -> {
                if (UNARY.contains(n.opType())) {
                    String f = unaryFactor(n, x, y);
                    b.accumulateScaled(x, part.base(), part.factor() == null ? f : b.node("Mul", List.of(part.factor(),
                            f)));
                    return;
                }
            }
        }
        apply(n, List.of(b.materialise(part, y)));
    }

    /** Add/Sub/Mul operands {@link #applyScaled} did not take (broadcast ones), by the general rule. */
    private void applyBroadcastOperands(Node n, Differentiator.Part part) {
        String y = n.outputs().get(0);
        String g = b.materialise(part, y);
        for (int i = 0; i < 2; i++) {
            String in = n.in(i);
            String other = n.in(1 - i);
            if (!b.isActive(in)) {
                continue;
            }
            boolean sameShape = Arrays.equals(b.shape(in), b.shape(y)) && b.batchAxis(in) == b.batchAxis(y);
            boolean taken = sameShape && (part.factor() != null || (n.opType().equals("Mul") && b.isActive(other))
                    || n.opType().equals("Add") || (n.opType().equals("Sub") && i == 0));
            if (taken) {
                continue;
            }
            String t = switch (n.opType()) {
                case "Add" -> g;
                case "Sub" -> i == 0 ? g : b.node("Neg", List.of(g));
                default -> b.node("Mul", List.of(g, b.lift(other)));
            };
            b.accumulate(in, unb(t, y, in));
        }
    }

    /** d y / d x of a unary elementwise op, computed in the forward pass. */
    private String unaryFactor(Node n, String x, String y) {
        return switch (n.opType()) {
            case "Relu" -> b.node("Cast", List.of(b.node("Greater", List.of(x, b.scalar(0)))),
                    Attr.of("to", (long) b.type));
            case "LeakyRelu" -> b.node("Where", List.of(b.node("Greater", List.of(x, b.scalar(0))), b.scalar(1),
                    b.scalar(n.floatAttr("alpha", 0.01f))));
            case "Sigmoid" -> b.node("Mul", List.of(y, b.node("Sub", List.of(b.scalar(1), y))));
            case "Tanh" -> b.node("Sub", List.of(b.scalar(1), b.node("Mul", List.of(y, y))));
            case "Erf" -> b.node("Mul", List.of(b.scalar(TWO_OVER_SQRT_PI),
                    b.node("Exp", List.of(b.node("Neg", List.of(b.node("Mul", List.of(x, x))))))));
            case "Exp" -> y;
            case "Log" -> b.node("Reciprocal", List.of(x));
            case "Sqrt" -> b.node("Div", List.of(b.scalar(0.5), y));
            case "Reciprocal" -> b.node("Neg", List.of(b.node("Mul", List.of(y, y))));
            case "Abs" -> b.node("Sign", List.of(x));
            case "Pow" -> {
                if (b.isActive(n.in(1))) {
                    throw new UnsupportedGraphException(n.describe() + ": an image-dependent exponent is not "
                            + "differentiated");
                }
                String p = b.node("Cast", List.of(n.in(1)), Attr.of("to", (long) b.type));
                yield b.node("Mul", List.of(p, b.node("Pow", List.of(x, b.node("Sub", List.of(p, b.scalar(1)))))));
            }
            case "Gelu" -> gelu(n, x);
            case "Clip" -> clipFactor(n, x);
            default -> throw new IllegalStateException("no factor for " + n.opType());
        };
    }

    void apply(Node n, List<String> gOut) {
        String g = gOut.get(0);
        String x = n.in(0);
        String y = n.outputs().get(0);
        if (!SUPPORTED.contains(n.opType())) {
            throw new UnsupportedGraphException("op " + n.opType() + " (node '" + n.name() + "') has no "
                    + "differentiation rule; supported: " + String.join(", ", SUPPORTED.stream().sorted().toList()));
        }
        if (g == null && !Set.of("Split").contains(n.opType())) {
            return;
        }
        b.currentBatchAxis = b.isActive(y) ? b.batchAxis(y) : 0;
        if (BATCH_FIRST.contains(n.opType()) && b.batchAxis(x) != 0
                && !(n.opType().equals("Gemm") && b.probe.get(x).folded())) {
            throw new UnsupportedGraphException(n.describe() + " takes '" + x + "' " + Arrays.toString(b.shape(x))
                    + " whose batch is not its first axis");
        }
        switch (n.opType()) {
            case "Add", "Sum" -> {
                for (String in : n.inputs()) {
                    b.accumulate(in, unb(g, y, in));
                }
            }
            case "Sub" -> {
                b.accumulate(x, unb(g, y, x));
                if (b.isActive(n.in(1))) {
                    b.accumulate(n.in(1), unb(b.node("Neg", List.of(g)), y, n.in(1)));
                }
            }
            case "Mul" -> {
                String a = n.in(0);
                String c = n.in(1);
                if (b.isActive(a)) {
                    b.accumulate(a, unb(b.node("Mul", List.of(g, b.lift(c))), y, a));
                }
                if (b.isActive(c)) {
                    b.accumulate(c, unb(b.node("Mul", List.of(g, b.lift(a))), y, c));
                }
            }
            case "Div" -> {
                String a = n.in(0);
                String c = n.in(1);
                if (b.isActive(a)) {
                    b.accumulate(a, unb(b.node("Div", List.of(g, b.lift(c))), y, a));
                }
                if (b.isActive(c)) {
                    String yOverC = b.node("Div", List.of(y, c));
                    String t = b.node("Neg", List.of(b.node("Mul", List.of(g, b.liftLike(yOverC, y)))));
                    b.accumulate(c, unb(t, y, c));
                }
            }
            case "Neg" -> b.accumulate(x, b.node("Neg", List.of(g)));
            case "Identity", "Dropout" -> b.accumulate(x, g);
            case "Cast" -> {
                long to = n.intAttr("to", 0);
                if (to != b.type) {
                    throw new UnsupportedGraphException(n.describe() + " casts an image-dependent tensor to type "
                            + to + "; only casts to the input's own type are differentiated");
                }
                b.accumulate(x, g);
            }
            case "Relu", "LeakyRelu", "Sigmoid", "Tanh", "Erf", "Exp", "Log", "Sqrt", "Reciprocal", "Abs", "Pow",
                    "Gelu", "Clip" -> scale(x, g, unaryFactor(n, x, y));
            case "Softmax" -> {
                long axis = b.backwardAxis(y, n.intAttr("axis", -1), n);
                String ly = b.lift(y);
                String dot = b.reduce("ReduceSum", b.node("Mul", List.of(g, ly)), new long[] { axis }, true);
                b.accumulate(x, b.node("Mul", List.of(ly, b.node("Sub", List.of(g, dot)))));
            }
            case "LogSoftmax" -> {
                long axis = b.backwardAxis(y, n.intAttr("axis", -1), n);
                String sum = b.reduce("ReduceSum", g, new long[] { axis }, true);
                String p = b.liftLike(b.node("Exp", List.of(y)), y);
                b.accumulate(x, b.node("Sub", List.of(g, b.node("Mul", List.of(p, sum)))));
            }
            case "MatMul" -> matMul(n, g);
            case "Gemm" -> gemm(n, g);
            case "Conv" -> conv(n, g);
            case "MaxPool" -> maxPool(n, g);
            case "AveragePool" -> averagePool(n, g);
            case "GlobalAveragePool" -> {
                long[] in = b.perImage(x);
                long spatial = 1;
                for (int i = 1; i < in.length; i++) {
                    spatial *= in[i];
                }
                String scaled = b.node("Mul", List.of(g, b.scalar(1.0 / spatial)));
                b.accumulate(x, b.node("Expand", List.of(scaled, b.backwardShape(in))));
            }
            case "BatchNormalization" -> {
                if (n.intAttr("training_mode", 0) != 0 || n.outputs().stream().skip(1).anyMatch(o -> !o.isEmpty())) {
                    throw new UnsupportedGraphException(n.describe() + " is in training mode; export the encoder "
                            + "in eval mode");
                }
                requireInactive(n, 1, 2, 3, 4);
                String eps = b.scalar(n.floatAttr("epsilon", 1e-5f));
                String factor = b.node("Div", List.of(n.in(1), b.node("Sqrt", List.of(b.node("Add",
                        List.of(n.in(4), eps))))));
                long[] in = b.perImage(x);
                long[] shape = new long[in.length];
                Arrays.fill(shape, 1);
                shape[0] = in[0];
                factor = b.node("Reshape", List.of(b.node("Cast", List.of(factor), Attr.of("to", (long) b.type)),
                        b.ints(shape)));
                b.accumulate(x, b.node("Mul", List.of(g, factor)));
            }
            case "LayerNormalization" -> layerNorm(n, g);
            case "ReduceMean", "ReduceSum" -> reduce(n, g);
            case "Reshape", "Flatten", "Squeeze", "Unsqueeze" -> {
                if (!b.foldedBatch && outer(x) != outer(y)) {
                    throw new UnsupportedGraphException(n.describe() + " reshapes " + Arrays.toString(b.shape(x))
                            + " to " + Arrays.toString(b.shape(y)) + ", mixing the batch with other axes");
                }
                b.accumulate(x, b.reshape(g, b.perImage(x)));
            }
            case "Transpose" -> transpose(n, g);
            case "Concat" -> concat(n, g);
            case "Split" -> split(n, gOut);
            case "Slice" -> slice(n, g);
            case "Gather" -> gather(n, g);
            case "Expand" -> b.accumulate(x, unb(g, y, x));
            case "Where" -> {
                String cond = b.lift(n.in(0));
                String zero = b.scalar(0);
                if (b.isActive(n.in(1))) {
                    b.accumulate(n.in(1), unb(b.node("Where", List.of(cond, g, zero)), y, n.in(1)));
                }
                if (b.isActive(n.in(2))) {
                    b.accumulate(n.in(2), unb(b.node("Where", List.of(cond, zero, g)), y, n.in(2)));
                }
            }
            case "Pad" -> pad(n, g);
            default -> throw new IllegalStateException("rule missing for " + n.opType());
        }
    }

    /** Elements before the batch axis: a reshape keeps each image's values in order when it keeps this. */
    private long outer(String t) {
        long[] shape = b.shape(t);
        long p = 1;
        for (int i = 0; i < b.batchAxis(t); i++) {
            p *= shape[i];
        }
        return p;
    }

    private String unb(String g, String y, String x) {
        if (!b.isActive(x)) {
            return g;
        }
        return b.unbroadcast(g, b.perImage(y), x);
    }

    /** Input 0's cotangent is g times a factor computed in the forward pass. */
    private void scale(String x, String g, String forwardFactor) {
        b.accumulate(x, b.node("Mul", List.of(g, b.liftLike(forwardFactor, x))));
    }

    private void requireInactive(Node n, int... inputs) {
        for (int i : inputs) {
            if (b.isActive(n.in(i))) {
                throw new UnsupportedGraphException(n.describe() + ": input " + i + " ('" + n.in(i) + "') depends "
                        + "on the image; only its first input is differentiated");
            }
        }
    }

    private String gelu(Node n, String x) {
        String approximate = n.stringAttr("approximate", "none");
        if ("tanh".equals(approximate)) {
            double c = Math.sqrt(2 / Math.PI);
            String x2 = b.node("Mul", List.of(x, x));
            String u = b.node("Mul", List.of(b.scalar(c), b.node("Add", List.of(x,
                    b.node("Mul", List.of(b.scalar(0.044715), b.node("Mul", List.of(x2, x))))))));
            String t = b.node("Tanh", List.of(u));
            String du = b.node("Mul", List.of(b.scalar(c), b.node("Add", List.of(b.scalar(1),
                    b.node("Mul", List.of(b.scalar(3 * 0.044715), x2))))));
            String left = b.node("Mul", List.of(b.scalar(0.5), b.node("Add", List.of(b.scalar(1), t))));
            String right = b.node("Mul", List.of(b.node("Mul", List.of(b.scalar(0.5), x)),
                    b.node("Mul", List.of(b.node("Sub", List.of(b.scalar(1), b.node("Mul", List.of(t, t)))), du))));
            return b.node("Add", List.of(left, right));
        }
        String cdf = b.node("Mul", List.of(b.scalar(0.5), b.node("Add", List.of(b.scalar(1),
                b.node("Erf", List.of(b.node("Mul", List.of(x, b.scalar(1 / Math.sqrt(2))))))))));
        String pdf = b.node("Mul", List.of(b.scalar(INV_SQRT_2PI), b.node("Exp", List.of(b.node("Mul",
                List.of(b.scalar(-0.5), b.node("Mul", List.of(x, x))))))));
        return b.node("Add", List.of(cdf, b.node("Mul", List.of(x, pdf))));
    }

    /** 1 where Clip passes x through, 0 where it clips (a missing bound never clips). */
    private String clipFactor(Node n, String x) {
        requireInactive(n, 1, 2);
        String mask = null;
        if (!n.in(1).isEmpty()) {
            mask = b.node("GreaterOrEqual", List.of(x, b.node("Cast", List.of(n.in(1)), Attr.of("to", (long) b.type))));
        }
        if (!n.in(2).isEmpty()) {
            String upper = b.node("LessOrEqual", List.of(x, b.node("Cast", List.of(n.in(2)),
                    Attr.of("to", (long) b.type))));
            mask = mask == null ? upper : b.node("And", List.of(mask, upper));
        }
        if (mask == null) {
            return b.node("Add", List.of(b.node("Mul", List.of(x, b.scalar(0))), b.scalar(1)));
        }
        return b.node("Cast", List.of(mask), Attr.of("to", (long) b.type));
    }

    /** Swaps the last two axes of a tensor of rank {@code rank}. */
    private String swapLast(String t, int rank) {
        long[] perm = new long[rank];
        for (int i = 0; i < rank; i++) {
            perm[i] = i;
        }
        perm[rank - 1] = rank - 2;
        perm[rank - 2] = rank - 1;
        return b.node("Transpose", List.of(t), Attr.of("perm", perm));
    }

    private void matMul(Node n, String g) {
        String a = n.in(0);
        String c = n.in(1);
        String y = n.outputs().get(0);
        int ra = b.rank(a);
        int rc = b.rank(c);
        if (ra < 2 || rc < 2) {
            throw new UnsupportedGraphException(n.describe() + " multiplies a rank-1 tensor; not differentiated");
        }
        long[] py = b.perImage(y);
        for (String operand : List.of(a, c)) {
            // the batch as the rows of a left operand times a constant matrix is a row-wise product: allowed
            boolean rowsTimesWeights = operand.equals(a) && !b.isActive(c) && rc == 2
                    && b.batchAxis(operand) == ra - 2;
            if (b.isActive(operand) && (b.batchAxis(operand) != b.batchAxis(y)
                    || (b.batchAxis(operand) >= b.rank(operand) - 2 && !rowsTimesWeights))) {
                throw new UnsupportedGraphException(n.describe() + ": operand '" + operand + "' "
                        + Arrays.toString(b.shape(operand)) + " has its batch among the multiplied axes or apart "
                        + "from the output's");
            }
        }
        if (b.isActive(a)) {
            String ct = b.isActive(c) ? swapLast(b.lift(c), b.backwardRank(c)) : swapLast(c, rc);
            String ga = b.node("MatMul", List.of(g, ct));
            long[] pga = py.clone();
            pga[pga.length - 1] = b.perImage(a)[b.perImage(a).length - 1];
            b.accumulate(a, b.unbroadcast(ga, pga, a));
        }
        if (b.isActive(c)) {
            String at = b.isActive(a) ? swapLast(b.lift(a), b.backwardRank(a)) : swapLast(a, ra);
            String gc = b.node("MatMul", List.of(at, g));
            long[] pc = b.perImage(c);
            long[] pgc = py.clone();
            pgc[pgc.length - 2] = pc[pc.length - 2];
            if (pgc.length != pc.length) {
                throw new UnsupportedGraphException(n.describe() + ": image-dependent right operand of rank "
                        + (pc.length + 1) + " broadcast to rank " + (py.length + 1));
            }
            b.accumulate(c, b.unbroadcast(gc, pgc, c));
        }
    }

    private void gemm(Node n, String g) {
        requireInactive(n, 1, 2);
        if (n.intAttr("transA", 0) != 0) {
            throw new UnsupportedGraphException(n.describe() + " transposes its image-dependent input (transA=1)");
        }
        String w = n.in(1);
        String ga = n.intAttr("transB", 0) != 0 ? b.node("MatMul", List.of(g, w))
                : b.node("MatMul", List.of(g, swapLast(w, 2)));
        float alpha = n.floatAttr("alpha", 1f);
        if (alpha != 1f) {
            ga = b.node("Mul", List.of(ga, b.scalar(alpha)));
        }
        b.accumulate(n.in(0), ga);
    }

    /** Explicit begin/end pads of a convolution or pooling node, from pads or auto_pad. */
    private static long[] pads(Node n, long[] in, long[] out, long[] kernel, long[] strides, long[] dilations) {
        int s = kernel.length;
        String autoPad = n.stringAttr("auto_pad", "NOTSET");
        long[] pads = new long[2 * s];
        switch (autoPad) {
            case "NOTSET" -> {
                long[] p = n.intsAttr("pads");
                if (p != null) {
                    pads = p.clone();
                }
            }
            case "VALID" -> {
            }
            case "SAME_UPPER", "SAME_LOWER" -> {
                for (int i = 0; i < s; i++) {
                    long total = Math.max(0, (out[i] - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - in[i]);
                    long small = total / 2;
                    pads[i] = autoPad.equals("SAME_UPPER") ? small : total - small;
                    pads[i + s] = total - pads[i];
                }
            }
            default -> throw new UnsupportedGraphException(n.describe() + ": auto_pad " + autoPad);
        }
        return pads;
    }

    private static long[] orOnes(long[] v, int n) {
        if (v != null) {
            return v;
        }
        long[] r = new long[n];
        Arrays.fill(r, 1);
        return r;
    }

    /** output_padding making a transposed convolution return exactly {@code in}. */
    private static long[] outputPadding(Node n, long[] in, long[] out, long[] kernel, long[] strides, long[] dil,
            long[] pads) {
        int s = kernel.length;
        long[] op = new long[s];
        for (int i = 0; i < s; i++) {
            long size = strides[i] * (out[i] - 1) + (kernel[i] - 1) * dil[i] + 1 - pads[i] - pads[i + s];
            op[i] = in[i] - size;
            if (op[i] < 0 || op[i] >= Math.max(strides[i], dil[i])) {
                throw new UnsupportedGraphException(n.describe() + ": cannot invert the spatial size " + in[i] + " -> "
                        + out[i] + " with a transposed convolution");
            }
        }
        return op;
    }

    /** Transposed convolution of g [N,K,Co,out...] back to [N,K,C,in...]. */
    private String convTranspose(String g, String weight, long[] pin, long[] pout, long[] kernel, long[] strides,
            long[] dil, long[] pads, long group, Node n) {
        int s = kernel.length;
        long[] in = Arrays.copyOfRange(pin, 1, pin.length);
        long[] out = Arrays.copyOfRange(pout, 1, pout.length);
        long[] op = outputPadding(n, in, out, kernel, strides, dil, pads);
        String flat = b.node("Reshape", List.of(g, b.ints(Differentiator.concat(new long[] { -1 }, pout))));
        String t = b.node("ConvTranspose", List.of(flat, weight), Attr.of("strides", strides),
                Attr.of("pads", pads), Attr.of("dilations", dil), Attr.of("group", group),
                Attr.of("kernel_shape", kernel), Attr.of("output_padding", op));
        assert s == in.length;
        return b.reshape(t, pin);
    }

    private void conv(Node n, String g) {
        requireInactive(n, 1, 2);
        String x = n.in(0);
        long[] pin = b.perImage(x);
        long[] pout = b.perImage(n.outputs().get(0));
        long[] w = b.shape(n.in(1));
        int s = pin.length - 1;
        long[] kernel = Arrays.copyOfRange(w, 2, w.length);
        long[] strides = orOnes(n.intsAttr("strides"), s);
        long[] dil = orOnes(n.intsAttr("dilations"), s);
        long[] pads = pads(n, Arrays.copyOfRange(pin, 1, pin.length), Arrays.copyOfRange(pout, 1, pout.length), kernel,
                strides, dil);
        String weight = b.probe.get(n.in(1)).batchIndependent() ? n.in(1) : null;
        if (weight == null) {
            throw new UnsupportedGraphException(n.describe() + ": the weight is not a constant");
        }
        b.accumulate(x, convTranspose(g, weight, pin, pout, kernel, strides, dil, pads, n.intAttr("group", 1), n));
    }

    private void maxPool(Node n, String g) {
        if (n.intAttr("storage_order", 0) != 0) {
            throw new UnsupportedGraphException(n.describe() + ": storage_order 1 is not differentiated");
        }
        b.needOpset(Differentiator.SCATTER_ADD_OPSET, n);
        String x = n.in(0);
        String indices;
        if (n.outputs().size() > 1 && !n.outputs().get(1).isEmpty()) {
            indices = n.outputs().get(1);
        } else {
            indices = b.nodes("MaxPool", List.of(x), 2, n.attrs().toArray(Attr[]::new)).get(1);
        }
        long[] pin = b.perImage(x);
        long[] pout = b.perImage(n.outputs().get(0));
        long inSize = Arrays.stream(pin).reduce(1, (p, q) -> p * q);
        long outSize = Arrays.stream(pout).reduce(1, (p, q) -> p * q);
        String local = b.node("Mod", List.of(indices, b.ints(inSize)));
        String idx = b.node("Expand", List.of(b.node("Reshape", List.of(local, b.ints(-1, 1, outSize))),
                b.backwardShape(new long[] { outSize })));
        String upd = b.reshape(g, new long[] { outSize });
        String scattered = b.node("ScatterElements", List.of(b.zeros(new long[] { inSize }), idx, upd),
                Attr.of("axis", 2L), Attr.of("reduction", "add"));
        b.accumulate(x, b.reshape(scattered, pin));
    }

    private void averagePool(Node n, String g) {
        String x = n.in(0);
        long[] pin = b.perImage(x);
        long[] pout = b.perImage(n.outputs().get(0));
        int s = pin.length - 1;
        long[] kernel = n.intsAttr("kernel_shape");
        long[] strides = orOnes(n.intsAttr("strides"), s);
        long[] dil = orOnes(n.intsAttr("dilations"), s);
        long[] in = Arrays.copyOfRange(pin, 1, pin.length);
        long[] out = Arrays.copyOfRange(pout, 1, pout.length);
        long[] pads = pads(n, in, out, kernel, strides, dil);
        boolean includePad = n.intAttr("count_include_pad", 0) != 0;
        // 1 / (elements averaged) at each output position, the same for every channel
        int positions = (int) Arrays.stream(out).reduce(1, (p, q) -> p * q);
        double[] inverse = new double[positions];
        for (int o = 0; o < positions; o++) {
            long count = 1;
            int rest = o;
            for (int i = s - 1; i >= 0; i--) {
                long oi = rest % out[i];
                rest /= out[i];
                long c = 0;
                for (long j = 0; j < kernel[i]; j++) {
                    long at = oi * strides[i] - pads[i] + j * dil[i];
                    boolean inside = includePad ? at >= -pads[i] && at < in[i] + pads[i + s] : at >= 0 && at < in[i];
                    c += inside ? 1 : 0;
                }
                count *= c;
            }
            inverse[o] = 1.0 / count;
        }
        String scaled = b.node("Mul", List.of(g, b.constant(out, inverse)));
        long channels = pin[0];
        double[] ones = { 1 };
        String weight = b.constant(Differentiator.concat(new long[] { channels, 1 }, kernel), ones);
        b.accumulate(x, convTranspose(scaled, weight, pin, pout, kernel, strides, dil, pads, channels, n));
    }

    private void layerNorm(Node n, String g) {
        requireInactive(n, 1, 2);
        String x = n.in(0);
        int rank = b.rank(x);
        long axis = n.intAttr("axis", -1);
        axis = axis < 0 ? axis + rank : axis;
        if (axis <= b.batchAxis(x)) {
            throw new UnsupportedGraphException(n.describe() + " normalises over the batch axis");
        }
        long[] fwdAxes = new long[(int) (rank - axis)];
        long[] bwdAxes = new long[fwdAxes.length];
        for (int i = 0; i < fwdAxes.length; i++) {
            fwdAxes[i] = axis + i;
            bwdAxes[i] = b.backwardAxis(x, axis + i, n);
        }
        String eps = b.scalar(n.floatAttr("epsilon", 1e-5f));
        String mean = b.reduce("ReduceMean", x, fwdAxes, true);
        String centred = b.node("Sub", List.of(x, mean));
        String variance = b.reduce("ReduceMean", b.node("Mul", List.of(centred, centred)), fwdAxes, true);
        String inv = b.node("Reciprocal", List.of(b.node("Sqrt", List.of(b.node("Add", List.of(variance, eps))))));
        String xhat = b.liftLike(b.node("Mul", List.of(centred, inv)), x);
        String gy = b.node("Mul", List.of(g, n.in(1)));
        String m1 = b.reduce("ReduceMean", gy, bwdAxes, true);
        String m2 = b.reduce("ReduceMean", b.node("Mul", List.of(gy, xhat)), bwdAxes, true);
        String inner = b.node("Sub", List.of(b.node("Sub", List.of(gy, m1)), b.node("Mul", List.of(xhat, m2))));
        b.accumulate(x, b.node("Mul", List.of(b.liftLike(inv, x), inner)));
    }

    private void reduce(Node n, String g) {
        String x = n.in(0);
        int rank = b.rank(x);
        long[] axes = n.intsAttr("axes");
        if (!n.in(1).isEmpty()) {
            axes = b.constInts(n.in(1), n);
        }
        if (axes == null || axes.length == 0) {
            if (n.intAttr("noop_with_empty_axes", 0) != 0) {
                b.accumulate(x, g);
                return;
            }
            throw new UnsupportedGraphException(n.describe() + " reduces over every axis, the batch included");
        }
        long[] pin = b.perImage(x);
        long[] kept = pin.clone();
        long count = 1;
        for (long a : axes) {
            int p = (int) b.backwardAxis(x, a, n) - 2;
            count *= pin[p];
            kept[p] = 1;
        }
        String gk = n.intAttr("keepdims", 1) != 0 ? g : b.reshape(g, kept);
        if (n.opType().equals("ReduceMean")) {
            gk = b.node("Mul", List.of(gk, b.scalar(1.0 / count)));
        }
        b.accumulate(x, b.node("Expand", List.of(gk, b.backwardShape(pin))));
    }

    private void transpose(Node n, String g) {
        String x = n.in(0);
        int rank = b.rank(x);
        long[] perm = n.intsAttr("perm");
        if (perm == null) {
            perm = new long[rank];
            for (int i = 0; i < rank; i++) {
                perm[i] = rank - 1 - i;
            }
        }
        // per-image permutation: output per-image axis q comes from input per-image axis pi[q]
        int inBatch = b.batchAxis(x);
        long[] pi = inBatch < 0 ? perm : new long[rank - 1];
        for (int j = 0, q = 0; j < rank && inBatch >= 0; j++) {
            if (perm[j] == inBatch) {
                continue;
            }
            pi[q++] = perm[j] < inBatch ? perm[j] : perm[j] - 1;
        }
        long[] back = new long[pi.length + 2];
        back[0] = 0;
        back[1] = 1;
        for (int q = 0; q < pi.length; q++) {
            back[(int) pi[q] + 2] = q + 2;
        }
        b.accumulate(x, b.node("Transpose", List.of(g), Attr.of("perm", back)));
    }

    private void concat(Node n, String g) {
        String y = n.outputs().get(0);
        int rank = b.rank(y);
        long axis = n.intAttr("axis", 0);
        axis = axis < 0 ? axis + rank : axis;
        long back = b.backwardAxis(y, axis, n);
        long offset = 0;
        for (String in : n.inputs()) {
            long size = b.shape(in)[(int) axis];
            if (b.isActive(in)) {
                b.accumulate(in, b.node("Slice", List.of(g, b.ints(offset), b.ints(offset + size),
                        b.ints(back))));
            }
            offset += size;
        }
    }

    private void split(Node n, List<String> gOut) {
        String x = n.in(0);
        int rank = b.rank(x);
        long axis = b.backwardAxis(x, n.intAttr("axis", 0), n);
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < n.outputs().size(); i++) {
            String o = n.outputs().get(i);
            String g = gOut.get(i);
            parts.add(g != null ? g : b.zeros(b.perImage(o)));
        }
        if (gOut.stream().allMatch(v -> v == null)) {
            return;
        }
        b.accumulate(x, b.node("Concat", parts, Attr.of("axis", axis)));
    }

    private void slice(Node n, String g) {
        String x = n.in(0);
        int rank = b.rank(x);
        long[] shape = b.shape(x);
        long[] starts = b.constInts(n.in(1), n);
        long[] ends = b.constInts(n.in(2), n);
        long[] axes = n.in(3).isEmpty() ? null : b.constInts(n.in(3), n);
        long[] steps = n.in(4).isEmpty() ? null : b.constInts(n.in(4), n);
        int backRank = b.backwardRank(x);
        long[] pads = new long[2 * backRank];
        for (int i = 0; i < starts.length; i++) {
            long a = axes == null ? i : axes[i] < 0 ? axes[i] + rank : axes[i];
            long step = steps == null ? 1 : steps[i];
            if (step != 1) {
                throw new UnsupportedGraphException(n.describe() + " slices with step " + step + "; only step 1 is "
                        + "differentiated");
            }
            long dim = shape[(int) a];
            long s = clamp(starts[i] < 0 ? starts[i] + dim : starts[i], dim);
            long e = clamp(ends[i] < 0 ? ends[i] + dim : ends[i], dim);
            if (a == b.batchAxis(x)) {
                continue; // the batch: the output follows it, so the slice keeps it whole
            }
            int back = (int) b.backwardAxis(x, a, n);
            pads[back] = s;
            pads[back + backRank] = dim - Math.max(s, e);
        }
        b.accumulate(x, b.node("Pad", List.of(g, b.ints(pads), b.scalar(0)), Attr.of("mode", "constant")));
    }

    private static long clamp(long v, long dim) {
        return Math.max(0, Math.min(dim, v));
    }

    private void gather(Node n, String g) {
        requireInactive(n, 1);
        String x = n.in(0);
        int rank = b.rank(x);
        long axis = b.backwardAxis(x, n.intAttr("axis", 0), n) - 1;
        long[] pin = b.perImage(x);
        long[] indices = b.constInts(n.in(1), n);
        long size = pin[(int) axis - 1];
        int m = indices.length;
        double[] onehot = new double[(int) (m * size)];
        for (int j = 0; j < m; j++) {
            long i = indices[j] < 0 ? indices[j] + size : indices[j];
            onehot[(int) (j * size + i)] = 1;
        }
        String matrix = b.constant(new long[] { m, size }, onehot);
        // g [N,K, pre..., idx..., post...] -> [N,K, pre..., m, post...]
        long[] pre = Arrays.copyOfRange(pin, 0, (int) axis - 1);
        long[] post = Arrays.copyOfRange(pin, (int) axis, pin.length);
        String flat = b.reshape(g, Differentiator.concat(Differentiator.concat(pre, new long[] { m }), post));
        int r = pre.length + 1 + post.length + 2;
        int at = pre.length + 2;
        long[] toLast = new long[r];
        int j = 0;
        for (int i = 0; i < r; i++) {
            if (i != at) {
                toLast[j++] = i;
            }
        }
        toLast[r - 1] = at;
        long[] back = new long[r];
        for (int i = 0; i < r; i++) {
            back[(int) toLast[i]] = i;
        }
        String moved = post.length == 0 ? flat : b.node("Transpose", List.of(flat), Attr.of("perm", toLast));
        String product = b.node("MatMul", List.of(moved, matrix));
        String result = post.length == 0 ? product : b.node("Transpose", List.of(product), Attr.of("perm", back));
        b.accumulate(x, result);
    }

    private void pad(Node n, String g) {
        String mode = n.stringAttr("mode", "constant");
        if (!"constant".equals(mode)) {
            throw new UnsupportedGraphException(n.describe() + ": mode " + mode + " is not differentiated");
        }
        requireInactive(n, 2);
        String x = n.in(0);
        int rank = b.rank(x);
        long[] pads = b.constInts(n.in(1), n);
        long[] axes = n.in(3).isEmpty() ? null : b.constInts(n.in(3), n);
        int count = pads.length / 2;
        long[] shape = b.shape(x);
        List<Long> starts = new ArrayList<>();
        List<Long> ends = new ArrayList<>();
        List<Long> bAxes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long a = axes == null ? i : axes[i] < 0 ? axes[i] + rank : axes[i];
            long begin = pads[i];
            long end = pads[i + count];
            if (begin < 0 || end < 0 || (a == b.batchAxis(x) && (begin != 0 || end != 0))) {
                throw new UnsupportedGraphException(n.describe() + ": negative or batch padding is not "
                        + "differentiated");
            }
            if (begin == 0 && end == 0) {
                continue;
            }
            starts.add(begin);
            ends.add(begin + shape[(int) a]);
            bAxes.add(b.backwardAxis(x, a, n));
        }
        if (bAxes.isEmpty()) {
            b.accumulate(x, g);
            return;
        }
        b.accumulate(x, b.node("Slice", List.of(g, b.ints(toArray(starts)), b.ints(toArray(ends)),
                b.ints(toArray(bAxes)))));
    }

    private static long[] toArray(List<Long> v) {
        return v.stream().mapToLong(Long::longValue).toArray();
    }
}
