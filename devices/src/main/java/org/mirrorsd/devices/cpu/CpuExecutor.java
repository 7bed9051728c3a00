package org.mirrorsd.devices.cpu;

import org.mirrorsd.devices.ForwardBatch;
import org.mirrorsd.devices.KvCache;
import org.mirrorsd.devices.LayerExecutor;
import org.mirrorsd.devices.RopeTable;
import org.mirrorsd.models.Architecture;
import org.mirrorsd.models.LayerWeights;
import org.mirrorsd.models.LlamaConfig;
import org.mirrorsd.models.LlamaModel;
import org.mirrorsd.models.LlamaWeights;
import org.mirrorsd.models.tensor.Tensor;

/**
 * The Llama forward pass on the CPU, with Vector API kernels and a thread pool of its own.
 * See {@link LayerExecutor} for how the pieces compose.
 */
public final class CpuExecutor implements LayerExecutor {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(CpuExecutor.class);
    /** Below this many multiply-adds a matmul is not worth waking other threads for. */
    private static final int MIN_PARALLEL_WORK = 1 << 15;

    private final LlamaModel model;
    private final LlamaConfig c;
    private final LlamaWeights w;
    private final WorkerPool pool;
    private final RopeTable rope;
    /** RoPE of the sliding-window layers (their own base and scale), the same table when there are none. */
    private final RopeTable localRope;
    private final Architecture arch;
    private final java.util.concurrent.atomic.AtomicInteger openCaches = new java.util.concurrent.atomic.AtomicInteger();

    public CpuExecutor(LlamaModel model, int threads) {
        this.model = model;
        this.c = model.config();
        this.w = model.weights();
        this.pool = new WorkerPool("cpu-" + model.name(), threads);
        this.rope = new RopeTable(c, w.ropeFreqFactors());
        this.arch = c.arch();
        Architecture.SlidingWindow sw = arch.slidingWindow();
        this.localRope = sw.any() ? new RopeTable(c, w.ropeFreqFactors(), sw.ropeTheta(), sw.ropeScale()) : rope;
    }

    @Override
    public String describe() {
        return "cpu: " + pool.threads() + " threads, " + VectorKernels.floatLanes() * 32 + "-bit vectors, "
                + (NativeKernels.available() ? "native quantised kernels" : "Java kernels");
    }

    @Override
    public LlamaConfig config() { return c; }

    /** Threads of this executor's pool (the caller included). */
    public int threads() { return pool.threads(); }

    public LlamaModel model() { return model; }

    @Override
    public CpuKvCache newCache(int capacity) {
        if (capacity < 1 || capacity > c.contextLength()) {
            throw new IllegalArgumentException("cache capacity " + capacity + " outside 1.." + c.contextLength());
        }
        return new CpuKvCache(c.layers(), c.kvDim(), capacity, openCaches);
    }

    /** KV caches (and forks) made by this executor and not yet closed. */
    public int openCaches() { return openCaches.get(); }

    @Override
    public ForwardBatch newBatch(int capacity) {
        ForwardBatch b = new ForwardBatch(capacity, c.dim());
        b.scratch(new Scratch(c, capacity));
        return b;
    }

    /** Per-batch work buffers, row-major like the hidden states. */
    private static final class Scratch {
        final float[] xb, xb2, q, k, v, hb, hb2;

        Scratch(LlamaConfig c, int rows) {
            int width = Math.max(c.dim(), c.queryDim());
            xb = new float[rows * width];
            xb2 = new float[rows * c.dim()];
            q = new float[rows * c.queryDim()];
            k = new float[rows * c.kvDim()];
            v = new float[rows * c.kvDim()];
            hb = new float[rows * c.hiddenDim()];
            hb2 = new float[rows * c.hiddenDim()];
        }
    }

    private Scratch scratch(ForwardBatch b) {
        if (!(b.scratch() instanceof Scratch s)) {
            throw new IllegalArgumentException("batch was not made by this executor");
        }
        return s;
    }

