package org.mirrorsd.devices.cuda;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicInteger;
import org.mirrorsd.devices.ForwardBatch;
import org.mirrorsd.devices.KvCache;
import org.mirrorsd.devices.LayerExecutor;
import org.mirrorsd.devices.ArchitectureSupport;
import org.mirrorsd.devices.RopeTable;
import org.mirrorsd.models.LayerWeights;
import org.mirrorsd.models.LlamaConfig;
import org.mirrorsd.models.LlamaModel;
import org.mirrorsd.models.LlamaWeights;
import org.mirrorsd.models.RopeLayout;
import org.mirrorsd.models.tensor.Tensor;

/**
 * The Llama forward pass on an NVIDIA GPU, through the CUDA driver API (JCuda) and the PTX kernels of
 * {@code devices/src/main/cuda/mirror_sd_kernels.cu}. Needs the NVIDIA driver only: no toolkit, no cuBLAS.
 *
 * <ul>
 *   <li>Weights are uploaded once, at construction: F32, F16 and Q8_0 as they are, other formats dequantised to
 *       F32 (see {@link DeviceMatrix}).</li>
 *   <li>KV caches live in device memory ({@link CudaKvCache}: paged, copy-on-write forks).</li>
 *   <li>Hidden states stay on the host between calls, as {@link ForwardBatch} wants: each call copies the rows'
 *       hidden states (and token ids, positions, block tables) to the device and the results back, and counts
 *       bytes and time in {@link #stats()}. {@link #runLayers} takes any layer range, so a model's suffix can run
 *       here while its prefix runs elsewhere.</li>
 *   <li>Calls are serialised: one stream, device scratch buffers owned by the executor and grown to the largest
 *       batch seen. Every call returns with the device idle.</li>
 * </ul>
 */
public final class CudaExecutor implements LayerExecutor {
    private static final int THREADS = 256;
    private static final int ATTENTION_THREADS = 128;
    private static final int GEMV_WARPS = THREADS / 32;
    private static final int STAGING_BYTES = 16 << 20;

    /** Whether a CUDA device can be used here; never throws (see {@link #unavailableReason()}). */
    public static boolean available() {
        return JCudaGpu.probe().ok();
    }

    /** Why {@link #available()} is false (or what was found, when it is true). */
    public static String unavailableReason() {
        return JCudaGpu.probe().reason();
    }

    /** Opens device 0 for the model, uploading its weights. */
    public static CudaExecutor open(LlamaModel model) {
        return open(model, 0);
    }

    public static CudaExecutor open(LlamaModel model, int deviceOrdinal) {
        ArchitectureSupport.requirePlainLlama("cuda", model);
        if (!available()) throw new IllegalStateException("no CUDA device: " + unavailableReason());
        JCudaGpu gpu = new JCudaGpu(deviceOrdinal);
        try {
            return new CudaExecutor(model, gpu);
        } catch (RuntimeException | Error e) {
            gpu.close();
            throw e;
        }
    }

    private record Layer(long attnNorm, DeviceMatrix wq, DeviceMatrix wk, DeviceMatrix wv, DeviceMatrix wo,
                         long ffnNorm, DeviceMatrix w1, DeviceMatrix w2, DeviceMatrix w3) {}

    /** The marker a batch made here carries (the scratch memory itself is the executor's). */
    private record BatchTag(CudaExecutor owner) {}

    private final Object lock = new Object();
    private final LlamaModel model;
    private final LlamaConfig c;
    private final Gpu gpu;
    private final Layer[] layers;
    private final DeviceMatrix embedding;
    private final DeviceMatrix classifier;
    private final long finalNorm;
    private final long ropeCos;
    private final long ropeSin;
    private final long weightBytes;
    private final KvBlockPool pool;
    private final AtomicInteger openCaches = new AtomicInteger();
    private CudaStats stats = CudaStats.ZERO;
    private boolean closed;

    // Device scratch, sized for scratchRows rows; see ensureRows.
    private int scratchRows;
    private long x, xb, xb2, q, k, v, hb, hb2, logits, tokens, positions, picks;
    private long table;
    private int tableCapacity;
    private long att;
    private long attCapacity;

