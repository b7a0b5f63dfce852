package dev.jepascore.packaging.autodiff;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.jepascore.packaging.autodiff.OnnxModel.Attr;
import dev.jepascore.packaging.autodiff.OnnxModel.Node;
import dev.jepascore.packaging.autodiff.OnnxModel.Tensor;
import dev.jepascore.packaging.autodiff.OnnxModel.ValueInfo;

/**
 * Reverse-mode differentiation of an encoder graph for a fixed input size (DESIGN.md, "Exact
 * Jacobians for any encoder.onnx"): the scorer graph it writes runs the encoder's own nodes once,
 * then the backward pass with the K one-hot cotangents as a second axis, so every backward tensor is
 * {@code [N, K, per-image shape]} and the result is {@code J [N, K, D]}.
 * <p>
 * Before differentiating, the encoder is run at batch 1 and 2 with every tensor exposed
 * ({@link GraphProbe}): per-image shapes, which tensors follow the batch, and the values of the
 * shape-only subgraphs (Reshape targets, Slice bounds, Gather indices) come from there, so those
 * subgraphs are folded for this input size. A tensor is <em>active</em> when it is a float tensor
 * that depends on the input through differentiable ops; only active tensors get cotangents, and
 * every node with an active input needs a rule ({@link Rules}). A node without one is named in
 * {@link UnsupportedGraphException}.
 */
public final class Differentiator {

    /** Ops whose outputs carry no gradient whatever their inputs (shape and comparison logic). */
    static final Set<String> NON_DIFFERENTIABLE = Set.of("Shape", "Size", "ConstantOfShape", "Equal", "Greater",
            "GreaterOrEqual", "Less", "LessOrEqual", "Not", "And", "Or", "Xor", "ArgMax", "ArgMin", "NonZero", "Range",
            "IsNaN", "IsInf", "EyeLike", "RandomNormalLike", "RandomUniformLike", "Sign", "Floor", "Ceil", "Round");

    /** Lowest opset the rules assume (axes of ReduceSum, Squeeze, Unsqueeze and Split as inputs). */
    static final long MIN_OPSET = 13;
    /** ScatterElements with reduction "add" (MaxPool's backward) needs opset 16. */
    static final long SCATTER_ADD_OPSET = 16;

    /** Names of the scorer graph's outputs. */
    public static final String EMBEDDING = "embedding";
    public static final String JACOBIAN = "jacobian";

    private Differentiator() {
    }

    /**
     * A cotangent contribution: the backward tensor {@code base} ({@code [N, K, ...]}), times {@code factor} when
     * not null: a forward tensor of the receiving tensor's shape, broadcast over K when the part is materialised.
     */
    record Part(String base, String factor) {
    }

    /** The scorer graph and what it was built from. */
    public record Scorer(byte[] graph, String input, int embeddingDim, int inputSize, List<String> ops, long opset) {
    }

    /**
     * Builds the scorer graph of {@code encoderBytes} (input {@code input}, output {@code output}) for
     * per-image input shape {@code chw}. Throws {@link UnsupportedGraphException} naming what stops it.
     */
    public static Scorer differentiate(byte[] encoderBytes, String input, String output, long[] chw) {
        OnnxModel encoder = OnnxWire.read(encoderBytes);
        if (encoder.opset() < MIN_OPSET) {
            throw new UnsupportedGraphException("the encoder uses ONNX opset " + encoder.opset() + "; the differentiator "
                    + "needs opset " + MIN_OPSET + " or later (re-export with opset_version >= " + MIN_OPSET + ")");
        }
        for (Node n : encoder.nodes) {
            if (!n.domain().isEmpty() && !n.domain().equals("ai.onnx")) {
                throw new UnsupportedGraphException("op " + n.domain() + "." + n.opType() + " (node '" + n.name()
                        + "') is outside the standard ONNX domain");
            }
        }
        ValueInfo in = encoder.inputs.stream().filter(v -> v.name().equals(input)).findFirst()
                .orElseThrow(() -> new UnsupportedGraphException("the encoder has no input '" + input + "'"));
        int type = in.elemType();
        if (type != OnnxModel.FLOAT && type != OnnxModel.DOUBLE) {
            throw new UnsupportedGraphException("the encoder's input is of element type " + type + "; float or double "
                    + "is needed");
        }
        // the input's batch axis is dynamic in the probe and the scorer
        ValueInfo dynamicIn = new ValueInfo(input, type, concat(new long[] { -1 }, chw),
                concat(new String[] { "N" }, new String[chw.length]));
        encoder.inputs.replaceAll(v -> v.name().equals(input) ? dynamicIn : v);
        GraphProbe probe = GraphProbe.run(encoder, input, chw, type == OnnxModel.DOUBLE);
        GraphProbe.Probed out = probe.get(output);
        if (out.one().shape().length != 2 || out.batchAxis() != 0) {
            throw new UnsupportedGraphException("output '" + output + "' is " + Arrays.toString(out.one().shape())
                    + " at batch 1 and " + Arrays.toString(out.two().shape()) + " at batch 2; [N, K] is needed");
        }
        int k = (int) out.one().shape()[1];
        Build b = new Build(encoder, probe, type, k, input);
        b.differentiate(output);
        int d = 1;
        for (long c : chw) {
            d *= (int) c;
        }
        OnnxModel scorer = b.foldedBatch ? b.overTheBatch(chw, d) : b.scorer;
        return new Scorer(OnnxWire.write(scorer), input, k, d, b.opsUsed, scorer.opset());
    }