    @Override
    public void embed(ForwardBatch b) {
        float[] x = b.hidden();
        for (int r = 0; r < b.size(); r++) {
            int token = b.token(r);
            if (token < 0 || token >= c.vocabSize()) {
                throw new IllegalArgumentException("token id " + token + " outside the vocabulary 0.." + (c.vocabSize() - 1));
            }
            w.tokenEmbedding().readRow(token, x, r * c.dim());
            if (arch.embeddingScale() != 1f) {
                for (int i = r * c.dim(); i < (r + 1) * c.dim(); i++) x[i] *= arch.embeddingScale();
            }
        }
    }

    @Override
    public void runLayers(int from, int to, ForwardBatch b) {
        if (from < 0 || to > c.layers() || from > to) {
            throw new IllegalArgumentException("layer range [" + from + ", " + to + ") outside [0, " + c.layers() + ")");
        }
        int rows = b.size();
        if (rows == 0 || from == to) return;
        CpuKvCache[] caches = new CpuKvCache[rows];
        for (int r = 0; r < rows; r++) {
            if (!(b.cache(r) instanceof CpuKvCache kc)) {
                throw new IllegalArgumentException("row " + r + " has a cache not made by this executor");
            }
            caches[r] = kc;
            kc.prepareWrite(b.position(r));
        }
        Scratch s = scratch(b);
        for (int l = from; l < to; l++) {
            layer(l, b, caches, s);
        }
    }

    private void layer(int l, ForwardBatch b, CpuKvCache[] caches, Scratch s) {
        LayerWeights lw = w.layers()[l];
        int rows = b.size();
        int dim = c.dim(), qDim = c.queryDim(), kvDim = c.kvDim(), hidden = c.hiddenDim();
        float[] x = b.hidden();

        // Attention block.
        for (int r = 0; r < rows; r++) rmsnorm(s.xb, r * dim, x, r * dim, lw.attnNorm(), dim);
        matmuls(rows, s.xb, dim, new Tensor[] {lw.wq(), lw.wk(), lw.wv()}, new float[][] {s.q, s.k, s.v});
        RopeTable layerRope = arch.slidingWindow().isLocal(l) ? localRope : rope;
        for (int r = 0; r < rows; r++) {
            int pos = b.position(r);
            if (lw.qBias() != null) FamilyOps.addBias(s.q, r * qDim, lw.qBias());
            if (lw.kBias() != null) FamilyOps.addBias(s.k, r * kvDim, lw.kBias());
            if (lw.vBias() != null) FamilyOps.addBias(s.v, r * kvDim, lw.vBias());
            if (lw.qNorm() != null) FamilyOps.headNorms(s.q, r * qDim, c.heads(), lw.qNorm(), c.rmsEps());
            if (lw.kNorm() != null) FamilyOps.headNorms(s.k, r * kvDim, c.kvHeads(), lw.kNorm(), c.rmsEps());
            layerRope.rotate(s.q, r * qDim, c.heads(), pos);
            layerRope.rotate(s.k, r * kvDim, c.kvHeads(), pos);
            CpuKvCache kc = caches[r];
            int slot = kc.slotOffset(pos);
            System.arraycopy(s.k, r * kvDim, kc.keys(l, pos), slot, kvDim);
            System.arraycopy(s.v, r * kvDim, kc.values(l, pos), slot, kvDim);
        }
        attention(l, b, caches, s);
        matmuls(rows, s.xb, qDim, new Tensor[] {lw.wo()}, new float[][] {s.xb2});
        addResidual(x, s.xb2, lw.attnPostNorm(), rows);

        // Feed-forward block: down(act(gate) * up).
        for (int r = 0; r < rows; r++) rmsnorm(s.xb, r * dim, x, r * dim, lw.ffnNorm(), dim);
        matmuls(rows, s.xb, dim, new Tensor[] {lw.w1(), lw.w3()}, new float[][] {s.hb, s.hb2});
        FamilyOps.gatedActivation(arch.activation(), s.hb, s.hb2, rows * hidden);
        matmuls(rows, s.hb, hidden, new Tensor[] {lw.w2()}, new float[][] {s.xb2});
        addResidual(x, s.xb2, lw.ffnPostNorm(), rows);
    }