    CudaExecutor(LlamaModel model, Gpu gpu) {
        ArchitectureSupport.requirePlainLlama("cuda", model);
        this.model = model;
        this.c = model.config();
        this.gpu = gpu;
        LlamaWeights w = model.weights();
        synchronized (lock) {
            gpu.bind();
            ByteBuffer staging = ByteBuffer.allocateDirect(Math.max(STAGING_BYTES, 4 * Math.max(c.dim(), c.hiddenDim())))
                    .order(ByteOrder.LITTLE_ENDIAN);
            long bytes = 0;
            layers = new Layer[c.layers()];
            for (int l = 0; l < c.layers(); l++) {
                LayerWeights lw = w.layers()[l];
                Layer dl = new Layer(floats(lw.attnNorm()), matrix(lw.wq(), c.dim(), staging), matrix(lw.wk(), c.dim(), staging),
                        matrix(lw.wv(), c.dim(), staging), matrix(lw.wo(), c.queryDim(), staging), floats(lw.ffnNorm()),
                        matrix(lw.w1(), c.dim(), staging), matrix(lw.w2(), c.hiddenDim(), staging),
                        matrix(lw.w3(), c.dim(), staging));
                layers[l] = dl;
                for (DeviceMatrix m : new DeviceMatrix[] {dl.wq, dl.wk, dl.wv, dl.wo, dl.w1, dl.w2, dl.w3}) bytes += m.bytes();
            }
            classifier = matrix(w.classifier(), c.dim(), staging);
            bytes += classifier.bytes();
            if (w.tokenEmbedding() == w.classifier()) {
                embedding = classifier;
            } else {
                embedding = matrix(w.tokenEmbedding(), c.dim(), staging);
                bytes += embedding.bytes();
            }
            finalNorm = floats(w.finalNorm());
            RopeTable rope = new RopeTable(c, w.ropeFreqFactors());
            ropeCos = floats(rope.cosTable());
            ropeSin = floats(rope.sinTable());
            weightBytes = bytes;
            pool = new KvBlockPool(gpu, c.layers(), c.kvDim());
            gpu.synchronize();
        }
    }

    private DeviceMatrix matrix(Tensor t, int cols, ByteBuffer staging) {
        if (t.cols() != cols) {
            throw new IllegalStateException("tensor '" + t.name() + "' has " + t.cols() + " columns, expected " + cols);
        }
        return DeviceMatrix.upload(gpu, t, staging);
    }

    private long floats(float[] values) {
        long address = gpu.alloc(4L * values.length);
        gpu.upload(address, values, values.length);
        return address;
    }

    @Override
    public String describe() {
        return "cuda: " + gpu.info() + String.format(", %.1f MB of weights", weightBytes / 1e6);
    }

    @Override
    public LlamaConfig config() { return c; }

    public LlamaModel model() { return model; }

    public GpuInfo gpuInfo() { return gpu.info(); }

    /** Bytes of weight matrices on the device (what one decode step streams). */
    public long weightBytes() { return weightBytes; }

    /** Host/device traffic and time since the executor was opened. */
    public CudaStats stats() {
        synchronized (lock) {
            return stats;
        }
    }

    /** KV caches (and forks) made by this executor and not yet closed. */
    public int openCaches() { return openCaches.get(); }

    /** KV blocks currently referenced by some cache. */
    public int kvBlocksInUse() { return pool.blocksInUse(); }

    @Override
    public CudaKvCache newCache(int capacity) {
        if (capacity < 1 || capacity > c.contextLength()) {
            throw new IllegalArgumentException("cache capacity " + capacity + " outside 1.." + c.contextLength());
        }
        return new CudaKvCache(this, pool, capacity, openCaches);
    }

    @Override
    public ForwardBatch newBatch(int capacity) {
        ForwardBatch b = new ForwardBatch(capacity, c.dim());
        b.scratch(new BatchTag(this));
        return b;
    }

    private void checkBatch(ForwardBatch b) {
        if (!(b.scratch() instanceof BatchTag t) || t.owner != this) {
            throw new IllegalArgumentException("batch was not made by this executor");
        }
    }

    // ---- scratch -------------------------------------------------------------------------------------------

