package org.mirrorsd.devices.onnx.export;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.mirrorsd.devices.ArchitectureSupport;
import org.mirrorsd.devices.onnx.export.OnnxGraph.Initializer;
import org.mirrorsd.devices.onnx.export.OnnxGraph.Node;
import org.mirrorsd.devices.onnx.export.OnnxGraph.ValueInfo;
import org.mirrorsd.models.LlamaModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a loaded Llama-family model as an ONNX decoder-with-past ({@link LlamaGraph} describes the graph):
 * {@code model.onnx}, {@code model.onnx.data} when the weights are stored outside it, and the
 * {@link ExportSidecar} JSON. Quantised weights are dequantised to float32.
 */
public final class OnnxExporter {
    private static final Logger log = LoggerFactory.getLogger(OnnxExporter.class);

    public static final String MODEL_FILE = "model.onnx";
    public static final String DATA_FILE = "model.onnx.data";
    /** IR 8 / opset 17: what onnx 1.12 (Debian's python3-onnx) checks, and every ORT since 1.14 runs. */
    public static final int IR_VERSION = 8;
    public static final int OPSET = 17;

    private static final long EXTERNAL_ABOVE_BYTES = 1L << 30;
    /** Tiny constants (shapes, scalars) stay inline even with external weights. */
    private static final long INLINE_BELOW_BYTES = 1024;
    private static final int DATA_ALIGNMENT = 64;

    private OnnxExporter() {}

    public static ExportedModel export(LlamaModel model, Path outDir) throws IOException {
        return export(model, outDir, WeightStorage.AUTO);
    }

    public static ExportedModel export(LlamaModel model, Path outDir, WeightStorage storage) throws IOException {
        ArchitectureSupport.requirePlainLlama("onnx", model);
        long t0 = System.nanoTime();
        Files.createDirectories(outDir);
        OnnxGraph graph = LlamaGraph.build(model);
        long weightBytes = graph.initializers().stream().mapToLong(Initializer::byteSize).sum();
        boolean external = storage == WeightStorage.EXTERNAL
                || (storage == WeightStorage.AUTO && weightBytes > EXTERNAL_ABOVE_BYTES);
        Path modelFile = outDir.resolve(MODEL_FILE);
        Path dataFile = external ? outDir.resolve(DATA_FILE) : null;
        Files.deleteIfExists(outDir.resolve(DATA_FILE));

        ProtoWriter graphProto = encodeGraph(graph, dataFile);
        ProtoWriter header = new ProtoWriter()
                .int64(OnnxProtos.MODEL_IR_VERSION, IR_VERSION)
                .string(OnnxProtos.MODEL_PRODUCER_NAME, "mirror-sd")
                .string(OnnxProtos.MODEL_PRODUCER_VERSION, "0.1")
                .string(OnnxProtos.MODEL_DOC_STRING, "Llama decoder with past (Optimum layout) exported from " + model.path().getFileName())
                .message(OnnxProtos.MODEL_OPSET_IMPORT, OnnxProtos.opset("", OPSET))
                .message(OnnxProtos.MODEL_METADATA_PROPS, OnnxProtos.entry("mirror-sd.rope_layout", model.config().ropeLayout().name()))
                .messageHeader(OnnxProtos.MODEL_GRAPH, graphProto.size());
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(modelFile))) {
            header.writeTo(out);
            graphProto.writeTo(out); // streamed after its header instead of copied into the model message
        }
        Path sidecar = outDir.resolve(ExportSidecar.FILE_NAME);
        new ExportSidecar(ExportSidecar.FORMAT, OPSET, model.path().toString(), model.config()).write(sidecar);
        log.info("exported {} to {} ({} nodes, {} MB of float32 weights{}) in {} ms", model.name(), modelFile,
                graph.nodes().size(), weightBytes >> 20, external ? " in " + DATA_FILE : "",
                (System.nanoTime() - t0) / 1_000_000);
        return new ExportedModel(modelFile, dataFile, sidecar, graph.nodes().size(), weightBytes);
    }

    private static ProtoWriter encodeGraph(OnnxGraph graph, Path dataFile) throws IOException {
        ProtoWriter w = new ProtoWriter();
        w.string(OnnxProtos.GRAPH_NAME, graph.name());
        for (Node n : graph.nodes()) w.message(OnnxProtos.GRAPH_NODE, OnnxProtos.node(n));
        if (dataFile == null) {
            for (Initializer t : graph.initializers()) w.message(OnnxProtos.GRAPH_INITIALIZER, OnnxProtos.tensor(t, t.rawData().get()));
        } else {
            writeExternal(graph, dataFile, w);
        }
        for (ValueInfo v : graph.inputs()) w.message(OnnxProtos.GRAPH_INPUT, OnnxProtos.valueInfo(v));
        for (ValueInfo v : graph.outputs()) w.message(OnnxProtos.GRAPH_OUTPUT, OnnxProtos.valueInfo(v));
        return w;
    }

    /** Streams large tensors one at a time into the data file, so at most one is in memory. */
    private static void writeExternal(OnnxGraph graph, Path dataFile, ProtoWriter w) throws IOException {
        String location = dataFile.getFileName().toString();
        try (OutputStream data = new BufferedOutputStream(Files.newOutputStream(dataFile), 1 << 20)) {
            long offset = 0;
            for (Initializer t : graph.initializers()) {
                byte[] raw = t.rawData().get();
                if (raw.length < INLINE_BELOW_BYTES) {
                    w.message(OnnxProtos.GRAPH_INITIALIZER, OnnxProtos.tensor(t, raw));
                    continue;
                }
                long padding = (DATA_ALIGNMENT - offset % DATA_ALIGNMENT) % DATA_ALIGNMENT;
                data.write(new byte[(int) padding]);
                offset += padding;
                data.write(raw);
                w.message(OnnxProtos.GRAPH_INITIALIZER, OnnxProtos.externalTensor(t, location, offset, raw.length));
                offset += raw.length;
            }
        }
    }
}
