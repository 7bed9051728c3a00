package org.mirrorsd.models.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every block-quantised format dequantises bit for bit as ggml does: random blocks (with small and subnormal
 * scales) against the values gguf-py's {@code gguf.quants.dequantize} gave for them, through both getFloat and
 * readRow.
 */
class DequantizeTest {
    record Case(GgmlType type, byte[] blocks, int[] expectedBits) {
        @Override
        public String toString() { return type.toString(); }
    }

    static Stream<Case> cases() throws Exception {
        try (var in = DequantizeTest.class.getResourceAsStream("dequantize-reference.txt")) {
            assertNotNull(in, "dequantize-reference.txt");
            List<String> lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines()
                    .filter(l -> !l.startsWith("#") && !l.isBlank()).toList();
            return lines.stream().map(l -> {
                String[] f = l.split(" ");
                byte[] values = HexFormat.of().parseHex(f[2]);
                int[] bits = new int[values.length / 4];
                for (int i = 0; i < bits.length; i++) {
                    bits[i] = ((values[4 * i] & 0xFF) << 24) | ((values[4 * i + 1] & 0xFF) << 16)
                            | ((values[4 * i + 2] & 0xFF) << 8) | (values[4 * i + 3] & 0xFF);
                }
                return new Case(GgmlType.valueOf(f[0]), HexFormat.of().parseHex(f[1]), bits);
            }).toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesGgml(Case c) {
        MemorySegment data = Arena.ofAuto().allocate(c.blocks().length);
        MemorySegment.copy(c.blocks(), 0, data, ValueLayout.JAVA_BYTE, 0, c.blocks().length);
        int cols = c.expectedBits().length;
        Tensor t = Tensors.of(c.type(), "t", 1, cols, data);
        assertEquals(c.type(), t.ggmlType());
        float[] row = new float[cols + 2];
        t.readRow(0, row, 2);
        for (int i = 0; i < cols; i++) {
            assertEquals(c.expectedBits()[i], Float.floatToRawIntBits(row[2 + i]), c.type() + " readRow element " + i);
            assertEquals(c.expectedBits()[i], Float.floatToRawIntBits(t.getFloat(i)), c.type() + " getFloat element " + i);
        }
        // The same blocks as two rows of half the width (K-quants: one block per row needs cols = 256).
        if (cols / c.type().blockSize() % 2 == 0) {
            Tensor two = Tensors.of(c.type(), "t2", 2, cols / 2, data);
            two.readRow(1, row, 0);
            for (int i = 0; i < cols / 2; i++) {
                assertEquals(c.expectedBits()[cols / 2 + i], Float.floatToRawIntBits(row[i]), c.type() + " row 1 element " + i);
            }
        }
    }

    @Test
    void everyQuantisedTypeIsCovered() throws Exception {
        List<GgmlType> covered = cases().map(Case::type).toList();
        for (GgmlType t : GgmlType.values()) {
            if (t.quantized()) assertTrue(covered.contains(t), t + " has no reference blocks");
        }
    }

    @Test
    void shapesThatDoNotFitTheBlocksAreRefusedWithTheTensorName() {
        MemorySegment data = Arena.ofAuto().allocate(GgmlType.Q4_K.bytesPerBlock());
        var e = assertThrows(IllegalArgumentException.class, () -> Tensors.of(GgmlType.Q4_K, "blk.0.ffn_down.weight", 2, 128, data));
        assertTrue(e.getMessage().contains("blk.0.ffn_down.weight") && e.getMessage().contains("256"), e.getMessage());
    }

    @Test
    void idsAndBlockSizesAreGgmls() {
        int[][] expected = {{3, 32, 20}, {6, 32, 22}, {7, 32, 24}, {10, 256, 84}, {11, 256, 110}, {12, 256, 144},
                {13, 256, 176}, {14, 256, 210}, {20, 32, 18}, {23, 256, 136}};
        for (int[] e : expected) {
            GgmlType t = GgmlType.byId(e[0]);
            assertNotNull(t, "id " + e[0]);
            assertEquals(e[1], t.blockSize(), t + " block size");
            assertEquals(e[2], t.bytesPerBlock(), t + " block bytes");
        }
    }
}
