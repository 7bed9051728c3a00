package org.mirrorsd.devices.cuda;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A host-memory emulation of the device and of every kernel in mirror_sd_kernels.cu, so that the executor's
 * orchestration (buffer sizes, strides, argument order, block tables, copy-on-write) is tested without a GPU.
 * Each kernel here is the CUDA kernel's arithmetic written as plain loops over the same arguments, covering the
 * same rows the launch's grid covers. Every launch is checked against the kernel's PTX parameter list, and every
 * memory access against the allocation it falls in (an out-of-bounds access throws).
 */
final class SimGpu implements Gpu {
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final int KV_BLOCK = 16;

    private final TreeMap<Long, ByteBuffer> memory = new TreeMap<>();
    private final Map<String, List<String>> signatures;
    private long next = 1L << 32;
    private long allocated;
    int launches;
    boolean closed;

    SimGpu() {
        String ptx = PtxResources.text(80);
        if (ptx == null) throw new IllegalStateException("PTX resources missing from the class path");
        signatures = PtxResources.signatures(ptx);
    }

    @Override
    public GpuInfo info() {
        return new GpuInfo("simulated GPU", 1L << 30, 8, 0, 1, 12000, 0, "compute_80 PTX (emulated)");
    }

    @Override
    public void bind() {
        if (closed) throw new IllegalStateException("closed");
    }

    @Override
    public long alloc(long bytes) {
        long a = next;
        memory.put(a, ByteBuffer.allocate((int) bytes).order(LE));
        next += (bytes + 511) / 256 * 256;     // a gap after every allocation: overruns do not land in a neighbour
        allocated += bytes;
        return a;
    }

    @Override
    public void free(long address) {
        ByteBuffer b = memory.remove(address);
        if (b == null) throw new IllegalArgumentException("not an allocation");
        allocated -= b.capacity();
    }

    long bytesAllocated() { return allocated; }

    /** The memory at an address: a buffer positioned 0 at the allocation's start, and the offset into it. */
    private record View(ByteBuffer buf, int off) {
        float f(long i) { return buf.getFloat(Math.toIntExact(off + 4 * i)); }
        void f(long i, float v) { buf.putFloat(Math.toIntExact(off + 4 * i), v); }
        int i(long i) { return buf.getInt(Math.toIntExact(off + 4 * i)); }
        void i(long i, int v) { buf.putInt(Math.toIntExact(off + 4 * i), v); }
        long l(long i) { return buf.getLong(Math.toIntExact(off + 8 * i)); }
        byte b(long i) { return buf.get(Math.toIntExact(off + i)); }
        short s(long i) { return buf.getShort(Math.toIntExact(off + i)); }
    }

    private View view(long address) {
        Map.Entry<Long, ByteBuffer> e = memory.floorEntry(address);
        if (e == null || address - e.getKey() >= e.getValue().capacity()) {
            throw new IllegalArgumentException("address 0x" + Long.toHexString(address) + " is not allocated");
        }
        return new View(e.getValue(), (int) (address - e.getKey()));
    }

    @Override
    public void upload(long dst, ByteBuffer src) {
        View d = view(dst);
        ByteBuffer s = src.slice();
        d.buf.put(d.off, s, 0, s.remaining());
    }

    @Override
    public void upload(long dst, float[] src, int count) {
        if (count == 0) return;
        View d = view(dst);
        for (int i = 0; i < count; i++) d.f(i, src[i]);
    }

    @Override
    public void upload(long dst, int[] src, int count) {
        if (count == 0) return;
        View d = view(dst);
        for (int i = 0; i < count; i++) d.i(i, src[i]);
    }

    @Override
    public void upload(long dst, long[] src, int count) {
        if (count == 0) return;
        View d = view(dst);
        for (int i = 0; i < count; i++) d.buf.putLong(d.off + 8 * i, src[i]);
    }

    @Override
    public void download(float[] dst, int count, long src) {
        if (count == 0) return;
        View s = view(src);
        for (int i = 0; i < count; i++) dst[i] = s.f(i);
    }

    @Override
    public void download(int[] dst, int count, long src) {
        if (count == 0) return;
        View s = view(src);
        for (int i = 0; i < count; i++) dst[i] = s.i(i);
    }

    @Override
    public void copy(long dst, long src, long bytes) {
        View d = view(dst), s = view(src);
        d.buf.put(d.off, s.buf, s.off, Math.toIntExact(bytes));
    }

    @Override
    public void synchronize() {}

    @Override
    public void close() {
        closed = true;
        memory.clear();
    }

    // ---- kernels ---------------------------------------------------------------------------------------------

