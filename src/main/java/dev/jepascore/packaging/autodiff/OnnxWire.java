package dev.jepascore.packaging.autodiff;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;

import dev.jepascore.packaging.autodiff.OnnxModel.Attr;
import dev.jepascore.packaging.autodiff.OnnxModel.Node;
import dev.jepascore.packaging.autodiff.OnnxModel.Tensor;
import dev.jepascore.packaging.autodiff.OnnxModel.ValueInfo;

/**
 * Reads and writes {@link OnnxModel} in the protobuf wire format, with the field numbers of the ONNX
 * IR specification (ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto, ValueInfoProto,
 * TypeProto). Fields the differentiator does not use are skipped on reading; attributes are written
 * back byte for byte as read.
 */
public final class OnnxWire {

    private OnnxWire() {
    }

    /** Parses a serialised ModelProto. */
    public static OnnxModel read(byte[] bytes) {
        try {
            OnnxModel model = new OnnxModel();
            CodedInputStream in = input(bytes);
            for (int tag; (tag = in.readTag()) != 0;) {
                switch (WireFormat.getTagFieldNumber(tag)) {
                    case 1 -> model.irVersion = in.readInt64();
                    case 2 -> model.producerName = in.readString();
                    case 7 -> readGraph(model, in.readByteArray());
                    case 8 -> readOpset(model, in.readByteArray());
                    case 25 -> throw new UnsupportedGraphException("the model defines local functions, which the "
                            + "differentiator does not read");
                    default -> in.skipField(tag);
                }
            }
            return model;
        } catch (IOException e) {
            throw new UnsupportedGraphException("not a readable ONNX model: " + e.getMessage(), e);
        }
    }

    private static CodedInputStream input(byte[] bytes) {
        CodedInputStream in = CodedInputStream.newInstance(bytes);
        in.setSizeLimit(Integer.MAX_VALUE);
        return in;
    }