    /** x += out, with out first normed by the sublayer's post norm when the family has one (gemma). */
    private void addResidual(float[] x, float[] out, float[] postNorm, int rows) {
        int dim = c.dim();
        if (postNorm != null) {
            for (int r = 0; r < rows; r++) rmsnorm(out, r * dim, out, r * dim, postNorm, dim);
        }
        for (int i = 0; i < rows * dim; i++) x[i] += out[i];
    }

    /**
     * Causal attention of every (row, head) over its own sequence's cache, output into xb. Positions are walked
     * block by block (one table lookup per 16 positions) and the softmax's exponentials are vectorised: with the
     * small heads of the scaled models, per-position overhead, not arithmetic, is what attention costs.
     */
    private void attention(int l, ForwardBatch b, CpuKvCache[] caches, Scratch s) {
        int heads = c.heads(), headSize = c.headSize(), qDim = c.queryDim(), group = c.kvGroup(), kvDim = c.kvDim();
        float scale = c.attentionScale();
        float softcap = arch.attentionSoftcap();
        int window = arch.slidingWindow().isLocal(l) ? arch.slidingWindow().window() : Integer.MAX_VALUE;
        int tasks = b.size() * heads;
        int work = 0;
        for (int r = 0; r < b.size(); r++) work += (b.position(r) + 1) * headSize * heads * 2;
        int minChunk = work > MIN_PARALLEL_WORK ? 1 : tasks;
        int block = CpuKvCache.BLOCK;
        boolean small = SmallHeads.fits(headSize);
        pool.forRange(tasks, minChunk, (from, to) -> {
            float[] att = new float[maxPosition(b) + 1];
            for (int t = from; t < to; t++) {
                int r = t / heads, h = t % heads;
                int pos = b.position(r);
                CpuKvCache kc = caches[r];
                int qOff = r * qDim + h * headSize;
                int kvOff = (h / group) * headSize;
                // Sliding-window layers see keys p' with pos - window < p' <= pos; att[i] is position first + i.
                int first = window == Integer.MAX_VALUE ? 0 : Math.max(0, pos - window + 1);
                for (int p0 = first - first % block; p0 <= pos; p0 += block) {
                    float[] keys = kc.keys(l, p0);
                    int start = Math.max(first, p0);
                    int end = Math.min(pos, p0 + block - 1);
                    if (small) {
                        SmallHeads.scores(s.q, qOff, keys, kvOff + (start - p0) * kvDim, kvDim, end - start + 1, scale, att, start - first);
                        continue;
                    }
                    for (int p = start, off = kvOff + (start - p0) * kvDim; p <= end; p++, off += kvDim) {
                        att[p - first] = dotSmall(s.q, qOff, keys, off, headSize) * scale;
                    }
                }
                int n = pos - first + 1;
                if (softcap != 0f) FamilyOps.softcap(att, 0, n, softcap);
                Softmax.inPlace(att, n);
                int outOff = r * qDim + h * headSize;
                java.util.Arrays.fill(s.xb, outOff, outOff + headSize, 0f);
                for (int p0 = first - first % block; p0 <= pos; p0 += block) {
                    float[] values = kc.values(l, p0);
                    int start = Math.max(first, p0);
                    int end = Math.min(pos, p0 + block - 1);
                    if (small) {
                        SmallHeads.weightedSum(att, start - first, values, kvOff + (start - p0) * kvDim, kvDim, end - start + 1, s.xb, outOff);
                        continue;
                    }
                    for (int p = start, off = kvOff + (start - p0) * kvDim; p <= end; p++, off += kvDim) {
                        axpySmall(att[p - first], values, off, s.xb, outOff, headSize);
                    }
                }
            }
        });
    }

    private static float dotSmall(float[] a, int aOff, float[] b, int bOff, int n) {
        if (n >= VectorKernels.floatLanes()) return VectorKernels.dot(a, aOff, b, bOff, n);
        float s = 0;
        for (int i = 0; i < n; i++) s += a[aOff + i] * b[bOff + i];
        return s;
    }

    private static void axpySmall(float a, float[] x, int xOff, float[] y, int yOff, int n) {
        if (n >= VectorKernels.floatLanes()) {
            VectorKernels.axpy(a, x, xOff, y, yOff, n);
            return;
        }
        for (int i = 0; i < n; i++) y[yOff + i] += a * x[xOff + i];
    }

