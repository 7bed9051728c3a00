package org.mirrorsd.server.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Streaming text assembly: split UTF-8 characters are held whole, stop strings are caught across pieces. */
class TextAssemblerTest {
    /** Token i is the i-th byte array: a byte-fallback vocabulary in miniature. */
    private static TextAssembler assembler(List<String> stops, byte[]... tokens) {
        return new TextAssembler(i -> tokens[i], stops, false);
    }

    @Test
    void multiByteCharacterSplitAcrossTokensIsHeldUntilComplete() {
        byte[] euro = "€".getBytes(StandardCharsets.UTF_8); // E2 82 AC
        byte[] smile = "😀".getBytes(StandardCharsets.UTF_8); // 4 bytes
        var t = assembler(List.of(), new byte[] {euro[0]}, new byte[] {euro[1]}, new byte[] {euro[2], 'a'},
                new byte[] {smile[0], smile[1], smile[2]}, new byte[] {smile[3]});
        assertEquals("", t.push(0));
        assertEquals("", t.push(1));
        assertEquals("€a", t.push(2));
        assertEquals("", t.push(3));
        assertEquals("😀", t.push(4));
        assertEquals("", t.finish());
    }

    @Test
    void invalidBytesAreNotHeldForever() {
        var t = assembler(List.of(), new byte[] {(byte) 0x80}, new byte[] {(byte) 0xE2}, new byte[] {'x'});
        assertEquals("\uFFFD", t.push(0));
        assertEquals("", t.push(1));
        assertEquals("\uFFFDx", t.push(2));
        var unfinished = assembler(List.of(), new byte[] {(byte) 0xE2, (byte) 0x82});
        assertEquals("", unfinished.push(0));
        assertEquals("\uFFFD", unfinished.finish());
    }

    @Test
    void stopStringAcrossTokensIsCutAndNeverSent() {
        var t = assembler(List.of("END"), "hello E".getBytes(), "N".getBytes(), "D more".getBytes());
        assertEquals("hello ", t.push(0));
        assertEquals("", t.push(1));
        assertFalse(t.stopped());
        assertEquals("", t.push(2));
        assertTrue(t.stopped());
        assertEquals("", t.finish());
    }

    @Test
    void heldPrefixIsReleasedWhenItDoesNotBecomeAStop() {
        var t = assembler(List.of("END"), "a E".getBytes(), "Nx".getBytes(), "b EN".getBytes());
        assertEquals("a ", t.push(0));
        assertEquals("ENx", t.push(1));
        assertEquals("b ", t.push(2));
        assertEquals("EN", t.finish());
    }

    @Test
    void leadingSpaceOfTheFirstPieceAfterBosIsDropped() {
        var t = new TextAssembler(i -> new byte[][] {{}, " Once".getBytes(), " upon".getBytes()}[i], List.of(), true);
        assertEquals("", t.push(0)); // BOS-like control token: no bytes, the strip waits for real text
        assertEquals("Once", t.push(1));
        assertEquals(" upon", t.push(2));
    }
}
