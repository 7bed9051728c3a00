// mirror-sd CUDA kernels: the Llama forward pass of org.mirrorsd.devices.cuda.CudaExecutor.
//
// Compiled to PTX only (no SASS), loaded at run time with cuModuleLoadData: the driver JIT-compiles it for the
// card it finds, so a user needs the NVIDIA driver and nothing of the toolkit. See README.md beside this file.
//
// Conventions, shared by every kernel:
//  - activations are float32, row-major, one batch row after another with an explicit row stride (in floats);
//  - device pointers arrive as 64-bit kernel parameters (the host passes raw addresses);
//  - weight matrices are rows x cols with cols contiguous: F32, F16 (IEEE half) or GGML Q8_0 (blocks of 34 bytes:
//    an f16 scale, then 32 signed bytes; cols is a multiple of 32);
//  - the KV cache is paged: a block holds KV_BLOCK positions of every layer, laid out as
//    [layer][0 = keys, 1 = values][slot][kvDim] floats, and every batch row has a table of block addresses
//    (tableStride entries per row; entry p / KV_BLOCK holds position p);
//  - kernels that reduce over a block assume blockDim.x is a multiple of 32 and at most 1024 (the host uses 256
//    or 128), and every thread of a block reaches every __syncthreads.
// Simplicity over speed: warp-per-output-row GEMV, one thread block per (row, head) attention. The arithmetic
// follows the CPU reference (org.mirrorsd.devices.cpu.CpuExecutor) operation by operation.

#include <cuda_fp16.h>

#define KV_BLOCK 16
#define GEMV_ROW_TILE 4

typedef unsigned long long u64;

__device__ __forceinline__ float warp_sum(float v) {
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
    return v;
}

__device__ __forceinline__ float warp_max(float v) {
    for (int o = 16; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, o));
    return v;
}

// The sum of v over the thread block, returned to every thread.
__device__ float block_sum(float v) {
    __shared__ float partial[32];
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = (blockDim.x + 31) >> 5;
    v = warp_sum(v);
    __syncthreads();                       // partial[] may still be read by a previous call
    if (lane == 0) partial[warp] = v;
    __syncthreads();
    if (warp == 0) {
        float t = lane < warps ? partial[lane] : 0.0f;
        t = warp_sum(t);
        if (lane == 0) partial[0] = t;
    }
    __syncthreads();
    return partial[0];
}

// The maximum of v over the thread block, returned to every thread.
__device__ float block_max(float v) {
    __shared__ float partial[32];
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = (blockDim.x + 31) >> 5;
    v = warp_max(v);
    __syncthreads();
    if (lane == 0) partial[warp] = v;
    __syncthreads();
    if (warp == 0) {
        float t = lane < warps ? partial[lane] : -INFINITY;
        t = warp_max(t);
        if (lane == 0) partial[0] = t;
    }
    __syncthreads();
    return partial[0];
}

// ---------------------------------------------------------------------------------------------------------------
// GEMV over a batch: y[r * yStride + o] = sum_i W[o, i] * x[r * xStride + i] for batch rows r < batch and weight
// rows o < outRows. One warp per weight row; the weight row is read once per tile of GEMV_ROW_TILE batch rows.
// Launch: blockDim.x = 256 (8 warps), gridDim.x = ceil(outRows / 8).

#define GEMV_PROLOGUE                                                                                            \
    int o = blockIdx.x * (blockDim.x >> 5) + (threadIdx.x >> 5);                                               \
    int lane = threadIdx.x & 31;                                                                                \
    if (o >= outRows) return; /* the whole warp leaves together; no barrier follows */

#define GEMV_EPILOGUE                                                                                            \
    _Pragma("unroll")                                                                                           \
    for (int j = 0; j < GEMV_ROW_TILE; j++) {                                                                   \
        float s = warp_sum(acc[j]);                                                                             \
        if (lane == 0 && j < tile) y[(size_t) (r0 + j) * yStride + o] = s;                                      \
    }