    private static int maxPosition(ForwardBatch b) {
        int max = 0;
        for (int r = 0; r < b.size(); r++) max = Math.max(max, b.position(r));
        return max;
    }

    /**
     * out_j[r, i] = W_j[i, :] . in[r, :] for several weight matrices at once: one parallel loop over all their
     * rows, so the threads are woken once and every weight row is read once for the whole batch.
     */
    private void matmuls(int rows, float[] in, int inWidth, Tensor[] ws, float[][] outs) {
        int totalRows = 0;
        for (Tensor t : ws) {
            if (t.cols() != inWidth) {
                throw new IllegalStateException("tensor '" + t.name() + "' has " + t.cols() + " columns, input has " + inWidth);
            }
            totalRows += t.rows();
        }
        int minChunk = Math.max(1, MIN_PARALLEL_WORK / Math.max(1, inWidth * rows));
        // Quantised weights take the input quantised once here, as ggml does per matmul, not once per weight row.
        QuantizedActivations qa = new QuantizedActivations(in, 0, inWidth, inWidth, rows).on(pool).prepare(ws);
        pool.forRange(totalRows, minChunk, (from, to) -> {
            int base = 0;
            for (int j = 0; j < ws.length; j++) {
                Tensor t = ws[j];
                int lo = Math.max(from, base), hi = Math.min(to, base + t.rows());
                float[] out = outs[j];
                int outWidth = t.rows();
                if (lo < hi && QuantizedActivations.Kind.of(t) != QuantizedActivations.Kind.NONE) {
                    VectorKernels.matvecRange(t, lo - base, hi - base, qa, out, outWidth);
                } else if (lo < hi) {
                    VectorKernels.matvecRange(t, lo - base, hi - base, in, inWidth, rows, out, outWidth);
                }
                base += t.rows();
            }
        });
    }

    static void rmsnorm(float[] out, int outOff, float[] x, int xOff, float[] weight, int n, float eps) {
        float ss = 0;
        for (int i = 0; i < n; i++) ss += x[xOff + i] * x[xOff + i];
        ss /= n;
        ss += eps;
        ss = (float) (1.0 / Math.sqrt(ss));
        for (int i = 0; i < n; i++) out[outOff + i] = weight[i] * (ss * x[xOff + i]);
    }

    private void rmsnorm(float[] out, int outOff, float[] x, int xOff, float[] weight, int n) {
        rmsnorm(out, outOff, x, xOff, weight, n, c.rmsEps());
    }

    @Override
    public void logits(ForwardBatch b, float[] out) {
        int rows = b.size();
        Scratch s = scratch(b);
        for (int r = 0; r < rows; r++) rmsnorm(s.xb, r * c.dim(), b.hidden(), r * c.dim(), w.finalNorm(), c.dim());
        matmuls(rows, s.xb, c.dim(), new Tensor[] {w.classifier()}, new float[][] {out});
        finalSoftcap(out, 0, rows * c.vocabSize());
    }

    /** gemma2's final logit soft-capping, applied by every logits path (early exit included). */
    private void finalSoftcap(float[] out, int off, int n) {
        if (arch.finalSoftcap() != 0f) FamilyOps.softcap(out, off, n, arch.finalSoftcap());
    }

    @Override
    public boolean exposesHidden() { return true; }

    @Override
    public void logitsOfHidden(float[] hidden, int rows, float[] out) {
        float[] normed = new float[rows * c.dim()];
        for (int r = 0; r < rows; r++) rmsnorm(normed, r * c.dim(), hidden, r * c.dim(), w.finalNorm(), c.dim());
        matmuls(rows, normed, c.dim(), new Tensor[] {w.classifier()}, new float[][] {out});
        finalSoftcap(out, 0, rows * c.vocabSize());
    }

