package org.mirrorsd.devices.onnx.export;

import java.util.List;
import java.util.function.Supplier;

/**
 * An ONNX graph as plain data, before it is encoded: nodes in topological order, weight initializers (whose
 * bytes are produced only when written, so a large model is never held twice), and the typed graph inputs
 * and outputs.
 */
public record OnnxGraph(String name, List<Node> nodes, List<Initializer> initializers, List<ValueInfo> inputs,
                        List<ValueInfo> outputs) {

    /** TensorProto.DataType values used here. */
    public static final int FLOAT = 1;
    public static final int INT64 = 7;
    public static final int BOOL = 9;

    /** One operator application; the default (ai.onnx) domain only. */
    public record Node(String opType, String name, List<String> inputs, List<String> outputs, List<Attribute> attributes) {}

    public sealed interface Attribute permits IntAttribute, IntsAttribute, FloatAttribute {
        String name();
    }

    public record IntAttribute(String name, long value) implements Attribute {}

    public record IntsAttribute(String name, long[] values) implements Attribute {}

    public record FloatAttribute(String name, float value) implements Attribute {}

    /** A dimension: a fixed size, or a named symbolic one ({@code batch_size}). */
    public record Dim(long value, String param) {
        public static Dim of(long value) { return new Dim(value, null); }

        public static Dim of(String param) { return new Dim(-1, param); }
    }

    public record ValueInfo(String name, int elemType, List<Dim> shape) {}

    /**
     * A constant tensor.
     *
     * @param rawData little-endian element bytes, computed when the tensor is written
     */
    public record Initializer(String name, int dataType, long[] dims, Supplier<byte[]> rawData) {
        public long elements() {
            long n = 1;
            for (long d : dims) n *= d;
            return n;
        }

        public long byteSize() {
            return elements() * (dataType == BOOL ? 1 : dataType == INT64 ? 8 : 4);
        }
    }
}
