package org.mirrorsd.devices.onnx.export;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.mirrorsd.devices.onnx.export.OnnxGraph.Attribute;
import org.mirrorsd.devices.onnx.export.OnnxGraph.Initializer;
import org.mirrorsd.devices.onnx.export.OnnxGraph.Node;
import org.mirrorsd.devices.onnx.export.OnnxGraph.ValueInfo;

/**
 * Collects nodes and constants into an {@link OnnxGraph}. Every node is named after its (single, usually)
 * output, which the caller chooses, so the exported graph reads like the model code ("l3.attn.scores").
 */
final class GraphBuilder {
    private final List<Node> nodes = new ArrayList<>();
    private final List<Initializer> initializers = new ArrayList<>();
    private final List<ValueInfo> inputs = new ArrayList<>();
    private final List<ValueInfo> outputs = new ArrayList<>();
    private final Set<String> names = new HashSet<>();

    /** Adds a node with one output named {@code output}, and returns that name. */
    String op(String output, String opType, List<Attribute> attributes, String... inputs) {
        return ops(new String[] {output}, opType, attributes, inputs)[0];
    }

    String op(String output, String opType, String... inputs) {
        return op(output, opType, List.of(), inputs);
    }

    String[] ops(String[] outputs, String opType, List<Attribute> attributes, String... inputs) {
        for (String o : outputs) claim(o);
        nodes.add(new Node(opType, outputs[0] + "/" + opType, List.of(inputs), List.of(outputs), List.copyOf(attributes)));
        return outputs;
    }

    void input(ValueInfo v) {
        claim(v.name());
        inputs.add(v);
    }

    /** Declares an already produced value as a graph output. */
    void output(ValueInfo v) {
        if (!names.contains(v.name())) throw new IllegalStateException("graph output '" + v.name() + "' is never produced");
        outputs.add(v);
    }

    String floats(String name, long[] dims, Supplier<float[]> values) {
        claim(name);
        long expected = Arrays.stream(dims).reduce(1, (a, b) -> a * b);
        initializers.add(new Initializer(name, OnnxGraph.FLOAT, dims.clone(), () -> {
            float[] v = values.get();
            if (v.length != expected) throw new IllegalStateException(name + ": " + v.length + " values for " + expected + " elements");
            ByteBuffer b = ByteBuffer.allocate(v.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(v);
            return b.array();
        }));
        return name;
    }

    String scalar(String name, float value) {
        return floats(name, new long[0], () -> new float[] {value});
    }

    String int64s(String name, long... values) {
        return int64Tensor(name, new long[] {values.length}, values);
    }

    String scalar(String name, long value) {
        return int64Tensor(name, new long[0], new long[] {value});
    }

    private String int64Tensor(String name, long[] dims, long[] values) {
        claim(name);
        long[] copy = values.clone();
        initializers.add(new Initializer(name, OnnxGraph.INT64, dims, () -> {
            ByteBuffer b = ByteBuffer.allocate(copy.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            b.asLongBuffer().put(copy);
            return b.array();
        }));
        return name;
    }

    boolean has(String name) { return names.contains(name); }

    OnnxGraph build(String graphName) {
        return new OnnxGraph(graphName, List.copyOf(nodes), List.copyOf(initializers), List.copyOf(inputs), List.copyOf(outputs));
    }

    private void claim(String name) {
        if (!names.add(name)) throw new IllegalStateException("value name '" + name + "' used twice");
    }
}