    private void ensureRows(int rows) {
        if (rows <= scratchRows) return;
        int n = Math.max(8, Integer.highestOneBit(rows - 1) << 1);
        if (scratchRows > 0) {
            for (long a : new long[] {x, xb, xb2, q, k, v, hb, hb2, logits, tokens, positions, picks}) gpu.free(a);
        }
        int width = Math.max(c.dim(), c.queryDim());
        x = gpu.alloc(4L * n * c.dim());
        xb = gpu.alloc(4L * n * width);
        xb2 = gpu.alloc(4L * n * c.dim());
        q = gpu.alloc(4L * n * c.queryDim());
        k = gpu.alloc(4L * n * c.kvDim());
        v = gpu.alloc(4L * n * c.kvDim());
        hb = gpu.alloc(4L * n * c.hiddenDim());
        hb2 = gpu.alloc(4L * n * c.hiddenDim());
        logits = gpu.alloc(4L * n * c.vocabSize());
        tokens = gpu.alloc(4L * n);
        positions = gpu.alloc(4L * n);
        picks = gpu.alloc(4L * n);
        scratchRows = n;
    }

    private void ensureTable(int entries) {
        if (entries <= tableCapacity) return;
        if (tableCapacity > 0) gpu.free(table);
        int n = Math.max(64, Integer.highestOneBit(entries - 1) << 1);
        table = gpu.alloc(8L * n);
        tableCapacity = n;
    }

    private void ensureAttention(long floats) {
        if (floats <= attCapacity) return;
        if (attCapacity > 0) gpu.free(att);
        long n = Math.max(1024, Long.highestOneBit(floats - 1) << 1);
        att = gpu.alloc(4L * n);
        attCapacity = n;
    }

    // ---- calls ---------------------------------------------------------------------------------------------

    /** Per-call accounting. */
    private final class Call {
        final long start = System.nanoTime();
        long in, out, copyNanos, computeNanos;

        void upload(long dst, float[] src, int count) {
            long t = System.nanoTime();
            gpu.upload(dst, src, count);
            copyNanos += System.nanoTime() - t;
            in += 4L * count;
        }

        void upload(long dst, int[] src, int count) {
            long t = System.nanoTime();
            gpu.upload(dst, src, count);
            copyNanos += System.nanoTime() - t;
            in += 4L * count;
        }

        void upload(long dst, long[] src, int count) {
            long t = System.nanoTime();
            gpu.upload(dst, src, count);
            copyNanos += System.nanoTime() - t;
            in += 8L * count;
        }

        void finishKernels() {
            long t = System.nanoTime();
            gpu.synchronize();
            computeNanos += System.nanoTime() - t;
        }

        void download(float[] dst, int count, long src) {
            finishKernels();
            long t = System.nanoTime();
            gpu.download(dst, count, src);
            copyNanos += System.nanoTime() - t;
            out += 4L * count;
        }

        void download(int[] dst, int count, long src) {
            finishKernels();
            long t = System.nanoTime();
            gpu.download(dst, count, src);
            copyNanos += System.nanoTime() - t;
            out += 4L * count;
        }

        void done(int rows) {
            stats = stats.plus(rows, in, out, copyNanos, computeNanos, System.nanoTime() - start);
        }
    }

    private Call begin() {
        if (closed) throw new IllegalStateException("CUDA executor is closed");
        gpu.bind();
        return new Call();
    }

    @Override
    public void embed(ForwardBatch b) {
        checkBatch(b);
        int rows = b.size();
        if (rows == 0) return;
        int[] ids = new int[rows];
        for (int r = 0; r < rows; r++) {
            int token = b.token(r);
            if (token < 0 || token >= c.vocabSize()) {
                throw new IllegalArgumentException("token id " + token + " outside the vocabulary 0.." + (c.vocabSize() - 1));
            }
            ids[r] = token;
        }
        synchronized (lock) {
            Call call = begin();
            ensureRows(rows);
            call.upload(tokens, ids, rows);
            gpu.launch(embedding.format().embed, rows, 1, THREADS, embedding.address(), tokens, x, c.dim());
            call.download(b.hidden(), rows * c.dim(), x);
            call.done(rows);
        }
    }

