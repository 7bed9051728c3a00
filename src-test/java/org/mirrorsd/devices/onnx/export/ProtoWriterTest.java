package org.mirrorsd.devices.onnx.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Wire-format checks against hand-encoded protobuf bytes. */
class ProtoWriterTest {
    private static byte[] hex(String s) { return HexFormat.of().parseHex(s.replace(" ", "")); }

    @Test
    void varintsAndTags() {
        assertArrayEquals(hex("08 96 01"), new ProtoWriter().int64(1, 150).toByteArray());
        assertArrayEquals(hex("10 ff ff ff ff ff ff ff ff ff 01"), new ProtoWriter().int64(2, -1).toByteArray());
        assertArrayEquals(hex("a0 01 07"), new ProtoWriter().int64(20, 7).toByteArray(), "two-byte tag");
    }

    @Test
    void lengthDelimitedAndFixed32() {
        assertArrayEquals(hex("12 07 74 65 73 74 69 6e 67"), new ProtoWriter().string(2, "testing").toByteArray());
        assertArrayEquals(hex("15 00 00 80 3f"), new ProtoWriter().float32(2, 1f).toByteArray());
        ProtoWriter nested = new ProtoWriter().int64(1, 150);
        assertArrayEquals(hex("1a 03 08 96 01"), new ProtoWriter().message(3, nested).toByteArray());
        assertArrayEquals(hex("0a 04 03 8e 02 00"), new ProtoWriter().packedInt64(1, new long[] {3, 270, 0}).toByteArray());
    }
}
