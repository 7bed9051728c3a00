package org.mirrorsd.server.text;

import java.util.List;
import java.util.function.IntFunction;

/**
 * Turns one choice's tokens into the text to send: token bytes, whole UTF-8 characters only, stop strings
 * cut off. Built from the tokens' bytes rather than by re-decoding, so streamed deltas concatenate to exactly
 * the non-streamed text.
 */
public final class TextAssembler {
    private final IntFunction<byte[]> tokenBytes;
    private final Utf8Buffer utf8 = new Utf8Buffer();
    private final StopStrings stops;
    private boolean stripLeadingSpace;

    /**
     * @param stripLeadingSpace drop the leading space of the first token, as SentencePiece decoding does for
     *                          the token right after BOS
     */
    public TextAssembler(IntFunction<byte[]> tokenBytes, List<String> stopStrings, boolean stripLeadingSpace) {
        this.tokenBytes = tokenBytes;
        this.stops = new StopStrings(stopStrings);
        this.stripLeadingSpace = stripLeadingSpace;
    }

    /** Adds a token; returns the text that became safe to send (often empty). */
    public String push(int token) {
        if (stops.matched()) return "";
        byte[] bytes = tokenBytes.apply(token);
        if (stripLeadingSpace && bytes.length > 0) {
            stripLeadingSpace = false;
            if (bytes[0] == ' ') bytes = java.util.Arrays.copyOfRange(bytes, 1, bytes.length);
        }
        utf8.append(bytes);
        return stops.offer(utf8.takeComplete());
    }

    /** A stop string was found: the caller should end the generation. */
    public boolean stopped() { return stops.matched(); }

    /** The rest once the generation ended by itself: an unfinished character and any held-back text. */
    public String finish() {
        if (stops.matched()) return "";
        String tail = stops.offer(utf8.takeAll());
        return stops.matched() ? tail : tail + stops.release();
    }
}
