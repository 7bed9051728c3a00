package org.mirrorsd.devices.cpu;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Random;
import org.mirrorsd.models.tensor.GgmlType;
import org.mirrorsd.models.tensor.Tensor;
import org.mirrorsd.models.tensor.Tensors;

/** Block-quantised test tensors whose every byte is chosen: a fixed fill for the edges of each field's range, or random. */
final class BlockFill {
    private static final ValueLayout.OfShort S = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private BlockFill() {}

    /**
     * Every byte {@code fill} (or random when fill < 0), with each block's f16 scale(s) set to {@code scale}, times a
     * Gaussian per block when {@code jitter} and the bytes are random (so d and dmin differ between blocks).
     */
    static Tensor filled(Arena arena, Random random, GgmlType type, int rows, int cols, int fill, float scale, boolean jitter) {
        long blocks = (long) rows * cols / type.blockSize();
        MemorySegment m = arena.allocate(blocks * type.bytesPerBlock());
        for (long i = 0; i < m.byteSize(); i++) m.set(ValueLayout.JAVA_BYTE, i, (byte) (fill < 0 ? random.nextInt() : fill));
        int[] offsets = switch (type) {
            case Q4_K, Q5_K -> new int[] {0, 2};
            case Q6_K -> new int[] {208};
            default -> new int[] {0};
        };
        for (long b = 0; b < blocks; b++) {
            for (int o : offsets) {
                float s = jitter && fill < 0 ? scale * (float) random.nextGaussian() : scale;
                m.set(S, b * type.bytesPerBlock() + o, Float.floatToFloat16(s));
            }
        }
        return Tensors.of(type, type + "/" + fill, rows, cols, m);
    }
}
