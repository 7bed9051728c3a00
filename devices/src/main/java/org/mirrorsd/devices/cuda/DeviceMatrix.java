package org.mirrorsd.devices.cuda;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.mirrorsd.models.tensor.F16Tensor;
import org.mirrorsd.models.tensor.F32Tensor;
import org.mirrorsd.models.tensor.Q8_0Tensor;
import org.mirrorsd.models.tensor.Tensor;

/**
 * A weight matrix in device memory, in one of the formats the kernels read. F32, F16 and Q8_0 tensors are
 * uploaded byte for byte; every other format (BF16, Q4_0, llama2.c int8 groups) is dequantised to F32 on the
 * host while uploading, which keeps the kernels few and the logits exact, at 4 bytes per weight.
 */
record DeviceMatrix(String name, long address, int rows, int cols, Format format, long bytes) {

    enum Format {
        F32("gemv_f32", "embed_f32"),
        F16("gemv_f16", "embed_f16"),
        Q8_0("gemv_q8_0", "embed_q8_0");

        final String gemv;
        final String embed;

        Format(String gemv, String embed) {
            this.gemv = gemv;
            this.embed = embed;
        }
    }

    private static final ValueLayout.OfFloat LE_FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** The device format a tensor is uploaded as. */
    static Format formatOf(Tensor t) {
        return switch (t) {
            case F32Tensor f -> Format.F32;
            case F16Tensor f -> Format.F16;
            case Q8_0Tensor q -> Format.Q8_0;
            default -> Format.F32;
        };
    }

    /** Device bytes of a tensor once uploaded. */
    static long deviceBytes(Tensor t) {
        return switch (t) {
            case F32Tensor f -> f.data().byteSize();
            case F16Tensor f -> f.data().byteSize();
            case Q8_0Tensor q -> q.data().byteSize();
            default -> 4L * t.rows() * t.cols();
        };
    }

    /**
     * Allocates and fills the device copy of {@code t}, through {@code staging} (a direct buffer of at least one
     * F32 row).
     */
    static DeviceMatrix upload(Gpu gpu, Tensor t, ByteBuffer staging) {
        Format format = formatOf(t);
        long bytes = deviceBytes(t);
        long address = gpu.alloc(bytes);
        MemorySegment stage = MemorySegment.ofBuffer(staging.clear());
        long chunk = staging.capacity();
        MemorySegment raw = switch (t) {
            case F32Tensor f -> f.data();
            case F16Tensor f -> f.data();
            case Q8_0Tensor q -> q.data();
            default -> null;
        };
        if (raw != null) {
            for (long off = 0; off < bytes; off += chunk) {
                int n = (int) Math.min(chunk, bytes - off);
                MemorySegment.copy(raw, off, stage, 0, n);
                gpu.upload(address + off, staging.clear().limit(n));
            }
        } else {
            int cols = t.cols();
            int rowsPerChunk = (int) Math.max(1, chunk / (4L * cols));
            if (4L * cols > chunk) throw new IllegalArgumentException("staging buffer smaller than a row of " + t.name());
            float[] row = new float[cols];
            for (int r0 = 0; r0 < t.rows(); r0 += rowsPerChunk) {
                int n = Math.min(rowsPerChunk, t.rows() - r0);
                for (int r = 0; r < n; r++) {
                    t.readRow(r0 + r, row, 0);
                    MemorySegment.copy(row, 0, stage, LE_FLOAT, 4L * r * cols, cols);
                }
                gpu.upload(address + 4L * r0 * cols, staging.clear().limit(4 * n * cols));
            }
        }
        return new DeviceMatrix(t.name(), address, t.rows(), t.cols(), format, bytes);
    }
}
