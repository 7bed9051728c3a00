package org.mirrorsd.devices.onnx.export;

import org.mirrorsd.devices.onnx.export.OnnxGraph.Attribute;
import org.mirrorsd.devices.onnx.export.OnnxGraph.Dim;
import org.mirrorsd.devices.onnx.export.OnnxGraph.FloatAttribute;
import org.mirrorsd.devices.onnx.export.OnnxGraph.Initializer;
import org.mirrorsd.devices.onnx.export.OnnxGraph.IntAttribute;
import org.mirrorsd.devices.onnx.export.OnnxGraph.IntsAttribute;
import org.mirrorsd.devices.onnx.export.OnnxGraph.Node;
import org.mirrorsd.devices.onnx.export.OnnxGraph.ValueInfo;

/**
 * Encodes the onnx.proto messages an exporter needs (field numbers from onnx.proto, IR version 8):
 * NodeProto, AttributeProto, TensorProto, ValueInfoProto (with TypeProto and TensorShapeProto),
 * OperatorSetIdProto and the fields of GraphProto and ModelProto.
 */
final class OnnxProtos {
    // AttributeProto.AttributeType
    private static final int ATTR_FLOAT = 1;
    private static final int ATTR_INT = 2;
    private static final int ATTR_INTS = 7;
    // GraphProto fields
    static final int GRAPH_NODE = 1;
    static final int GRAPH_NAME = 2;
    static final int GRAPH_INITIALIZER = 5;
    static final int GRAPH_INPUT = 11;
    static final int GRAPH_OUTPUT = 12;
    // ModelProto fields
    static final int MODEL_IR_VERSION = 1;
    static final int MODEL_PRODUCER_NAME = 2;
    static final int MODEL_PRODUCER_VERSION = 3;
    static final int MODEL_DOC_STRING = 6;
    static final int MODEL_GRAPH = 7;
    static final int MODEL_OPSET_IMPORT = 8;
    static final int MODEL_METADATA_PROPS = 14;

    private OnnxProtos() {}

    static ProtoWriter node(Node n) {
        ProtoWriter w = new ProtoWriter();
        for (String in : n.inputs()) w.string(1, in);
        for (String out : n.outputs()) w.string(2, out);
        w.string(3, n.name());
        w.string(4, n.opType());
        for (Attribute a : n.attributes()) w.message(5, attribute(a));
        return w;
    }

    static ProtoWriter attribute(Attribute a) {
        ProtoWriter w = new ProtoWriter().string(1, a.name());
        switch (a) {
            case IntAttribute i -> w.int64(20, ATTR_INT).int64(3, i.value());
            case IntsAttribute is -> {
                w.int64(20, ATTR_INTS);
                for (long v : is.values()) w.int64(8, v); // unpacked: repeated int64 ints = 8 (proto2)
            }
            case FloatAttribute f -> w.int64(20, ATTR_FLOAT).float32(2, f.value());
        }
        return w;
    }

    /** A TensorProto holding its bytes inline (raw_data). */
    static ProtoWriter tensor(Initializer t, byte[] raw) {
        ProtoWriter w = tensorHeader(t);
        w.bytes(9, raw);
        return w;
    }

    /** A TensorProto whose bytes live in {@code location} (relative to the model file) at {@code offset}. */
    static ProtoWriter externalTensor(Initializer t, String location, long offset, long length) {
        ProtoWriter w = tensorHeader(t);
        w.message(13, entry("location", location));
        w.message(13, entry("offset", Long.toString(offset)));
        w.message(13, entry("length", Long.toString(length)));
        w.int64(14, 1); // data_location = EXTERNAL
        return w;
    }

    private static ProtoWriter tensorHeader(Initializer t) {
        ProtoWriter w = new ProtoWriter();
        for (long d : t.dims()) w.int64(1, d);
        w.int64(2, t.dataType());
        w.string(8, t.name());
        return w;
    }

    static ProtoWriter valueInfo(ValueInfo v) {
        ProtoWriter shape = new ProtoWriter();
        for (Dim d : v.shape()) {
            ProtoWriter dim = new ProtoWriter();
            if (d.param() != null) dim.string(2, d.param());
            else dim.int64(1, d.value());
            shape.message(1, dim);
        }
        ProtoWriter tensorType = new ProtoWriter().int64(1, v.elemType()).message(2, shape);
        ProtoWriter type = new ProtoWriter().message(1, tensorType);
        return new ProtoWriter().string(1, v.name()).message(2, type);
    }

    static ProtoWriter opset(String domain, long version) {
        ProtoWriter w = new ProtoWriter();
        if (!domain.isEmpty()) w.string(1, domain);
        return w.int64(2, version);
    }

    static ProtoWriter entry(String key, String value) {
        return new ProtoWriter().string(1, key).string(2, value);
    }
}