    @Override
    public void logits(ForwardBatch b, int row, float[] out, int outOffset) {
        float[] normed = new float[c.dim()];
        rmsnorm(normed, 0, b.hidden(), row * c.dim(), w.finalNorm(), c.dim());
        Tensor cls = w.classifier();
        int minChunk = Math.max(1, MIN_PARALLEL_WORK / c.dim());
        if (QuantizedActivations.Kind.of(cls) != QuantizedActivations.Kind.NONE) {
            QuantizedActivations qa = new QuantizedActivations(normed, 0, c.dim(), c.dim(), 1).prepare(cls);
            pool.forRange(cls.rows(), minChunk, (from, to) -> VectorKernels.matvecRange(cls, from, to, qa, out, outOffset, cls.rows()));
        } else {
            pool.forRange(cls.rows(), minChunk, (from, to) -> {
                for (int i = from; i < to; i++) out[outOffset + i] = VectorKernels.dot(cls, i, normed, 0);
            });
        }
        finalSoftcap(out, outOffset, cls.rows()); // both paths: gemma2's cap applies to quantized classifiers too
    }

    /**
     * Compiles the matmul kernels before the first request needs them: a cold JVM runs the Vector API
     * interpreted, many times slower, so without this the first prompt pays for the JIT. Each weight format and
     * row length of the model runs a few weight rows at the batch shapes decoding, verification and prefill use,
     * until C2 has had its invocations; then whole forward passes of a prefill chunk, a window and single tokens
     * warm the rest. With only an 8-token pass here, the first 128-token prompt after warm-up still took 1.5-1.9 s
     * against 0.9-1.0 s for the second (Q4_K_M, 2 threads); with the chunk-sized pass it takes what the second
     * does, and the warm-up takes 4 s instead of 2 (on two cores the JIT compiles while it runs).
     */
    public void warmUp() {
        long t0 = System.nanoTime();
        java.util.Map<String, Tensor> shapes = new java.util.LinkedHashMap<>();
        LayerWeights l0 = w.layers()[0];
        for (Tensor t : new Tensor[] {l0.wq(), l0.wk(), l0.wo(), l0.w1(), l0.w2(), w.classifier()}) {
            shapes.putIfAbsent(t.getClass().getName() + "/" + t.cols(), t);
        }
        for (Tensor t : shapes.values()) {
            int wRows = Math.min(8, t.rows());
            for (int rows : new int[] {1, 8, 64}) {
                float[] in = new float[rows * t.cols()];
                java.util.Arrays.fill(in, 0.01f);
                float[] out = new float[rows * wRows];
                for (int i = 0, n = WARM_UP_CALLS / rows; i < n; i++) VectorKernels.matvecRange(t, 0, wRows, in, t.cols(), rows, out, wRows);
            }
        }
        // Then whole forward passes at the shapes requests bring: a prefill chunk, a verification window, one token.
        int chunk = Math.min(64, c.contextLength());
        int capacity = Math.min(c.contextLength(), chunk + 10);
        try (CpuKvCache cache = newCache(capacity)) {
            int position = 0;
            for (int rows : new int[] {chunk, 8, 1, 1}) {
                if (position + rows > capacity) break;
                ForwardBatch b = newBatch(rows);
                for (int p = 0; p < rows; p++) b.add(1, cache, position++);
                embed(b);
                runLayers(0, c.layers(), b);
                logits(b, b.size() - 1, new float[c.vocabSize()], 0);
            }
        }
        log.info("{}: kernels warmed up in {} ms", model.name(), (System.nanoTime() - t0) / 1_000_000);
    }

    /**
     * Matmul calls (of one activation row; fewer with more rows) per shape in {@link #warmUp}: past C2's thresholds
     * (its invocation threshold is met sooner by kernels whose loops run long; 1,200 and 6,000 measured the same).
     */
    private static final int WARM_UP_CALLS = 2_000;

    /**
     * {@link #warmUp} on a daemon thread, so that start-up does not wait for it; requests that come meanwhile
     * share the CPU with it (and the compiled code as soon as it exists). Failures (the executor closed before
     * it finished, say) only end the warm-up.
     */
    public void warmUpInBackground() {
        Thread t = new Thread(() -> {
            try {
                warmUp();
            } catch (RuntimeException e) {
                log.debug("{}: warm-up stopped: {}", model.name(), e.toString());
            }
        }, "warm-up-" + model.name());
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
    }

    @Override
    public void close() {
        pool.close();
    }
}
