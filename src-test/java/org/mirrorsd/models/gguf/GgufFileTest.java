package org.mirrorsd.models.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mirrorsd.models.tensor.GgmlType;

class GgufFileTest {
    static final Path SHARED = Path.of(System.getProperty("mirrorsd.shared", "../shared"));

    @TempDir
    Path tmp;

    @Test
    void readsStories260kModel() throws IOException {
        Path path = SHARED.resolve("models/stories260K.gguf");
        try (GgufFile gguf = GgufFile.open(path)) {
            assertEquals(3, gguf.version());
            assertEquals("llama", gguf.getString("general.architecture"));
            assertEquals(48, gguf.tensors().size());
            assertEquals(512, gguf.getStringArray("tokenizer.ggml.tokens").length);
            for (GgufTensorInfo t : gguf.tensors()) {
                assertEquals(GgmlType.F32, t.type(), t.name());
                assertEquals(t.elementCount() * 4, t.data().byteSize(), t.name());
                assertEquals(0, t.byteOffset() % gguf.alignment(), t.name());
            }
            GgufTensorInfo embedding = gguf.tensor("token_embd.weight");
            assertArrayEquals(new long[] {64, 512}, embedding.shape()); // ggml order: row length first

            // The manifest says the tensors are bit-identical to stories260K.bin, whose first weights are the
            // token embedding right after the 7-int header.
            ByteBuffer bin = ByteBuffer.wrap(Files.readAllBytes(SHARED.resolve("models/stories260K.bin")))
                    .order(ByteOrder.LITTLE_ENDIAN);
            ValueLayout.OfFloat f32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < 64 * 512; i += 97) {
                assertEquals(bin.getFloat(28 + 4 * i), embedding.data().getAtIndex(f32, i), "element " + i);
            }
            assertThrows(IllegalArgumentException.class, () -> gguf.tensor("no.such.tensor"));
        }
    }

    @Test
    void readsVocabularyOnlyFiles() throws IOException {
        try (GgufFile gguf = GgufFile.open(SHARED.resolve("vocab/ggml-vocab-gpt-2.gguf"))) {
            assertTrue(gguf.tensors().isEmpty());
            assertEquals("gpt2", gguf.getString("tokenizer.ggml.model"));
            assertEquals(50257, gguf.getStringArray("tokenizer.ggml.tokens").length);
            assertTrue(gguf.getStringArray("tokenizer.ggml.merges").length > 40000);
        }
    }

    @Test
    void largeStringArraysLoadFast() throws IOException {
        Path path = SHARED.resolve("vocab/ggml-vocab-gpt-2.gguf");
        try (GgufFile warmUp = GgufFile.open(path)) {
            assertFalse(warmUp.metadata().isEmpty());
        }
        long start = System.nanoTime();
        try (GgufFile gguf = GgufFile.open(path)) {
            assertEquals(50257, gguf.getStringArray("tokenizer.ggml.tokens").length);
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis < 1000, "opening a 50k-token, 50k-merge vocabulary took " + millis + " ms");
    }

    @Test
    void readsEveryMetadataTypeAndTensorData() throws IOException {
        GgufTestWriter w = new GgufTestWriter().header(3, 2, 16);
        w.str("u8").u32(0).u8(200);
        w.str("i8").u32(1).u8(0xFF);
        w.str("u16").u32(2).u16(60000);
        w.str("i16").u32(3).u16(-2);
        w.str("u32").u32(4).u32(-1);
        w.str("i32").u32(5).u32(-7);
        w.str("f32").u32(6).f32(1.5f);
        w.str("bool").u32(7).u8(1);
        w.str("str").u32(8).str("héllo");
        w.str("u64").u32(10).u64(1L << 40);
        w.str("i64").u32(11).u64(-3);
        w.str("f64").u32(12).f64(2.25);
        w.str("strs").u32(9).u32(8).u64(2).str("a").str("▁b");
        w.str("nested").u32(9).u32(9).u64(2).u32(5).u64(2).u32(1).u32(2).u32(6).u64(1).f32(0.5f);
        w.str("general.alignment").u32(4).u32(64);
        w.str("floats").u32(9).u32(6).u64(3).f32(1).f32(2).f32(3);
        w.str("a.f32").u32(2).u64(2).u64(3).u32(0).u64(0);   // 2x3 F32 = 24 bytes at 0
        w.str("b.q8").u32(1).u64(32).u32(8).u64(64);          // one Q8_0 block = 34 bytes at 64
        w.pad(64);
        int dataStart = w.size();
        for (int i = 0; i < 6; i++) w.f32(i + 0.25f);
        w.pad(64);
        byte[] block = new byte[34];
        block[2] = 42;
        w.bytes(block);
        Path file = write("all-types.gguf", w.toByteArray());

        try (GgufFile gguf = GgufFile.open(file)) {
            assertEquals(200, gguf.getInt("u8"));
            assertEquals(-1, gguf.getInt("i8"));
            assertEquals(60000, gguf.getInt("u16"));
            assertEquals(-2, gguf.getInt("i16"));
            assertEquals(4294967295L, gguf.getLong("u32"));
            assertEquals(-7, gguf.getInt("i32"));
            assertEquals(1.5f, gguf.getFloat("f32"));
            assertTrue(gguf.getBoolean("bool"));
            assertEquals("héllo", gguf.getString("str"));
            assertEquals(1L << 40, gguf.getLong("u64"));
            assertEquals(-3, gguf.getInt("i64"));
            assertEquals(2.25f, gguf.getFloat("f64"));
            assertArrayEquals(new String[] {"a", "▁b"}, gguf.getStringArray("strs"));
            Object[] nested = (Object[]) gguf.metadata().get("nested");
            assertArrayEquals(new int[] {1, 2}, (int[]) nested[0]);
            assertArrayEquals(new float[] {0.5f}, (float[]) nested[1]);
            assertArrayEquals(new float[] {1, 2, 3}, gguf.getFloatArray("floats"));
            assertEquals(64, gguf.alignment());
            assertEquals(dataStart, gguf.dataStart());

            GgufTensorInfo a = gguf.tensor("a.f32");
            assertArrayEquals(new long[] {2, 3}, a.shape());
            assertEquals(24, a.data().byteSize());
            assertEquals(5.25f, a.data().getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 5));
            GgufTensorInfo b = gguf.tensor("b.q8");
            assertEquals(GgmlType.Q8_0, b.type());
            assertEquals(34, b.data().byteSize());
            assertEquals(42, b.data().get(ValueLayout.JAVA_BYTE, 2));

            // Typed getters name the file and key.
            IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> gguf.getString("nope"));
            assertTrue(missing.getMessage().contains("all-types.gguf") && missing.getMessage().contains("'nope'"),
                    missing.getMessage());
            IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class, () -> gguf.getInt("str"));
            assertTrue(wrong.getMessage().contains("'str'"), wrong.getMessage());
            assertThrows(IllegalArgumentException.class, () -> gguf.getInt("u32")); // 2^32-1 does not fit an int
            assertEquals(7, gguf.getInt("absent", 7));
            assertTrue(gguf.getOptionalString("absent").isEmpty());
        }
    }

    @Test
    void rejectsWrongMagic() throws IOException {
        byte[] bytes = new GgufTestWriter().header(3, 0, 0).toByteArray();
        bytes[0] = 'X';
        GgufFormatException e = assertThrows(GgufFormatException.class, () -> GgufFile.open(write("bad.gguf", bytes)));
        assertTrue(e.getMessage().contains("bad.gguf") && e.getMessage().contains("magic"), e.getMessage());
    }

    @Test
    void rejectsUnsupportedVersion() throws IOException {
        Path file = write("v1.gguf", new GgufTestWriter().header(1, 0, 0).toByteArray());
        GgufFormatException e = assertThrows(GgufFormatException.class, () -> GgufFile.open(file));
        assertTrue(e.getMessage().contains("version 1"), e.getMessage());
    }

    @Test
    void rejectsTruncatedMetadata() throws IOException {
        byte[] full = new GgufTestWriter().header(3, 0, 1).str("general.name").u32(8).str("a long name").toByteArray();
        Path file = write("cut.gguf", Arrays.copyOf(full, full.length - 3));
        GgufFormatException e = assertThrows(GgufFormatException.class, () -> GgufFile.open(file));
        assertTrue(e.getMessage().contains("cut.gguf") && e.getMessage().contains("truncated")
                && e.getMessage().contains("general.name"), e.getMessage());
    }

    @Test
    void rejectsTruncatedTensorData() throws IOException {
        GgufTestWriter w = new GgufTestWriter().header(3, 1, 0);
        w.str("w").u32(1).u64(1000).u32(0).u64(0);
        w.pad(32);
        w.f32(1);
        Path file = write("short.gguf", w.toByteArray());
        GgufFormatException e = assertThrows(GgufFormatException.class, () -> GgufFile.open(file));
        assertTrue(e.getMessage().contains("short.gguf") && e.getMessage().contains("truncated")
                && e.getMessage().contains("'w'"), e.getMessage());
    }

    @Test
    void rejectsUnsupportedTensorType() throws IOException {
        GgufTestWriter w = new GgufTestWriter().header(3, 1, 0);
        w.str("blk.0.ffn_up.weight").u32(1).u64(256).u32(16).u64(0); // IQ2_XXS
        w.pad(32).bytes(new byte[256]);
        GgufFormatException e = assertThrows(GgufFormatException.class, () -> GgufFile.open(write("k.gguf", w.toByteArray())));
        assertTrue(e.getMessage().contains("blk.0.ffn_up.weight") && e.getMessage().contains("16")
                && e.getMessage().contains("Q4_K"), e.getMessage());
    }

    @Test
    void rejectsShapeThatDoesNotFitTheBlockSize() throws IOException {
        GgufTestWriter w = new GgufTestWriter().header(3, 1, 0);
        w.str("odd").u32(1).u64(33).u32(2).u64(0); // Q4_0 rows must be multiples of 32
        w.pad(32).bytes(new byte[64]);
        GgufFormatException e = assertThrows(GgufFormatException.class, () -> GgufFile.open(write("odd.gguf", w.toByteArray())));
        assertTrue(e.getMessage().contains("'odd'"), e.getMessage());
    }

    @Test
    void rejectsUnknownMetadataType() throws IOException {
        Path file = write("t.gguf", new GgufTestWriter().header(3, 0, 1).str("k").u32(99).toByteArray());
        GgufFormatException e = assertThrows(GgufFormatException.class, () -> GgufFile.open(file));
        assertTrue(e.getMessage().contains("'k'") && e.getMessage().contains("99"), e.getMessage());
    }

    @Test
    void rejectsArrayLongerThanTheFile() throws IOException {
        Path file = write("arr.gguf", new GgufTestWriter().header(3, 0, 1).str("k").u32(9).u32(8)
                .u64(1L << 40).toByteArray());
        GgufFormatException e = assertThrows(GgufFormatException.class, () -> GgufFile.open(file));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    private Path write(String name, byte[] bytes) throws IOException {
        Path file = tmp.resolve(name);
        Files.write(file, bytes);
        return file;
    }
}