    public static long[] concat(long[] a, long[] b) {
        long[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    static String[] concat(String[] a, String[] b) {
        String[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    /** One differentiation in progress: the scorer model being written and the cotangents so far. */
    static final class Build {
        final OnnxModel scorer = new OnnxModel();
        final GraphProbe probe;
        /** Element type of the input and of every active tensor (FLOAT or DOUBLE). */
        final int type;
        final int k;
        final String input;
        final Set<String> active = new HashSet<>();
        final Map<String, List<Part>> cotangents = new HashMap<>();
        final Map<String, String> lifted = new HashMap<>();
        final Map<String, String> cache = new HashMap<>();
        final List<String> opsUsed = new ArrayList<>();
        /**
         * Some tensor has the batch folded into another axis: the graph is then differentiated for one image (where
         * such a tensor's per-image shape is its whole shape) and run over the batch by a Scan.
         */
        boolean foldedBatch;
        private final Set<String> taken = new HashSet<>();
        private final String prefix;
        private int counter;
        /** Shape {@code [N, K]} of the backward tensors' first two axes, built once. */
        private String nk;

        Build(OnnxModel encoder, GraphProbe probe, int type, int k, String input) {
            this.probe = probe;
            this.type = type;
            this.k = k;
            this.input = input;
            scorer.irVersion = Math.max(encoder.irVersion, 8);
            scorer.producerName = "jepa-score package-model (reverse-mode differentiation of the encoder)";
            scorer.opsets.putAll(encoder.opsets);
            scorer.nodes.addAll(encoder.nodes);
            scorer.initializers.addAll(encoder.initializers);
            scorer.inputs.addAll(encoder.inputs);
            scorer.graphName = "scorer";
            for (Node n : encoder.nodes) {
                taken.addAll(n.outputs());
                taken.addAll(n.inputs());
            }
            encoder.initializers.forEach(t -> taken.add(t.name()));
            String p = "jd";
            while (startsWithAny(p)) {
                p = p + "_";
            }
            prefix = p + "/";
        }

        private boolean startsWithAny(String p) {
            for (String t : taken) {
                if (t.startsWith(p + "/")) {
                    return true;
                }
            }
            return false;
        }

        void differentiate(String output) {
            List<Node> nodes = new ArrayList<>(scorer.nodes);
            // forward: which tensors are active
            active.add(input);
            for (Node n : nodes) {
                if (NON_DIFFERENTIABLE.contains(n.opType())) {
                    continue;
                }
                boolean anyActive = n.inputs().stream().anyMatch(active::contains);
                if (!anyActive) {
                    continue;
                }
                for (String o : n.outputs()) {
                    if (!o.isEmpty() && probe.has(o) && probe.get(o).one().reals() != null) {
                        GraphProbe.Probed p = probe.get(o);
                        if (p.folded()) {
                            foldedBatch = true;
                        } else if (!p.followsBatch()) {
                            throw new UnsupportedGraphException("tensor '" + o + "' (output of " + n.describe()
                                    + ") is " + Arrays.toString(p.one().shape()) + " at batch 1 and "
                                    + Arrays.toString(p.two().shape()) + " at batch 2: the differentiator needs the "
                                    + "batch as one axis, or folded into one axis, of every tensor that depends on the "
                                    + "image");
                        }
                        if (!p.one().type().equals(typeName())) {
                            throw new UnsupportedGraphException("tensor '" + o + "' (output of " + n.describe()
                                    + ") is " + p.one().type() + " while the input is " + typeName()
                                    + "; mixed precision is not differentiated");
                        }
                        active.add(o);
                    }
                }
            }
            if (!active.contains(output)) {
                throw new UnsupportedGraphException("output '" + output + "' does not depend on input '" + input + "'");
            }
            // the seed: the K one-hot cotangents of every image, [N, K, K]
            double[] eye = new double[k * k];
            for (int i = 0; i < k; i++) {
                eye[i * k + i] = 1;
            }
            String eyeConst = constant(new long[] { 1, k, k }, eye);
            String outShape = node("Shape", List.of(output));
            String batch = node("Slice", List.of(outShape, ints(0), ints(1), ints(0)));
            String seedShape = node("Concat", List.of(batch, ints(k, k)), Attr.of("axis", 0L));
            String seed = node("Expand", List.of(eyeConst, seedShape));
            nk = node("Slice", List.of(node("Shape", List.of(seed)), ints(0), ints(2), ints(0)));
            cotangents.computeIfAbsent(output, x -> new ArrayList<>()).add(new Part(seed, null));

            Rules rules = new Rules(this);
            for (int i = nodes.size() - 1; i >= 0; i--) {
                Node n = nodes.get(i);
                if (NON_DIFFERENTIABLE.contains(n.opType())) {
                    continue;
                }
                boolean needs = n.inputs().stream().anyMatch(active::contains);
                if (!needs) {
                    continue;
                }
                if (Rules.SCALABLE.contains(n.opType()) && n.outputs().size() == 1) {
                    Part part = totalPart(n.outputs().get(0));
                    if (part == null) {
                        continue;
                    }
                    rules.applyScaled(n, part);
                } else {
                    List<String> gOut = new ArrayList<>();
                    boolean any = false;
                    for (String o : n.outputs()) {
                        String g = o.isEmpty() ? null : total(o);
                        gOut.add(g);
                        any |= g != null;
                    }
                    if (!any) {
                        continue;
                    }
                    rules.apply(n, gOut);
                }
                if (!opsUsed.contains(n.opType())) {
                    opsUsed.add(n.opType());
                }
            }
            String gx = total(input);
            if (gx == null) {
                throw new UnsupportedGraphException("no gradient reached input '" + input + "'");
            }
            long d = 1;
            for (long s : perImage(input)) {
                d *= s;
            }
            String jac = nodeNamed("Reshape", List.of(gx, ints(-1, k, d)), JACOBIAN);
            String emb = output.equals(EMBEDDING) ? output : nodeNamed("Identity", List.of(output), EMBEDDING);
            scorer.outputs.add(new ValueInfo(emb, type, new long[] { -1, k }, new String[] { "N", null }));
            scorer.outputs.add(new ValueInfo(jac, type, new long[] { -1, k, d }, new String[] { "N", null, null }));
        }

        /**
         * The graph built for one image (the batch folded into another axis somewhere, so batch 1 is what it was
         * differentiated for) run over the batch by a Scan: each image {@code [C, H, W]} becomes {@code [1, C, H, W]},
         * goes through the encoder and its backward pass, and the per-image embedding {@code [K]} and Jacobian
         * {@code [K, D]} are stacked to {@code [N, K]} and {@code [N, K, D]}. The weights stay in the outer graph.
         */
        OnnxModel overTheBatch(long[] chw, int d) {
            String image = fresh("image");
            String inner = fresh("input");
            String innerEmbedding = fresh("embedding");
            String innerJacobian = fresh("jacobian");
            Map<String, String> renamed = Map.of(input, inner, EMBEDDING, innerEmbedding, JACOBIAN, innerJacobian);
            OnnxModel body = new OnnxModel();
            body.graphName = "per_image";
            body.inputs.add(new ValueInfo(image, type, chw, null));
            body.nodes.add(new Node(inner, "Unsqueeze", "", List.of(image, ints(0)), List.of(inner), List.of()));
            for (Node n : scorer.nodes) {
                body.nodes.add(new Node(n.name(), n.opType(), n.domain(),
                        n.inputs().stream().map(v -> renamed.getOrDefault(v, v)).toList(),
                        n.outputs().stream().map(v -> renamed.getOrDefault(v, v)).toList(), n.attrs()));
            }
            String embeddingOut = fresh("embedding_out");
            String jacobianOut = fresh("jacobian_out");
            body.nodes.add(new Node(embeddingOut, "Reshape", "", List.of(innerEmbedding, ints(k)),
                    List.of(embeddingOut), List.of()));
            body.nodes.add(new Node(jacobianOut, "Reshape", "", List.of(innerJacobian, ints(k, d)),
                    List.of(jacobianOut), List.of()));
            body.outputs.add(new ValueInfo(embeddingOut, type, new long[] { k }, null));
            body.outputs.add(new ValueInfo(jacobianOut, type, new long[] { k, d }, null));

            OnnxModel outer = new OnnxModel();
            outer.irVersion = scorer.irVersion;
            outer.producerName = scorer.producerName;
            outer.graphName = scorer.graphName;
            outer.opsets.putAll(scorer.opsets);
            outer.initializers.addAll(scorer.initializers);
            outer.inputs.addAll(scorer.inputs);
            outer.outputs.addAll(scorer.outputs);
            outer.nodes.add(new Node(prefix + "over_the_batch", "Scan", "", List.of(input), List.of(EMBEDDING, JACOBIAN),
                    List.of(Attr.of("num_scan_inputs", 1L), OnnxWire.graphAttr("body", body))));
            if (!opsUsed.contains("Scan")) {
                opsUsed.add("Scan");
            }
            return outer;
        }

        String typeName() {
            return type == OnnxModel.DOUBLE ? "DOUBLE" : "FLOAT";
        }

        /** The sum of the cotangent contributions to {@code tensor} as one backward tensor, or null if none. */
        String total(String tensor) {
            Part part = totalPart(tensor);
            if (part == null) {
                return null;
            }
            String g = materialise(part, tensor);
            List<Part> parts = cotangents.get(tensor);
            parts.clear();
            parts.add(new Part(g, null));
            return g;
        }

        /**
         * The sum of the contributions to {@code tensor}, kept as one scaled part when they all scale the same
         * backward tensor (their factors then add in the forward pass, once per image instead of once per
         * cotangent: SiLU's two paths become one product); null if none.
         */
        Part totalPart(String tensor) {
            List<Part> parts = cotangents.get(tensor);
            if (parts == null || parts.isEmpty()) {
                return null;
            }
            if (parts.size() == 1) {
                return parts.get(0);
            }
            String base = parts.get(0).base();
            boolean sameBase = parts.stream().allMatch(p -> p.factor() != null && p.base().equals(base));
            Part sum;
            if (sameBase) {
                String factor = parts.get(0).factor();
                for (int i = 1; i < parts.size(); i++) {
                    factor = node("Add", List.of(factor, parts.get(i).factor()));
                }
                sum = new Part(base, factor);
            } else {
                String g = materialise(parts.get(0), tensor);
                for (int i = 1; i < parts.size(); i++) {
                    g = node("Add", List.of(g, materialise(parts.get(i), tensor)));
                }
                sum = new Part(g, null);
            }
            parts.clear();
            parts.add(sum);
            return sum;
        }

        /** The backward tensor a part stands for: its base times its factor broadcast over K. */
        String materialise(Part part, String tensor) {
            return part.factor() == null ? part.base()
                    : node("Mul", List.of(part.base(), liftLike(part.factor(), tensor)));
        }

        /** Adds a cotangent contribution to {@code tensor} when it is active. */
        void accumulate(String tensor, String g) {
            if (active.contains(tensor)) {
                cotangents.computeIfAbsent(tensor, x -> new ArrayList<>()).add(new Part(g, null));
            }
        }

        /** Adds {@code base} times {@code factor} (a forward tensor of {@code tensor}'s shape) to {@code tensor}. */
        void accumulateScaled(String tensor, String base, String factor) {
            if (active.contains(tensor)) {
                cotangents.computeIfAbsent(tensor, x -> new ArrayList<>()).add(new Part(base, factor));
            }
        }

        boolean isActive(String tensor) {
            return active.contains(tensor);
        }

        /** Per-image shape of a batch-following tensor. */
        long[] perImage(String tensor) {
            return probe.get(tensor).perImage();
        }

        /** Forward rank (with the batch axis). */
        int rank(String tensor) {
            return probe.get(tensor).one().shape().length;
        }

        /** Full shape at batch 1. */
        long[] shape(String tensor) {
            return probe.get(tensor).one().shape();
        }

        /** The values of a batch-independent integer tensor (a shape computation's result), folded. */
        long[] constInts(String tensor, Node user) {
            GraphProbe.Probed p = probe.get(tensor);
            if (p.one().ints() == null || !p.batchIndependent()) {
                throw new UnsupportedGraphException(user.describe() + ": input '" + tensor + "' must be a constant "
                        + "integer tensor for a fixed input size");
            }
            return p.one().ints();
        }

        /** The batch axis of a batch-following tensor in the forward pass. */
        int batchAxis(String tensor) {
            return probe.get(tensor).batchAxis();
        }

        /** The backward axis ({@code [N, K, per-image]}) of forward axis {@code axis} of {@code tensor}. */
        long backwardAxis(String tensor, long axis, Node user) {
            int rank = rank(tensor);
            long a = axis < 0 ? axis + rank : axis;
            int batch = batchAxis(tensor);
            if (a < 0 || a >= rank || a == batch) {
                throw new UnsupportedGraphException(user.describe() + " works along axis " + axis + " of '" + tensor
                        + "' " + Arrays.toString(shape(tensor)) + ": the batch axis (or out of range)");
            }
            return (batch < 0 || a < batch ? a : a - 1) + 2;
        }

        /** Rank of the backward tensor of {@code tensor}: {@code [N, K, per-image shape]}. */
        int backwardRank(String tensor) {
            return perImage(tensor).length + 2;
        }

        /** A forward tensor made to broadcast against backward tensors: batch-following ones become [N, 1, ...]. */
        String lift(String tensor) {
            if (active.contains(tensor) || probe.get(tensor).followsBatch() || probe.get(tensor).folded()) {
                return liftLike(tensor, tensor);
            }
            if (probe.get(tensor).one().shape().length > 0 && hasBatchInside()) {
                throw new UnsupportedGraphException("constant '" + tensor + "' is broadcast against a tensor whose "
                        + "batch is not its first axis");
            }
            return tensor;
        }

        private boolean hasBatchInside() {
            return currentBatchAxis > 0;
        }

        /** Batch axis of the node's first output while a rule runs (constants broadcast right-aligned past it). */
        int currentBatchAxis;

        /**
         * {@code tensor}, computed in the forward pass with the layout of {@code like} (a mask or derivative of it),
         * moved to {@code [N, 1, per-image]}.
         */
        String liftLike(String tensor, String like) {
            return lifted.computeIfAbsent(tensor, t -> {
                int batch = batchAxis(like);
                String front = t;
                if (batch < 0) {
                    return node("Unsqueeze", List.of(t, ints(0, 1))); // folded batch: one image, the whole shape
                }
                if (batch != 0) {
                    int rank = rank(like);
                    long[] perm = new long[rank];
                    perm[0] = batch;
                    for (int i = 0, j = 1; i < rank; i++) {
                        if (i != batch) {
                            perm[j++] = i;
                        }
                    }
                    front = node("Transpose", List.of(t), Attr.of("perm", perm));
                }
                return node("Unsqueeze", List.of(front, ints(1)));
            });
        }

        /** Backward shape {@code [N, K, dims...]} as a tensor, for Expand and ConstantOfShape. */
        String backwardShape(long[] dims) {
            return node("Concat", List.of(nk, ints(dims)), Attr.of("axis", 0L));
        }

        /** Zeros of backward shape {@code [N, K, dims...]}. */
        String zeros(long[] dims) {
            String zero = constant(concat(new long[] { 1, 1 }, dims.length == 0 ? new long[0] : ones(dims.length)),
                    new double[] { 0 });
            return node("Expand", List.of(zero, backwardShape(dims)));
        }

        static long[] ones(int n) {
            long[] r = new long[n];
            Arrays.fill(r, 1);
            return r;
        }

        String fresh(String hint) {
            String name;
            do {
                name = prefix + hint + "_" + counter++;
            } while (taken.contains(name));
            taken.add(name);
            return name;
        }

        /** Adds a node with one output and returns the output's name. */
        String node(String op, List<String> inputs, Attr... attrs) {
            return nodeNamed(op, inputs, fresh(op), attrs);
        }

        String nodeNamed(String op, List<String> inputs, String out, Attr... attrs) {
            taken.add(out);
            scorer.nodes.add(new Node(out, op, "", inputs, List.of(out), List.of(attrs)));
            return out;
        }

        /** Adds a node with several outputs. */
        List<String> nodes(String op, List<String> inputs, int outputs, Attr... attrs) {
            List<String> outs = new ArrayList<>();
            for (int i = 0; i < outputs; i++) {
                outs.add(fresh(op));
            }
            scorer.nodes.add(new Node(outs.get(0), op, "", inputs, outs, List.of(attrs)));
            return outs;
        }

        /** An initializer of the element type, shape {@code dims}; a single value is repeated. */
        String constant(long[] dims, double[] values) {
            long count = 1;
            for (long dd : dims) {
                count *= dd;
            }
            double[] v = values.length == count ? values : new double[(int) count];
            if (values.length != count) {
                Arrays.fill(v, values[0]);
            }
            String name = fresh("const");
            scorer.initializers.add(Tensor.ofDoubles(name, type, dims, v));
            return name;
        }

        /** A scalar of the element type (cached by value). */
        String scalar(double value) {
            return cache.computeIfAbsent("scalar:" + value, x -> constant(new long[0], new double[] { value }));
        }

        /** A 1-D int64 initializer (cached by value). */
        String ints(long... values) {
            return cache.computeIfAbsent("ints:" + Arrays.toString(values), x -> {
                String name = fresh("ints");
                scorer.initializers.add(Tensor.ofLongs(name, new long[] { values.length }, values));
                return name;
            });
        }

        /** An int64 initializer of any shape. */
        String intTensor(long[] dims, long[] values) {
            String name = fresh("ints");
            scorer.initializers.add(Tensor.ofLongs(name, dims, values));
            return name;
        }

        /** {@code op} (ReduceSum, ReduceMean) over {@code axes}, in the opset's form (axes an input from 13 / 18). */
        String reduce(String op, String x, long[] axes, boolean keepdims) {
            long since = op.equals("ReduceSum") ? 13 : 18;
            if (scorer.opset() >= since) {
                return node(op, List.of(x, ints(axes)), Attr.of("keepdims", keepdims ? 1L : 0L));
            }
            return node(op, List.of(x), Attr.of("axes", axes), Attr.of("keepdims", keepdims ? 1L : 0L));
        }

        /** Raises the scorer's opset to at least {@code version} (the encoder's ops keep their meaning up to 17). */
        void needOpset(long version, Node user) {
            if (scorer.opset() >= version) {
                return;
            }
            for (Node n : scorer.nodes) {
                if (Set.of("ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL2", "Split",
                        "Resize", "Pad", "Col2Im", "ScatterElements", "ScatterND").contains(n.opType())
                        && !n.name().startsWith(prefix)) {
                    // changed between the encoder's opset and the one needed: leave it to a re-export
                    if (version > 17 || n.opType().startsWith("Scatter") || n.opType().equals("Resize")) {
                        throw new UnsupportedGraphException(user.describe() + " needs opset " + version + " in the "
                                + "scorer, and the encoder's " + n.describe() + " would change meaning; re-export "
                                + "the encoder with opset_version >= " + version);
                    }
                }
            }
            scorer.opsets.put(scorer.opsets.containsKey("ai.onnx") ? "ai.onnx" : "", version);
        }

        /** Sums {@code g} [N,K,outShape] down to the per-image shape of {@code x} (undoing broadcasting). */
        String unbroadcast(String g, long[] outShape, String x) {
            long[] in = perImage(x);
            if (in.length != outShape.length) {
                throw new UnsupportedGraphException("tensor '" + x + "' of rank " + (in.length + 1) + " is broadcast "
                        + "to rank " + (outShape.length + 1) + " together with the batch");
            }
            List<Long> axes = new ArrayList<>();
            for (int i = 0; i < in.length; i++) {
                if (in[i] == 1 && outShape[i] != 1) {
                    axes.add((long) i + 2);
                }
            }
            if (axes.isEmpty()) {
                return g;
            }
            return reduce("ReduceSum", g, axes.stream().mapToLong(Long::longValue).toArray(), true);
        }

        /** Reshapes backward tensor {@code g} to {@code [N, K, dims...]}. */
        String reshape(String g, long[] dims) {
            return node("Reshape", List.of(g, ints(concat(new long[] { -1, k }, dims))));
        }
    }
}