    @Override
    public void runLayers(int from, int to, ForwardBatch b) {
        checkBatch(b);
        if (from < 0 || to > c.layers() || from > to) {
            throw new IllegalArgumentException("layer range [" + from + ", " + to + ") outside [0, " + c.layers() + ")");
        }
        int rows = b.size();
        if (rows == 0 || from == to) return;
        CudaKvCache[] caches = new CudaKvCache[rows];
        for (int r = 0; r < rows; r++) {
            if (!(b.cache(r) instanceof CudaKvCache kc) || !kc.ownedBy(this)) {
                throw new IllegalArgumentException("row " + r + " has a cache not made by this executor");
            }
            caches[r] = kc;
        }
        synchronized (lock) {
            Call call = begin();
            int maxPos = 0;
            int[] pos = new int[rows];
            for (int r = 0; r < rows; r++) {
                pos[r] = b.position(r);
                caches[r].prepareWrite(pos[r]);     // may copy a shared block (on the stream, before the kernels)
                maxPos = Math.max(maxPos, pos[r]);
            }
            int tableStride = maxPos / CudaKvCache.BLOCK + 1;
            long[] blocks = new long[rows * tableStride];
            for (int r = 0; r < rows; r++) caches[r].blockTable(pos[r], blocks, r * tableStride);
            int attStride = maxPos + 1;

            ensureRows(rows);
            ensureTable(blocks.length);
            ensureAttention((long) rows * c.heads() * attStride);
            call.upload(x, b.hidden(), rows * c.dim());
            call.upload(positions, pos, rows);
            call.upload(table, blocks, blocks.length);
            for (int l = from; l < to; l++) layer(l, rows, tableStride, attStride);
            call.download(b.hidden(), rows * c.dim(), x);
            call.done(rows);
        }
    }

    private void layer(int l, int rows, int tableStride, int attStride) {
        Layer w = layers[l];
        int dim = c.dim(), qDim = c.queryDim(), kvDim = c.kvDim(), hidden = c.hiddenDim();

        // Attention block.
        rmsnorm(x, w.attnNorm, xb, rows);
        gemv(w.wq, xb, dim, q, qDim, rows);
        gemv(w.wk, xb, dim, k, kvDim, rows);
        gemv(w.wv, xb, dim, v, kvDim, rows);
        gpu.launch("rope", rows, 1, THREADS, q, k, positions, ropeCos, ropeSin, c.heads(), c.kvHeads(), c.headSize(),
                qDim, kvDim, c.ropeLayout() == RopeLayout.HALF_SPLIT ? 1 : 0);
        gpu.launch("kv_store", rows, 1, THREADS, k, v, table, tableStride, positions, l, kvDim);
        gpu.launch("attention", c.heads(), rows, ATTENTION_THREADS, q, xb, table, tableStride, positions, l, c.heads(),
                c.kvHeads(), c.headSize(), (float) (1.0 / Math.sqrt(c.headSize())), att, attStride);
        gemv(w.wo, xb, qDim, xb2, dim, rows);
        elementwise("residual_add", x, xb2, rows * dim);

        // Feed-forward block (SwiGLU).
        rmsnorm(x, w.ffnNorm, xb, rows);
        gemv(w.w1, xb, dim, hb, hidden, rows);
        gemv(w.w3, xb, dim, hb2, hidden, rows);
        elementwise("swiglu", hb, hb2, rows * hidden);
        gemv(w.w2, hb, hidden, xb2, dim, rows);
        elementwise("residual_add", x, xb2, rows * dim);
    }

    private void rmsnorm(long in, long weight, long out, int rows) {
        gpu.launch("rmsnorm", rows, 1, THREADS, in, weight, out, c.dim(), c.rmsEps(), c.dim(), c.dim());
    }

    /** out[r * outStride + o] = W[o, :] . in[r * inStride ..] for every batch row r. */
    private void gemv(DeviceMatrix w, long in, int inStride, long out, int outStride, int rows) {
        int grid = (w.rows() + GEMV_WARPS - 1) / GEMV_WARPS;
        gpu.launch(w.format().gemv, grid, 1, THREADS, w.address(), in, out, w.rows(), w.cols(), rows, inStride, outStride);
    }

    private void elementwise(String kernel, long a, long b, int n) {
        int grid = Math.min(4096, (n + THREADS - 1) / THREADS);
        gpu.launch(kernel, grid, 1, THREADS, a, b, n);
    }

    /** Final norm and classifier of the hidden states in x, into the logits scratch. */
    private void classify(int rows) {
        rmsnorm(x, finalNorm, xb, rows);
        gemv(classifier, xb, c.dim(), logits, c.vocabSize(), rows);
    }

    @Override
    public void logits(ForwardBatch b, float[] out) {
        checkBatch(b);
        int rows = b.size();
        if (rows == 0) return;
        synchronized (lock) {
            Call call = begin();
            ensureRows(rows);
            call.upload(x, b.hidden(), rows * c.dim());
            classify(rows);
            call.download(out, rows * c.vocabSize(), logits);
            call.done(rows);
        }
    }

