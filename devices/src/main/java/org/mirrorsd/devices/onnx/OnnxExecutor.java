package org.mirrorsd.devices.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.mirrorsd.devices.ForwardBatch;
import org.mirrorsd.devices.LayerExecutor;
import org.mirrorsd.devices.onnx.export.ExportSidecar;
import org.mirrorsd.devices.onnx.export.ExportedModel;
import org.mirrorsd.devices.onnx.export.OnnxExporter;
import org.mirrorsd.models.LlamaConfig;
import org.mirrorsd.models.LlamaModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Llama model on an ONNX Runtime session: the draft device of a heterogeneous setup (an NPU through QNN,
 * OpenVINO, CoreML or NNAPI, else XNNPACK or ORT's CPU provider; see {@link OnnxOptions}).
 *
 * <p>The graph is a whole decoder-with-past (our {@link OnnxExporter export} or an Optimum export with the same
 * input/output names), so this executor can only run every layer at once: {@link #embed} checks the tokens,
 * {@link #runLayers runLayers(0, layers)} runs the session and keeps the logits, {@link #logits} hands them out.
 * Hidden states stay inside the session ({@link ForwardBatch#hidden()} is not written) and partial layer ranges,
 * which early exit on the target needs, are refused. That is all a draft model needs.
 *
 * <p>K/V live on the host ({@link OnnxKvCache}) and travel as past_key_values / present each call, which keeps
 * fork and truncate cheap and exact, at the price of copying the past every step (counted in
 * {@link #transferStats()}). Rows of different caches share a call when they feed equally many tokens; see
 * {@link BatchPlan}.
 */
public final class OnnxExecutor implements LayerExecutor {
    private static final Logger log = LoggerFactory.getLogger(OnnxExecutor.class);

    private final OrtEnvironment env;
    private final OrtSession session;
    private final String provider;
    private final LlamaConfig c;
    private final Path modelFile;
    private final int threads;
    private final boolean hasAttentionMask;
    private final String[] pastKeys, pastValues, presentKeys, presentValues;
    private final TransferCounter transfers = new TransferCounter();
    private final AtomicInteger openCaches = new AtomicInteger();

    private OnnxExecutor(Path modelFile, LlamaConfig config, OnnxOptions options) throws OrtException {
        this.env = environment();
        this.c = config;
        this.modelFile = modelFile;
        this.threads = options.intraOpThreads();
        ExecutionProviders.Opened opened = ExecutionProviders.open(env, modelFile.toString(), options);
        this.session = opened.session();
        this.provider = opened.provider();
        int layers = config.layers();
        pastKeys = new String[layers];
        pastValues = new String[layers];
        presentKeys = new String[layers];
        presentValues = new String[layers];
        for (int l = 0; l < layers; l++) {
            pastKeys[l] = "past_key_values." + l + ".key";
            pastValues[l] = "past_key_values." + l + ".value";
            presentKeys[l] = "present." + l + ".key";
            presentValues[l] = "present." + l + ".value";
        }
        try {
            hasAttentionMask = checkInterface();
        } catch (RuntimeException | OrtException e) {
            session.close();
            throw e;
        }
    }

    /** Opens an ONNX decoder-with-past for a model of the given shape. */
    public static OnnxExecutor open(Path modelFile, LlamaConfig config, OnnxOptions options) throws IOException {
        try {
            return new OnnxExecutor(modelFile, config, options);
        } catch (OrtException e) {
            throw new IOException("cannot open " + modelFile + " with ONNX Runtime: " + e.getMessage(), e);
        }
    }

    /** Opens a directory written by {@link OnnxExporter} (model.onnx and its JSON sidecar). */
    public static OnnxExecutor openExport(Path dir, OnnxOptions options) throws IOException {
        ExportSidecar sidecar = ExportSidecar.read(dir.resolve(ExportSidecar.FILE_NAME));
        return open(dir.resolve(OnnxExporter.MODEL_FILE), sidecar.config(), options);
    }

    /** Exports {@code model} into {@code dir} and opens the export. */
    public static OnnxExecutor exportAndOpen(LlamaModel model, Path dir, OnnxOptions options) throws IOException {
        ExportedModel exported = OnnxExporter.export(model, dir);
        return open(exported.model(), model.config(), options);
    }

    private static synchronized OrtEnvironment environment() {
        OrtEnvironment e = OrtEnvironment.getEnvironment();
        try {
            e.setTelemetry(false);
        } catch (OrtException ex) {
            log.debug("cannot switch ONNX Runtime telemetry off: {}", ex.getMessage());
        }
        return e;
    }

    /** Checks the graph's names and K/V shapes against the config; true when it takes an attention_mask. */
    private boolean checkInterface() throws OrtException {
        Map<String, NodeInfo> inputs = session.getInputInfo();
        Map<String, NodeInfo> outputs = session.getOutputInfo();
        List<String> missing = new java.util.ArrayList<>();
        for (String name : List.of("input_ids", "position_ids", pastKeys[0], pastValues[c.layers() - 1])) {
            if (!inputs.containsKey(name)) missing.add("input " + name);
        }
        for (String name : List.of("logits", presentKeys[0], presentValues[c.layers() - 1])) {
            if (!outputs.containsKey(name)) missing.add("output " + name);
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(modelFile + " is not a decoder-with-past for this config: missing " + missing
                    + " (inputs " + inputs.keySet() + ")");
        }
        if (inputs.containsKey("past_key_values." + c.layers() + ".key")) {
            throw new IllegalArgumentException(modelFile + " has more layers than the config's " + c.layers());
        }
        if (inputs.get(pastKeys[0]).getInfo() instanceof TensorInfo t) {
            long[] shape = t.getShape();
            if (shape.length != 4 || (shape[1] > 0 && shape[1] != c.kvHeads()) || (shape[3] > 0 && shape[3] != c.headSize())) {
                throw new IllegalArgumentException(modelFile + ": past key shape " + Arrays.toString(shape) + " does not match "
                        + c.kvHeads() + " KV heads of " + c.headSize());
            }
        }
        return inputs.containsKey("attention_mask");
    }

    @Override
    public String describe() {
        return "onnx: " + provider + " execution provider, " + threads + " intra-op threads, ONNX Runtime " + env.getVersion()
                + ", " + modelFile.getFileName();
    }

    @Override
    public LlamaConfig config() { return c; }

    /** The execution provider the session runs on: "QNN", "OPENVINO", ..., "CPU". */
    public String provider() { return provider; }

    /** Bytes and time moved across the session boundary since this executor opened. */
    public TransferStats transferStats() { return transfers.snapshot(); }

    /** KV caches (and forks) made by this executor and not yet closed. */
    public int openCaches() { return openCaches.get(); }

    @Override
    public OnnxKvCache newCache(int capacity) {
        if (capacity < 1 || capacity > c.contextLength()) {
            throw new IllegalArgumentException("cache capacity " + capacity + " outside 1.." + c.contextLength());
        }
        return new OnnxKvCache(this, c.layers(), c.kvHeads(), c.headSize(), capacity, openCaches);
    }

    @Override
    public ForwardBatch newBatch(int capacity) {
        ForwardBatch b = new ForwardBatch(capacity, c.dim());
        b.scratch(new Scratch(capacity, c));
        return b;
    }

    /** Per-batch state: the plan, the logits of the last run, and the direct buffers the session reads and writes. */
    private static final class Scratch {
        final BatchPlan plan;
        final float[] logits;
        boolean logitsReady;
        LongBuffer ids, positions, mask;
        FloatBuffer logitsOut;
        final FloatBuffer[] pastK, pastV, presentK, presentV;
        final Map<String, OnnxTensor> inputs = new HashMap<>();
        final Map<String, OnnxTensor> outputs = new HashMap<>();

        Scratch(int capacity, LlamaConfig c) {
            plan = new BatchPlan(capacity);
            logits = new float[capacity * c.vocabSize()];
            pastK = new FloatBuffer[c.layers()];
            pastV = new FloatBuffer[c.layers()];
            presentK = new FloatBuffer[c.layers()];
            presentV = new FloatBuffer[c.layers()];
        }
    }

    private static Scratch scratch(ForwardBatch b) {
        if (!(b.scratch() instanceof Scratch s)) throw new IllegalArgumentException("batch was not made by an ONNX executor");
        return s;
    }

    @Override
    public void embed(ForwardBatch b) {
        Scratch s = scratch(b);
        for (int r = 0; r < b.size(); r++) {
            int token = b.token(r);
            if (token < 0 || token >= c.vocabSize()) {
                throw new IllegalArgumentException("token id " + token + " outside the vocabulary 0.." + (c.vocabSize() - 1));
            }
        }
        s.logitsReady = false; // the embedding itself happens inside the session
    }

    @Override
    public void runLayers(int from, int to, ForwardBatch b) {
        if (from == to) return;
        if (from != 0 || to != c.layers()) {
            throw new UnsupportedOperationException("the ONNX executor runs the whole model in one session call: only"
                    + " runLayers(0, " + c.layers() + ") is supported, not [" + from + ", " + to + ")"
                    + " (early exit needs a layer-wise device such as cpu)");
        }
        Scratch s = scratch(b);
        if (b.size() == 0) return;
        s.plan.plan(b, this);
        try {
            while (s.plan.nextCall(hasAttentionMask)) runCall(b, s);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed on " + modelFile.getFileName() + ": " + e.getMessage(), e);
        }
        s.logitsReady = true;
    }

    /** One session run over the plan's current call, then its logits and new K/V unpacked. */
    private void runCall(ForwardBatch b, Scratch s) throws OrtException {
        long t0 = System.nanoTime();
        BatchPlan p = s.plan;
        int seqs = p.callSize, newTokens = p.callTokens(), past = p.callPast(), total = past + newTokens;
        int rows = seqs * newTokens;
        long sessionNanos;
        long bytesIn;
        try {
            bytesIn = bindInputs(b, s, seqs, newTokens, past);
            bindOutputs(s, seqs, newTokens, total);
            long run0 = System.nanoTime();
            // Outputs are pinned to our buffers: the session writes logits and present K/V in place.
            session.run(s.inputs, s.outputs).close();
            sessionNanos = System.nanoTime() - run0;
        } finally {
            closeAll(s.inputs); // the tensors only wrap our buffers: closing frees just the native handles
            closeAll(s.outputs);
        }
        unpack(s, seqs, newTokens, past, total);
        long presentFloats = (long) seqs * c.kvHeads() * total * c.headSize();
        long bytesOut = ((long) rows * c.vocabSize() + 2L * c.layers() * presentFloats) * Float.BYTES;
        transfers.record(rows, bytesIn, bytesOut, sessionNanos, System.nanoTime() - t0);
    }

    /** Token ids, positions, attention mask and past K/V of the call; returns the bytes handed over. */
    private long bindInputs(ForwardBatch b, Scratch s, int seqs, int newTokens, int past) throws OrtException {
        BatchPlan p = s.plan;
        int rows = seqs * newTokens, total = past + newTokens;
        s.ids = DirectBuffers.longs(s.ids, rows);
        s.positions = DirectBuffers.longs(s.positions, rows);
        for (int i = 0; i < seqs; i++) {
            int j = p.call[i];
            for (int t = 0; t < newTokens; t++) {
                int row = p.order[p.first[j] + t];
                s.ids.put(i * newTokens + t, b.token(row));
                s.positions.put(i * newTokens + t, b.position(row));
            }
        }
        long[] tokenShape = {seqs, newTokens};
        put(s.inputs, "input_ids", OnnxTensor.createTensor(env, s.ids.slice(0, rows), tokenShape));
        put(s.inputs, "position_ids", OnnxTensor.createTensor(env, s.positions.slice(0, rows), tokenShape));
        long bytes = 2L * rows * Long.BYTES;
        if (hasAttentionMask) {
            s.mask = DirectBuffers.longs(s.mask, (long) seqs * total);
            for (int i = 0; i < seqs; i++) {
                int padding = past - p.start[p.call[i]];
                for (int k = 0; k < total; k++) s.mask.put(i * total + k, k < padding ? 0 : 1);
            }
            put(s.inputs, "attention_mask", OnnxTensor.createTensor(env, s.mask.slice(0, seqs * total), new long[] {seqs, total}));
            bytes += (long) seqs * total * Long.BYTES;
        }
        int pastFloats = seqs * c.kvHeads() * past * c.headSize();
        long[] pastShape = {seqs, c.kvHeads(), past, c.headSize()};
        for (int l = 0; l < c.layers(); l++) {
            s.pastK[l] = packPast(s.pastK[l], p, l, false, past, pastFloats);
            s.pastV[l] = packPast(s.pastV[l], p, l, true, past, pastFloats);
            put(s.inputs, pastKeys[l], OnnxTensor.createTensor(env, s.pastK[l].slice(0, pastFloats), pastShape));
            put(s.inputs, pastValues[l], OnnxTensor.createTensor(env, s.pastV[l].slice(0, pastFloats), pastShape));
        }
        return bytes + 2L * c.layers() * pastFloats * Float.BYTES;
    }

    private void bindOutputs(Scratch s, int seqs, int newTokens, int total) throws OrtException {
        int rows = seqs * newTokens, vocab = c.vocabSize();
        int presentFloats = seqs * c.kvHeads() * total * c.headSize();
        long[] presentShape = {seqs, c.kvHeads(), total, c.headSize()};
        for (int l = 0; l < c.layers(); l++) {
            s.presentK[l] = DirectBuffers.floats(s.presentK[l], presentFloats);
            s.presentV[l] = DirectBuffers.floats(s.presentV[l], presentFloats);
            put(s.outputs, presentKeys[l], OnnxTensor.createTensor(env, s.presentK[l].slice(0, presentFloats), presentShape));
            put(s.outputs, presentValues[l], OnnxTensor.createTensor(env, s.presentV[l].slice(0, presentFloats), presentShape));
        }
        s.logitsOut = DirectBuffers.floats(s.logitsOut, (long) rows * vocab);
        put(s.outputs, "logits", OnnxTensor.createTensor(env, s.logitsOut.slice(0, rows * vocab), new long[] {seqs, newTokens, vocab}));
    }

    /** Logits to their batch rows; the new positions' K/V (they follow the past in present) into the caches. */
    private void unpack(Scratch s, int seqs, int newTokens, int past, int total) {
        BatchPlan p = s.plan;
        int vocab = c.vocabSize(), kvHeads = c.kvHeads(), headSize = c.headSize();
        for (int i = 0; i < seqs; i++) {
            int j = p.call[i];
            for (int t = 0; t < newTokens; t++) {
                s.logitsOut.get((i * newTokens + t) * vocab, s.logits, p.order[p.first[j] + t] * vocab, vocab);
            }
            p.cache[j].prepareWrite(p.start[j], newTokens);
        }
        for (int l = 0; l < c.layers(); l++) {
            for (int i = 0; i < seqs; i++) {
                int j = p.call[i];
                for (int h = 0; h < kvHeads; h++) {
                    int at = ((i * kvHeads + h) * total + past) * headSize;
                    p.cache[j].write(l, false, h, p.start[j], newTokens, s.presentK[l], at);
                    p.cache[j].write(l, true, h, p.start[j], newTokens, s.presentV[l], at);
                }
            }
        }
    }

    /** Packs each sequence's past of one layer as [seqs, kv_heads, past, head_size], left-padded with zeros. */
    private FloatBuffer packPast(FloatBuffer buf, BatchPlan p, int layer, boolean values, int past, int floats) {
        buf = DirectBuffers.floats(buf, Math.max(1, floats));
        int headSize = c.headSize(), kvHeads = c.kvHeads();
        for (int i = 0; i < p.callSize; i++) {
            int j = p.call[i];
            int padding = (past - p.start[j]) * headSize;
            for (int h = 0; h < kvHeads; h++) {
                int base = (i * kvHeads + h) * past * headSize;
                for (int k = 0; k < padding; k++) buf.put(base + k, 0f);
                p.cache[j].readPast(layer, values, h, p.start[j], buf, base + padding);
            }
        }
        return buf;
    }

    private static void put(Map<String, OnnxTensor> map, String name, OnnxTensor t) {
        OnnxTensor old = map.put(name, t);
        if (old != null) old.close();
    }

    private static void closeAll(Map<String, OnnxTensor> map) {
        for (OnnxTensor t : map.values()) t.close();
        map.clear();
    }

    @Override
    public void logits(ForwardBatch b, float[] out) {
        Scratch s = ready(b);
        System.arraycopy(s.logits, 0, out, 0, b.size() * c.vocabSize());
    }

    @Override
    public void logits(ForwardBatch b, int row, float[] out, int outOffset) {
        Scratch s = ready(b);
        if (row < 0 || row >= b.size()) throw new IndexOutOfBoundsException("row " + row + " of a batch of " + b.size());
        System.arraycopy(s.logits, row * c.vocabSize(), out, outOffset, c.vocabSize());
    }

    private Scratch ready(ForwardBatch b) {
        Scratch s = scratch(b);
        if (!s.logitsReady) {
            throw new IllegalStateException("no logits: the ONNX executor computes them in runLayers(0, " + c.layers()
                    + "), call it after embed");
        }
        return s;
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            log.warn("closing the ONNX session of {}: {}", modelFile, e.getMessage());
        }
    }
}
