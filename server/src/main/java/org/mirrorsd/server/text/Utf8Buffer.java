package org.mirrorsd.server.text;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Collects token bytes and hands out text only up to the last complete UTF-8 character: a character whose
 * bytes are split across tokens (common for emoji and CJK with byte-fallback vocabularies) is held until its
 * last byte arrives. Bytes that can never become valid are released as U+FFFD rather than held forever.
 */
public final class Utf8Buffer {
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    public void append(byte[] bytes) {
        pending.writeBytes(bytes);
    }

    /** The text of every complete character so far; an unfinished trailing character stays buffered. */
    public String takeComplete() {
        byte[] b = pending.toByteArray();
        int cut = completePrefix(b);
        pending.reset();
        pending.write(b, cut, b.length - cut);
        return new String(b, 0, cut, StandardCharsets.UTF_8);
    }

    /** Everything, an unfinished character included (as U+FFFD): for the end of a generation. */
    public String takeAll() {
        String s = pending.toString(StandardCharsets.UTF_8);
        pending.reset();
        return s;
    }

    /** Length of the prefix that ends on a character boundary (or on bytes that cannot start one). */
    static int completePrefix(byte[] b) {
        int n = b.length;
        // A character is at most 4 bytes: only the last 3 can belong to an unfinished one.
        for (int i = n - 1; i >= Math.max(0, n - 3); i--) {
            int v = b[i] & 0xFF;
            if ((v & 0xC0) == 0x80) continue; // continuation byte: keep looking for its lead
            int need = v >= 0xF0 && v <= 0xF4 ? 4 : v >= 0xE0 ? 3 : v >= 0xC2 && v < 0xE0 ? 2 : 1;
            return n - i < need && v >= 0xC2 && v <= 0xF4 ? i : n;
        }
        return n;
    }
}