extern "C" __global__ void gemv_f32(const float* __restrict__ w, const float* __restrict__ x, float* __restrict__ y,
                                    int outRows, int cols, int batch, int xStride, int yStride) {
    GEMV_PROLOGUE
    const float* wr = w + (size_t) o * cols;
    for (int r0 = 0; r0 < batch; r0 += GEMV_ROW_TILE) {
        int tile = min(GEMV_ROW_TILE, batch - r0);
        float acc[GEMV_ROW_TILE] = {0.0f, 0.0f, 0.0f, 0.0f};
        for (int i = lane; i < cols; i += 32) {
            float wv = wr[i];
            _Pragma("unroll")
            for (int j = 0; j < GEMV_ROW_TILE; j++) {
                if (j < tile) acc[j] += wv * x[(size_t) (r0 + j) * xStride + i];
            }
        }
        GEMV_EPILOGUE
    }
}

extern "C" __global__ void gemv_f16(const __half* __restrict__ w, const float* __restrict__ x, float* __restrict__ y,
                                    int outRows, int cols, int batch, int xStride, int yStride) {
    GEMV_PROLOGUE
    const __half* wr = w + (size_t) o * cols;
    for (int r0 = 0; r0 < batch; r0 += GEMV_ROW_TILE) {
        int tile = min(GEMV_ROW_TILE, batch - r0);
        float acc[GEMV_ROW_TILE] = {0.0f, 0.0f, 0.0f, 0.0f};
        for (int i = lane; i < cols; i += 32) {
            float wv = __half2float(wr[i]);
            _Pragma("unroll")
            for (int j = 0; j < GEMV_ROW_TILE; j++) {
                if (j < tile) acc[j] += wv * x[(size_t) (r0 + j) * xStride + i];
            }
        }
        GEMV_EPILOGUE
    }
}