    @Override
    public void launch(String kernel, int gridX, int gridY, int blockX, Object... a) {
        if (closed) throw new IllegalStateException("closed");
        PtxResources.checkArgs(kernel, signatures.get(kernel), a);
        if (gridX < 1 || gridY < 1 || blockX < 32 || blockX > 1024 || blockX % 32 != 0) {
            throw new IllegalArgumentException(kernel + ": bad launch " + gridX + "x" + gridY + " x " + blockX);
        }
        launches++;
        switch (kernel) {
            case "gemv_f32", "gemv_f16", "gemv_q8_0" -> gemv(kernel, gridX * (blockX / 32), a);
            case "embed_f32", "embed_f16", "embed_q8_0" -> embed(kernel, gridX, a);
            case "rmsnorm" -> rmsnorm(gridX, a);
            case "rope" -> rope(gridX, a);
            case "kv_store" -> kvStore(gridX, a);
            case "attention" -> attention(gridX, gridY, a);
            case "swiglu" -> swiglu(a);
            case "residual_add" -> residualAdd(a);
            case "argmax_rows" -> {
                if (blockX != 256) throw new IllegalArgumentException("argmax_rows needs 256 threads");
                argmax(gridX, a);
            }
            default -> throw new IllegalArgumentException("unknown kernel " + kernel);
        }
    }

    private static long p(Object o) { return (Long) o; }

    private static int n(Object o) { return (Integer) o; }

    private static float fl(Object o) { return (Float) o; }

    /** (w, x, y, outRows, cols, batch, xStride, yStride); warps = the rows the grid covers. */
    private void gemv(String kernel, int warps, Object[] a) {
        View w = view(p(a[0])), x = view(p(a[1])), y = view(p(a[2]));
        int outRows = n(a[3]), cols = n(a[4]), batch = n(a[5]), xs = n(a[6]), ys = n(a[7]);
        for (int o = 0; o < Math.min(outRows, warps); o++) {
            for (int r = 0; r < batch; r++) {
                float s = 0;
                for (int i = 0; i < cols; i++) s += weight(kernel, w, o, cols, i) * x.f((long) r * xs + i);
                y.f((long) r * ys + o, s);
            }
        }
    }

    private static float weight(String kernel, View w, long row, int cols, int i) {
        return switch (kernel) {
            case "gemv_f32", "embed_f32" -> w.f(row * cols + i);
            case "gemv_f16", "embed_f16" -> Float.float16ToFloat(w.s(2 * (row * cols + i)));
            default -> {
                long block = (row * (cols / 32) + i / 32) * 34;
                yield Float.float16ToFloat(w.s(block)) * w.b(block + 2 + i % 32);
            }
        };
    }

    /** (e, tokens, out, dim). */
    private void embed(String kernel, int rows, Object[] a) {
        View e = view(p(a[0])), tokens = view(p(a[1])), out = view(p(a[2]));
        int dim = n(a[3]);
        for (int r = 0; r < rows; r++) {
            int t = tokens.i(r);
            for (int i = 0; i < dim; i++) out.f((long) r * dim + i, weight(kernel, e, t, dim, i));
        }
    }

    /** (x, w, out, n, eps, xStride, outStride). */
    private void rmsnorm(int rows, Object[] a) {
        View x = view(p(a[0])), w = view(p(a[1])), out = view(p(a[2]));
        int n = n(a[3]), xs = n(a[5]), os = n(a[6]);
        float eps = fl(a[4]);
        for (int r = 0; r < rows; r++) {
            float ss = 0;
            for (int i = 0; i < n; i++) ss += x.f((long) r * xs + i) * x.f((long) r * xs + i);
            float inv = 1.0f / (float) Math.sqrt(ss / n + eps);
            for (int i = 0; i < n; i++) out.f((long) r * os + i, w.f(i) * (inv * x.f((long) r * xs + i)));
        }
    }

    /** (q, k, positions, cos, sin, heads, kvHeads, headSize, qStride, kStride, halfSplit). */
    private void rope(int rows, Object[] a) {
        View q = view(p(a[0])), k = view(p(a[1])), pos = view(p(a[2])), cos = view(p(a[3])), sin = view(p(a[4]));
        int heads = n(a[5]), kvHeads = n(a[6]), headSize = n(a[7]), qs = n(a[8]), ks = n(a[9]);
        boolean half = n(a[10]) != 0;
        int pairs = headSize / 2;
        for (int r = 0; r < rows; r++) {
            long base = (long) pos.i(r) * pairs;
            for (int h = 0; h < heads + kvHeads; h++) {
                View v = h < heads ? q : k;
                long ho = h < heads ? (long) r * qs + (long) h * headSize : (long) r * ks + (long) (h - heads) * headSize;
                for (int i = 0; i < pairs; i++) {
                    long ia = ho + (half ? i : 2 * i), ib = ho + (half ? i + pairs : 2 * i + 1);
                    float c = cos.f(base + i), s = sin.f(base + i);
                    float v0 = v.f(ia), v1 = v.f(ib);
                    v.f(ia, v0 * c - v1 * s);
                    v.f(ib, v0 * s + v1 * c);
                }
            }
        }
    }