    @Override
    public void logits(ForwardBatch b, int row, float[] out, int outOffset) {
        checkBatch(b);
        float[] h = java.util.Arrays.copyOfRange(b.hidden(), row * c.dim(), (row + 1) * c.dim());
        float[] result = outOffset == 0 ? out : new float[c.vocabSize()];
        synchronized (lock) {
            Call call = begin();
            ensureRows(1);
            call.upload(x, h, c.dim());
            classify(1);
            call.download(result, c.vocabSize(), logits);
            call.done(1);
        }
        if (result != out) System.arraycopy(result, 0, out, outOffset, c.vocabSize());
    }

    @Override
    public void logitsOfHidden(float[] hidden, int rows, float[] out) {
        if (rows == 0) return;
        synchronized (lock) {
            Call call = begin();
            ensureRows(rows);
            call.upload(x, hidden, rows * c.dim());
            classify(rows);
            call.download(out, rows * c.vocabSize(), logits);
            call.done(rows);
        }
    }

    /**
     * The greedy token of every row, picked on the device: only {@code rows} ints come back instead of the logits.
     * (Sampling with top-k/top-p works on the host, from {@link #logits(ForwardBatch, float[])}.)
     */
    public void argmax(ForwardBatch b, int[] out) {
        checkBatch(b);
        int rows = b.size();
        if (rows == 0) return;
        synchronized (lock) {
            Call call = begin();
            ensureRows(rows);
            call.upload(x, b.hidden(), rows * c.dim());
            classify(rows);
            gpu.launch("argmax_rows", rows, 1, THREADS, logits, c.vocabSize(), c.vocabSize(), picks);
            call.download(out, rows, picks);
            call.done(rows);
        }
    }

    /**
     * Device-side speed of the weight GEMVs alone: every matrix of the model (layers and classifier) multiplied with
     * {@code rows} activation rows, {@code passes} times, no host copies.
     */
    public GemvTiming timeGemv(int rows, int passes) {
        synchronized (lock) {
            begin();
            ensureRows(rows);
            int width = Math.max(c.dim(), c.hiddenDim());
            long in = gpu.alloc(4L * rows * width);
            long out = gpu.alloc(4L * rows * Math.max(c.vocabSize(), Math.max(c.hiddenDim(), c.queryDim())));
            try {
                gpu.upload(in, new float[rows * width], rows * width);
                runGemvPass(rows, in, out);     // warm-up (JIT-compiled module, clocks)
                gpu.synchronize();
                long t0 = System.nanoTime();
                for (int p = 0; p < passes; p++) runGemvPass(rows, in, out);
                gpu.synchronize();
                double seconds = (System.nanoTime() - t0) / 1e9 / passes;
                return new GemvTiming(weightBytes - (embedding == classifier ? 0 : embedding.bytes()), rows, seconds,
                        gpu.info().peakBandwidth());
            } finally {
                gpu.free(in);
                gpu.free(out);
            }
        }
    }

    private void runGemvPass(int rows, long in, long out) {
        for (Layer w : layers) {
            for (DeviceMatrix m : new DeviceMatrix[] {w.wq, w.wk, w.wv, w.wo, w.w1, w.w3, w.w2}) {
                gemv(m, in, m.cols(), out, m.rows(), rows);
            }
        }
        gemv(classifier, in, classifier.cols(), out, classifier.rows(), rows);
    }

    /** Bytes streamed per pass over the weights, the time it took, and the card's nominal bandwidth. */
    public record GemvTiming(long bytesPerPass, int rows, double secondsPerPass, double peakBandwidth) {
        public double bandwidth() { return bytesPerPass / secondsPerPass; }

        /** Achieved over nominal bandwidth, or NaN when the driver does not report the memory clock. */
        public double fractionOfPeak() { return peakBandwidth > 0 ? bandwidth() / peakBandwidth : Double.NaN; }

        @Override
        public String toString() {
            return String.format("GEMV over %.1f MB of weights x %d row(s): %.3f ms/pass, %.1f GB/s = %.0f%% of the "
                            + "card's %.0f GB/s", bytesPerPass / 1e6, rows, secondsPerPass * 1e3, bandwidth() / 1e9,
                    fractionOfPeak() * 100, peakBandwidth / 1e9);
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            if (closed) return;
            closed = true;
            gpu.close();
        }
    }
}