// Q8_0: lane l of the warp takes element l of every 32-element block, so a block is read by one coalesced load.
extern "C" __global__ void gemv_q8_0(const unsigned char* __restrict__ w, const float* __restrict__ x,
                                     float* __restrict__ y, int outRows, int cols, int batch, int xStride, int yStride) {
    GEMV_PROLOGUE
    int blocks = cols >> 5;
    const unsigned char* wr = w + (size_t) o * blocks * 34;
    for (int r0 = 0; r0 < batch; r0 += GEMV_ROW_TILE) {
        int tile = min(GEMV_ROW_TILE, batch - r0);
        float acc[GEMV_ROW_TILE] = {0.0f, 0.0f, 0.0f, 0.0f};
        for (int b = 0; b < blocks; b++) {
            const unsigned char* blk = wr + (size_t) b * 34;
            float scale = __half2float(*reinterpret_cast<const __half*>(blk));   // 2-byte aligned: 34 is even
            float wv = scale * (float) (signed char) blk[2 + lane];
            int i = (b << 5) + lane;
            _Pragma("unroll")
            for (int j = 0; j < GEMV_ROW_TILE; j++) {
                if (j < tile) acc[j] += wv * x[(size_t) (r0 + j) * xStride + i];
            }
        }
        GEMV_EPILOGUE
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Embedding gather: out[r * dim + i] = E[tokens[r], i]. Launch: one block per batch row.

extern "C" __global__ void embed_f32(const float* __restrict__ e, const int* __restrict__ tokens, float* __restrict__ out,
                                     int dim) {
    int r = blockIdx.x;
    const float* row = e + (size_t) tokens[r] * dim;
    for (int i = threadIdx.x; i < dim; i += blockDim.x) out[(size_t) r * dim + i] = row[i];
}

extern "C" __global__ void embed_f16(const __half* __restrict__ e, const int* __restrict__ tokens, float* __restrict__ out,
                                     int dim) {
    int r = blockIdx.x;
    const __half* row = e + (size_t) tokens[r] * dim;
    for (int i = threadIdx.x; i < dim; i += blockDim.x) out[(size_t) r * dim + i] = __half2float(row[i]);
}

extern "C" __global__ void embed_q8_0(const unsigned char* __restrict__ e, const int* __restrict__ tokens,
                                      float* __restrict__ out, int dim) {
    int r = blockIdx.x;
    const unsigned char* row = e + (size_t) tokens[r] * (dim >> 5) * 34;
    for (int i = threadIdx.x; i < dim; i += blockDim.x) {
        const unsigned char* blk = row + (size_t) (i >> 5) * 34;
        float scale = __half2float(*reinterpret_cast<const __half*>(blk));
        out[(size_t) r * dim + i] = scale * (float) (signed char) blk[2 + (i & 31)];
    }
}

// ---------------------------------------------------------------------------------------------------------------
// RMSNorm like llama2.c: out = w * (x / sqrt(mean(x^2) + eps)). Launch: one block of 256 threads per batch row.

extern "C" __global__ void rmsnorm(const float* __restrict__ x, const float* __restrict__ w, float* __restrict__ out,
                                   int n, float eps, int xStride, int outStride) {
    const float* xr = x + (size_t) blockIdx.x * xStride;
    float* orow = out + (size_t) blockIdx.x * outStride;
    float ss = 0.0f;
    for (int i = threadIdx.x; i < n; i += blockDim.x) ss += xr[i] * xr[i];
    ss = block_sum(ss);
    float inv = 1.0f / sqrtf(ss / (float) n + eps);
    for (int i = threadIdx.x; i < n; i += blockDim.x) orow[i] = w[i] * (inv * xr[i]);
}

// ---------------------------------------------------------------------------------------------------------------
// RoPE of every query head and key head of a batch row at its position, in place. halfSplit = 0 rotates the pairs
// (2i, 2i + 1) (llama2.c, GGUF llama), 1 rotates (i, i + headSize / 2) (Hugging Face). cosT / sinT are
// [contextLength, headSize / 2]. Launch: one block per batch row.

extern "C" __global__ void rope(float* __restrict__ q, float* __restrict__ k, const int* __restrict__ positions,
                                const float* __restrict__ cosT, const float* __restrict__ sinT, int heads, int kvHeads,
                                int headSize, int qStride, int kStride, int halfSplit) {
    int r = blockIdx.x;
    int pairs = headSize >> 1;
    const float* c = cosT + (size_t) positions[r] * pairs;
    const float* s = sinT + (size_t) positions[r] * pairs;
    int total = (heads + kvHeads) * pairs;
    for (int t = threadIdx.x; t < total; t += blockDim.x) {
        int h = t / pairs, i = t - h * pairs;
        float* v = h < heads ? q + (size_t) r * qStride + h * headSize
                             : k + (size_t) r * kStride + (h - heads) * headSize;
        int a = halfSplit ? i : 2 * i;
        int b = halfSplit ? i + pairs : 2 * i + 1;
        float v0 = v[a], v1 = v[b];
        v[a] = v0 * c[i] - v1 * s[i];
        v[b] = v0 * s[i] + v1 * c[i];
    }
}

// ---------------------------------------------------------------------------------------------------------------
// KV cache write: the key and value of each batch row go to its position's slot for this layer.
// Launch: one block per batch row.

extern "C" __global__ void kv_store(const float* __restrict__ k, const float* __restrict__ v,
                                    const u64* __restrict__ table, int tableStride, const int* __restrict__ positions,
                                    int layer, int kvDim) {
    int r = blockIdx.x;
    int p = positions[r];
    float* blk = reinterpret_cast<float*>(table[(size_t) r * tableStride + p / KV_BLOCK]);
    int slot = p % KV_BLOCK;
    float* kd = blk + ((size_t) (layer * 2) * KV_BLOCK + slot) * kvDim;
    float* vd = blk + ((size_t) (layer * 2 + 1) * KV_BLOCK + slot) * kvDim;
    for (int i = threadIdx.x; i < kvDim; i += blockDim.x) {
        kd[i] = k[(size_t) r * kvDim + i];
        vd[i] = v[(size_t) r * kvDim + i];
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Causal attention of batch row r, query head h over positions 0..positions[r] of the row's own cache (GQA: query
// head h reads key/value head h / (heads / kvHeads)). Scores go through att (attStride floats per (row, head)).
// q and out are [rows, heads * headSize]. Launch: gridDim = (heads, rows), blockDim.x = 128.

extern "C" __global__ void attention(const float* __restrict__ q, float* __restrict__ out,
                                     const u64* __restrict__ table, int tableStride,
                                     const int* __restrict__ positions, int layer, int heads, int kvHeads,
                                     int headSize, float scale, float* __restrict__ att, int attStride) {
    int h = blockIdx.x, r = blockIdx.y;
    int p = positions[r];
    int kvDim = kvHeads * headSize;
    int kvOff = (h / (heads / kvHeads)) * headSize;
    const u64* rowTable = table + (size_t) r * tableStride;
    const float* qr = q + (size_t) r * heads * headSize + (size_t) h * headSize;
    float* a = att + ((size_t) r * heads + h) * attStride;

    float mx = -INFINITY;
    for (int t = threadIdx.x; t <= p; t += blockDim.x) {
        const float* key = reinterpret_cast<const float*>(rowTable[t / KV_BLOCK])
                + ((size_t) (layer * 2) * KV_BLOCK + t % KV_BLOCK) * kvDim + kvOff;
        float s = 0.0f;
        for (int d = 0; d < headSize; d++) s += qr[d] * key[d];
        s *= scale;
        a[t] = s;
        mx = fmaxf(mx, s);
    }
    mx = block_max(mx);

    float sum = 0.0f;
    for (int t = threadIdx.x; t <= p; t += blockDim.x) {
        float e = expf(a[t] - mx);
        a[t] = e;
        sum += e;
    }
    sum = block_sum(sum);                  // its barriers also publish a[] to the whole block
    float inv = 1.0f / sum;

    float* orow = out + (size_t) r * heads * headSize + (size_t) h * headSize;
    for (int d = threadIdx.x; d < headSize; d += blockDim.x) {
        float acc = 0.0f;
        for (int t = 0; t <= p; t++) {
            const float* value = reinterpret_cast<const float*>(rowTable[t / KV_BLOCK])
                    + ((size_t) (layer * 2 + 1) * KV_BLOCK + t % KV_BLOCK) * kvDim + kvOff;
            acc += (a[t] * inv) * value[d];
        }
        orow[d] = acc;
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Element-wise: SwiGLU gate (g = silu(g) * u) and residual add (x += d), over n contiguous floats.
// Launch: 1-D grid of 256-thread blocks, grid-stride loop.

extern "C" __global__ void swiglu(float* __restrict__ g, const float* __restrict__ u, int n) {
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x * blockDim.x) {
        float v = g[i];
        g[i] = v / (1.0f + expf(-v)) * u[i];
    }
}

extern "C" __global__ void residual_add(float* __restrict__ x, const float* __restrict__ d, int n) {
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x * blockDim.x) x[i] += d[i];
}

// ---------------------------------------------------------------------------------------------------------------
// Greedy pick per batch row: out[r] = the lowest index of the largest of logits[r * stride .. + vocab) (the same
// tie-break as a left-to-right scan). Launch: one block of exactly 256 threads per row. Top-k sampling is done on
// the host from the copied logits.

extern "C" __global__ void argmax_rows(const float* __restrict__ logits, int vocab, int stride, int* __restrict__ out) {
    __shared__ float bestV[256];
    __shared__ int bestI[256];
    const float* row = logits + (size_t) blockIdx.x * stride;
    float bv = -INFINITY;
    int bi = 0x7fffffff;
    for (int i = threadIdx.x; i < vocab; i += blockDim.x) {
        float v = row[i];
        if (v > bv) { bv = v; bi = i; }    // ascending i: keeps the first of equal values
    }
    bestV[threadIdx.x] = bv;
    bestI[threadIdx.x] = bi;
    __syncthreads();
    for (int half = blockDim.x >> 1; half > 0; half >>= 1) {
        if (threadIdx.x < half) {
            float ov = bestV[threadIdx.x + half];
            int oi = bestI[threadIdx.x + half];
            if (ov > bestV[threadIdx.x] || (ov == bestV[threadIdx.x] && oi < bestI[threadIdx.x])) {
                bestV[threadIdx.x] = ov;
                bestI[threadIdx.x] = oi;
            }
        }
        __syncthreads();
    }
    if (threadIdx.x == 0) out[blockIdx.x] = bestI[0] == 0x7fffffff ? 0 : bestI[0];
}