    /** (k, v, table, tableStride, positions, layer, kvDim). */
    private void kvStore(int rows, Object[] a) {
        View k = view(p(a[0])), v = view(p(a[1])), table = view(p(a[2])), pos = view(p(a[4]));
        int ts = n(a[3]), layer = n(a[5]), kvDim = n(a[6]);
        for (int r = 0; r < rows; r++) {
            int p = pos.i(r);
            View blk = view(table.l((long) r * ts + p / KV_BLOCK));
            int slot = p % KV_BLOCK;
            for (int i = 0; i < kvDim; i++) {
                blk.f(((long) (layer * 2) * KV_BLOCK + slot) * kvDim + i, k.f((long) r * kvDim + i));
                blk.f(((long) (layer * 2 + 1) * KV_BLOCK + slot) * kvDim + i, v.f((long) r * kvDim + i));
            }
        }
    }

    /** (q, out, table, tableStride, positions, layer, heads, kvHeads, headSize, scale, att, attStride). */
    private void attention(int gridHeads, int rows, Object[] a) {
        View q = view(p(a[0])), out = view(p(a[1])), table = view(p(a[2])), pos = view(p(a[4])), att = view(p(a[10]));
        int ts = n(a[3]), layer = n(a[5]), heads = n(a[6]), kvHeads = n(a[7]), headSize = n(a[8]), attStride = n(a[11]);
        float scale = fl(a[9]);
        int kvDim = kvHeads * headSize;
        for (int r = 0; r < rows; r++) {
            int p = pos.i(r);
            if (p >= attStride) throw new IllegalArgumentException("position " + p + " beyond attStride " + attStride);
            for (int h = 0; h < gridHeads; h++) {
                int kvOff = (h / (heads / kvHeads)) * headSize;
                long qo = (long) r * heads * headSize + (long) h * headSize;
                long ao = ((long) r * heads + h) * attStride;
                float mx = Float.NEGATIVE_INFINITY;
                for (int t = 0; t <= p; t++) {
                    View blk = view(table.l((long) r * ts + t / KV_BLOCK));
                    long ko = ((long) (layer * 2) * KV_BLOCK + t % KV_BLOCK) * kvDim + kvOff;
                    float s = 0;
                    for (int d = 0; d < headSize; d++) s += q.f(qo + d) * blk.f(ko + d);
                    s *= scale;
                    att.f(ao + t, s);
                    mx = Math.max(mx, s);
                }
                float sum = 0;
                for (int t = 0; t <= p; t++) {
                    float e = (float) Math.exp(att.f(ao + t) - mx);
                    att.f(ao + t, e);
                    sum += e;
                }
                float inv = 1.0f / sum;
                for (int d = 0; d < headSize; d++) {
                    float acc = 0;
                    for (int t = 0; t <= p; t++) {
                        View blk = view(table.l((long) r * ts + t / KV_BLOCK));
                        long vo = ((long) (layer * 2 + 1) * KV_BLOCK + t % KV_BLOCK) * kvDim + kvOff;
                        acc += (att.f(ao + t) * inv) * blk.f(vo + d);
                    }
                    out.f(qo + d, acc);
                }
            }
        }
    }

    /** (g, u, n). */
    private void swiglu(Object[] a) {
        View g = view(p(a[0])), u = view(p(a[1]));
        int n = n(a[2]);
        for (int i = 0; i < n; i++) {
            float v = g.f(i);
            g.f(i, v / (1.0f + (float) Math.exp(-v)) * u.f(i));
        }
    }

    /** (x, d, n). */
    private void residualAdd(Object[] a) {
        View x = view(p(a[0])), d = view(p(a[1]));
        int n = n(a[2]);
        for (int i = 0; i < n; i++) x.f(i, x.f(i) + d.f(i));
    }

    /** (logits, vocab, stride, out). */
    private void argmax(int rows, Object[] a) {
        View l = view(p(a[0])), out = view(p(a[3]));
        int vocab = n(a[1]), stride = n(a[2]);
        for (int r = 0; r < rows; r++) {
            int best = 0;
            for (int i = 1; i < vocab; i++) if (l.f((long) r * stride + i) > l.f((long) r * stride + best)) best = i;
            out.i(r, best);
        }
    }
}