    private static void readOpset(OnnxModel model, byte[] bytes) throws IOException {
        CodedInputStream in = input(bytes);
        String domain = "";
        long version = 0;
        for (int tag; (tag = in.readTag()) != 0;) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> domain = in.readString();
                case 2 -> version = in.readInt64();
                default -> in.skipField(tag);
            }
        }
        model.opsets.put(domain, version);
    }

    private static void readGraph(OnnxModel model, byte[] bytes) throws IOException {
        CodedInputStream in = input(bytes);
        for (int tag; (tag = in.readTag()) != 0;) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> model.nodes.add(readNode(in.readByteArray()));
                case 2 -> model.graphName = in.readString();
                case 5 -> model.initializers.add(readTensor(in.readByteArray()));
                case 11 -> model.inputs.add(readValueInfo(in.readByteArray()));
                case 12 -> model.outputs.add(readValueInfo(in.readByteArray()));
                case 15 -> throw new UnsupportedGraphException("the graph has sparse initializers, which the "
                        + "differentiator does not read");
                default -> in.skipField(tag);
            }
        }
        // an input that is also an initializer is a constant with a default (IR version < 4 style)
        List<String> initNames = model.initializers.stream().map(Tensor::name).toList();
        model.inputs.removeIf(v -> initNames.contains(v.name()));
    }

    private static Node readNode(byte[] bytes) throws IOException {
        CodedInputStream in = input(bytes);
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        List<Attr> attrs = new ArrayList<>();
        String name = "";
        String op = "";
        String domain = "";
        for (int tag; (tag = in.readTag()) != 0;) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> inputs.add(in.readString());
                case 2 -> outputs.add(in.readString());
                case 3 -> name = in.readString();
                case 4 -> op = in.readString();
                case 5 -> attrs.add(readAttr(in.readByteArray()));
                case 7 -> domain = in.readString();
                default -> in.skipField(tag);
            }
        }
        return new Node(name, op, domain, inputs, outputs, attrs);
    }

    private static Attr readAttr(byte[] bytes) throws IOException {
        CodedInputStream in = input(bytes);
        String name = "";
        int type = 0;
        float f = 0;
        long i = 0;
        byte[] s = null;
        Tensor t = null;
        List<Float> floats = new ArrayList<>();
        List<Long> ints = new ArrayList<>();
        for (int tag; (tag = in.readTag()) != 0;) {
            int field = WireFormat.getTagFieldNumber(tag);
            boolean packed = WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED;
            switch (field) {
                case 1 -> name = in.readString();
                case 20 -> type = in.readInt32();
                case 2 -> f = in.readFloat();
                case 3 -> i = in.readInt64();
                case 4 -> s = in.readByteArray();
                case 5 -> t = readTensor(in.readByteArray());
                case 7 -> {
                    if (packed) {
                        int limit = in.pushLimit(in.readRawVarint32());
                        while (in.getBytesUntilLimit() > 0) {
                            floats.add(in.readFloat());
                        }
                        in.popLimit(limit);
                    } else {
                        floats.add(in.readFloat());
                    }
                }
                case 8 -> {
                    if (packed) {
                        int limit = in.pushLimit(in.readRawVarint32());
                        while (in.getBytesUntilLimit() > 0) {
                            ints.add(in.readInt64());
                        }
                        in.popLimit(limit);
                    } else {
                        ints.add(in.readInt64());
                    }
                }
                default -> in.skipField(tag);
            }
        }
        float[] fs = new float[floats.size()];
        for (int k = 0; k < fs.length; k++) {
            fs[k] = floats.get(k);
        }
        return new Attr(name, type, f, i, s, t, fs, ints.stream().mapToLong(Long::longValue).toArray(), bytes);
    }

    static Tensor readTensor(byte[] bytes) throws IOException {
        CodedInputStream in = input(bytes);
        List<Long> dims = new ArrayList<>();
        int type = 0;
        String name = "";
        byte[] raw = null;
        ByteArrayOutputStream typed = new ByteArrayOutputStream();
        List<Long> wide = new ArrayList<>(); // int32_data: one value per element, narrowed by type below
        for (int tag; (tag = in.readTag()) != 0;) {
            int field = WireFormat.getTagFieldNumber(tag);
            boolean packed = WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED;
            int limit = packed && field != 8 && field != 9 && field != 12 && field != 13 && field != 3
                    ? in.pushLimit(in.readRawVarint32()) : -1;
            do {
                switch (field) {
                    case 1 -> dims.add(in.readInt64());
                    case 2 -> type = in.readInt32();
                    case 4 -> typed.writeBytes(le(4).putFloat(in.readFloat()).array());
                    case 5 -> wide.add((long) in.readInt32());
                    case 7 -> typed.writeBytes(le(8).putLong(in.readInt64()).array());
                    case 10 -> typed.writeBytes(le(8).putDouble(in.readDouble()).array());
                    case 8 -> name = in.readString();
                    case 9 -> raw = in.readByteArray();
                    case 13, 14 -> {
                        if (field == 14 && in.readInt32() == 0) {
                            break;
                        }
                        throw new UnsupportedGraphException("a tensor is stored as external data, which the "
                                + "differentiator does not read; save the model with its weights inside");
                    }
                    default -> {
                        if (limit >= 0) {
                            in.skipRawBytes(in.getBytesUntilLimit());
                        } else {
                            in.skipField(tag);
                        }
                    }
                }
            } while (limit >= 0 && in.getBytesUntilLimit() > 0);
            if (limit >= 0) {
                in.popLimit(limit);
            }
        }
        long[] d = dims.stream().mapToLong(Long::longValue).toArray();
        if (raw == null) {
            if (!wide.isEmpty()) {
                int size = OnnxModel.elementBytes(type);
                ByteBuffer b = le(wide.size() * size);
                for (long v : wide) {
                    switch (size) {
                        case 1 -> b.put((byte) v);
                        case 2 -> b.putShort((short) v);
                        default -> b.putInt((int) v);
                    }
                }
                raw = b.array();
            } else {
                raw = typed.toByteArray();
            }
        }
        return new Tensor(name, type, d, raw);
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static ValueInfo readValueInfo(byte[] bytes) throws IOException {
        CodedInputStream in = input(bytes);
        String name = "";
        int elem = 0;
        List<Long> dims = new ArrayList<>();
        List<String> params = new ArrayList<>();
        for (int tag; (tag = in.readTag()) != 0;) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> name = in.readString();
                case 2 -> {
                    CodedInputStream type = input(in.readByteArray());
                    for (int t; (t = type.readTag()) != 0;) {
                        if (WireFormat.getTagFieldNumber(t) != 1) {
                            type.skipField(t);
                            continue;
                        }
                        CodedInputStream tensor = input(type.readByteArray());
                        for (int u; (u = tensor.readTag()) != 0;) {
                            switch (WireFormat.getTagFieldNumber(u)) {
                                case 1 -> elem = tensor.readInt32();
                                case 2 -> readShape(tensor.readByteArray(), dims, params);
                                default -> tensor.skipField(u);
                            }
                        }
                    }
                }
                default -> in.skipField(tag);
            }
        }
        return new ValueInfo(name, elem, dims.stream().mapToLong(Long::longValue).toArray(),
                params.toArray(String[]::new));
    }

    private static void readShape(byte[] bytes, List<Long> dims, List<String> params) throws IOException {
        CodedInputStream in = input(bytes);
        for (int tag; (tag = in.readTag()) != 0;) {
            if (WireFormat.getTagFieldNumber(tag) != 1) {
                in.skipField(tag);
                continue;
            }
            CodedInputStream dim = input(in.readByteArray());
            long value = -1;
            String param = null;
            for (int t; (t = dim.readTag()) != 0;) {
                switch (WireFormat.getTagFieldNumber(t)) {
                    case 1 -> value = dim.readInt64();
                    case 2 -> param = dim.readString();
                    default -> dim.skipField(t);
                }
            }
            dims.add(value);
            params.add(param);
        }
    }

    /** Serialises {@code model} as a ModelProto. */
    public static byte[] write(OnnxModel model) {
        return message(out -> {
            out.writeInt64(1, model.irVersion);
            out.writeString(2, model.producerName.isEmpty() ? "jepa-score" : model.producerName);
            out.writeByteArray(7, message(g -> writeGraph(model, g)));
            for (var e : model.opsets.entrySet()) {
                out.writeByteArray(8, message(o -> {
                    o.writeString(1, e.getKey());
                    o.writeInt64(2, e.getValue());
                }));
            }
        });
    }

    /** A graph-valued attribute (a Scan or Loop body): {@code body}'s nodes, initializers, inputs and outputs. */
    static Attr graphAttr(String name, OnnxModel body) {
        byte[] encoded = message(o -> {
            o.writeString(1, name);
            o.writeByteArray(6, message(g -> writeGraph(body, g)));
            o.writeInt32(20, ATTR_GRAPH);
        });
        return new Attr(name, ATTR_GRAPH, 0, 0, null, null, null, null, encoded);
    }

    /** AttributeProto.AttributeType GRAPH (onnx.proto). */
    private static final int ATTR_GRAPH = 5;

    private static void writeGraph(OnnxModel model, CodedOutputStream g) throws IOException {
        for (Node n : model.nodes) {
            g.writeByteArray(1, message(o -> writeNode(n, o)));
        }
        g.writeString(2, model.graphName);
        for (Tensor t : model.initializers) {
            g.writeByteArray(5, tensor(t));
        }
        for (ValueInfo v : model.inputs) {
            g.writeByteArray(11, valueInfo(v));
        }
        for (ValueInfo v : model.outputs) {
            g.writeByteArray(12, valueInfo(v));
        }
    }

    private static void writeNode(Node n, CodedOutputStream o) throws IOException {
        for (String i : n.inputs()) {
            o.writeString(1, i);
        }
        for (String i : n.outputs()) {
            o.writeString(2, i);
        }
        if (!n.name().isEmpty()) {
            o.writeString(3, n.name());
        }
        o.writeString(4, n.opType());
        for (Attr a : n.attrs()) {
            o.writeByteArray(5, a.encoded() != null ? a.encoded() : attr(a));
        }
        if (!n.domain().isEmpty()) {
            o.writeString(7, n.domain());
        }
    }

    private static byte[] attr(Attr a) {
        return message(o -> {
            o.writeString(1, a.name());
            switch (a.type()) {
                case OnnxModel.ATTR_FLOAT -> o.writeFloat(2, a.f());
                case OnnxModel.ATTR_INT -> o.writeInt64(3, a.i());
                case OnnxModel.ATTR_STRING -> o.writeByteArray(4, a.s());
                case OnnxModel.ATTR_TENSOR -> o.writeByteArray(5, tensor(a.t()));
                case OnnxModel.ATTR_FLOATS -> {
                    for (float f : a.floats()) {
                        o.writeFloat(7, f);
                    }
                }
                case OnnxModel.ATTR_INTS -> {
                    for (long v : a.ints()) {
                        o.writeInt64(8, v);
                    }
                }
                default -> throw new IllegalArgumentException("attribute type " + a.type());
            }
            o.writeInt32(20, a.type());
        });
    }

    static byte[] tensor(Tensor t) {
        return message(o -> {
            for (long d : t.dims()) {
                o.writeInt64(1, d);
            }
            o.writeInt32(2, t.dataType());
            if (!t.name().isEmpty()) {
                o.writeString(8, t.name());
            }
            o.writeByteArray(9, t.raw());
        });
    }

    private static byte[] valueInfo(ValueInfo v) {
        return message(o -> {
            o.writeString(1, v.name());
            if (v.elemType() == 0) {
                return;
            }
            byte[] shape = v.dims() == null ? null : message(s -> {
                for (int i = 0; i < v.dims().length; i++) {
                    long d = v.dims()[i];
                    String p = v.params() != null && i < v.params().length ? v.params()[i] : null;
                    s.writeByteArray(1, message(dim -> {
                        if (d >= 0) {
                            dim.writeInt64(1, d);
                        } else if (p != null) {
                            dim.writeString(2, p);
                        }
                    }));
                }
            });
            byte[] tensor = message(t -> {
                t.writeInt32(1, v.elemType());
                if (v.dims() != null) {
                    t.writeByteArray(2, shape);
                }
            });
            o.writeByteArray(2, message(type -> type.writeByteArray(1, tensor)));
        });
    }

    private interface Body {
        void write(CodedOutputStream out) throws IOException;
    }

    private static byte[] message(Body body) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            CodedOutputStream out = CodedOutputStream.newInstance(bytes);
            body.write(out);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory failed", e);
        }
    }
}
