package dev.jepascore.packaging.autodiff;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.LinkedHashMap;

/**
 * The parts of an ONNX model the differentiator reads and writes: opsets, nodes with their attributes,
 * initializers and the graph's inputs and outputs. Field meanings and numbers follow the ONNX IR
 * specification (onnx.proto3, IR version 8); {@link OnnxWire} reads and writes them.
 */
public final class OnnxModel {

    /** TensorProto.DataType values (ONNX IR specification). */
    public static final int FLOAT = 1;
    public static final int UINT8 = 2;
    public static final int INT8 = 3;
    public static final int UINT16 = 4;
    public static final int INT16 = 5;
    public static final int INT32 = 6;
    public static final int INT64 = 7;
    public static final int BOOL = 9;
    public static final int FLOAT16 = 10;
    public static final int DOUBLE = 11;

    /** AttributeProto.AttributeType values (ONNX IR specification). */
    static final int ATTR_FLOAT = 1;
    static final int ATTR_INT = 2;
    static final int ATTR_STRING = 3;
    static final int ATTR_TENSOR = 4;
    static final int ATTR_FLOATS = 6;
    static final int ATTR_INTS = 7;

    long irVersion = 8;
    String producerName = "";
    /** Opset versions by domain ("" is the default ONNX domain). */
    final Map<String, Long> opsets = new LinkedHashMap<>();
    final List<Node> nodes = new ArrayList<>();
    final List<Tensor> initializers = new ArrayList<>();
    final List<ValueInfo> inputs = new ArrayList<>();
    final List<ValueInfo> outputs = new ArrayList<>();
    String graphName = "graph";

    /** The default domain's opset version. */
    long opset() {
        return opsets.getOrDefault("", opsets.getOrDefault("ai.onnx", 0L));
    }

    /** A tensor value: name, element type, dimensions, little-endian contents. */
    public record Tensor(String name, int dataType, long[] dims, byte[] raw) {

        long count() {
            long n = 1;
            for (long d : dims) {
                n *= d;
            }
            return n;
        }

        static Tensor ofDoubles(String name, int dataType, long[] dims, double[] values) {
            ByteBuffer b = ByteBuffer.allocate(values.length * elementBytes(dataType)).order(ByteOrder.LITTLE_ENDIAN);
            for (double v : values) {
                switch (dataType) {
                    case FLOAT -> b.putFloat((float) v);
                    case DOUBLE -> b.putDouble(v);
                    default -> throw new IllegalArgumentException("ofDoubles: type " + dataType);
                }
            }
            return new Tensor(name, dataType, dims, b.array());
        }

        static Tensor ofLongs(String name, long[] dims, long[] values) {
            ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
            for (long v : values) {
                b.putLong(v);
            }
            return new Tensor(name, INT64, dims, b.array());
        }

        /** The values as doubles (float, double and integer types). */
        double[] doubles() {
            int n = (int) count();
            double[] out = new double[n];
            ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) {
                out[i] = switch (dataType) {
                    case FLOAT -> b.getFloat();
                    case DOUBLE -> b.getDouble();
                    case INT64 -> b.getLong();
                    case INT32 -> b.getInt();
                    case INT16 -> b.getShort();
                    case UINT16 -> b.getShort() & 0xffff;
                    case INT8 -> b.get();
                    case UINT8, BOOL -> b.get() & 0xff;
                    default -> throw new UnsupportedGraphException("tensor " + name + " has element type " + dataType
                            + ", which the differentiator does not read");
                };
            }
            return out;
        }

        /** The values as longs (integer types). */
        long[] longs() {
            if (dataType == INT64) {
                int n = (int) count();
                long[] out = new long[n];
                ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < n; i++) {
                    out[i] = b.getLong();
                }
                return out;
            }
            return Arrays.stream(doubles()).mapToLong(v -> (long) v).toArray();
        }

        @Override
        public String toString() {
            return name + Arrays.toString(dims) + " type " + dataType;
        }
    }

    /** Bytes per element of the types stored as raw data. */
    static int elementBytes(int dataType) {
        return switch (dataType) {
            case FLOAT, INT32 -> 4;
            case DOUBLE, INT64 -> 8;
            case INT16, UINT16, FLOAT16 -> 2;
            case INT8, UINT8, BOOL -> 1;
            default -> throw new UnsupportedGraphException("element type " + dataType + " is not supported");
        };
    }

    /**
     * One attribute. Kinds the differentiator never builds (graphs, strings lists, sparse tensors) keep
     * their encoded bytes in {@code encoded} and are written back unchanged.
     */
    public record Attr(String name, int type, float f, long i, byte[] s, Tensor t, float[] floats, long[] ints,
            byte[] encoded) {

        static Attr of(String name, long value) {
            return new Attr(name, ATTR_INT, 0, value, null, null, null, null, null);
        }

        static Attr of(String name, float value) {
            return new Attr(name, ATTR_FLOAT, value, 0, null, null, null, null, null);
        }

        static Attr of(String name, long... values) {
            return new Attr(name, ATTR_INTS, 0, 0, null, null, null, values, null);
        }

        static Attr of(String name, Tensor value) {
            return new Attr(name, ATTR_TENSOR, 0, 0, null, value, null, null, null);
        }

        static Attr of(String name, String value) {
            return new Attr(name, ATTR_STRING, 0, 0, value.getBytes(java.nio.charset.StandardCharsets.UTF_8), null,
                    null, null, null);
        }

        String string() {
            return s == null ? null : new String(s, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** One node; {@code ""} in {@code inputs} is an omitted optional input. */
    public record Node(String name, String opType, String domain, List<String> inputs, List<String> outputs,
            List<Attr> attrs) {

        Attr attr(String attrName) {
            for (Attr a : attrs) {
                if (a.name().equals(attrName)) {
                    return a;
                }
            }
            return null;
        }

        long intAttr(String attrName, long fallback) {
            Attr a = attr(attrName);
            return a == null ? fallback : a.i();
        }

        float floatAttr(String attrName, float fallback) {
            Attr a = attr(attrName);
            return a == null ? fallback : a.f();
        }

        long[] intsAttr(String attrName) {
            Attr a = attr(attrName);
            return a == null ? null : a.ints();
        }

        String stringAttr(String attrName, String fallback) {
            Attr a = attr(attrName);
            return a == null ? fallback : a.string();
        }

        /** Input {@code i}, or "" when absent. */
        String in(int i) {
            return i < inputs.size() ? inputs.get(i) : "";
        }

        String describe() {
            return opType + (name.isEmpty() ? "" : " '" + name + "'");
        }
    }

    /** A graph input or output: name, element type, dimensions (-1 where symbolic or unknown). */
    public record ValueInfo(String name, int elemType, long[] dims, String[] params) {
    }
}
