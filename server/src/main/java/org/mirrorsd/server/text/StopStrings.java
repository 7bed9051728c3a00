package org.mirrorsd.server.text;

import java.util.List;

/**
 * Finds the request's stop strings in streamed text. Text that could still be the start of a stop string is
 * held back, so a stop string split across tokens is caught and never reaches the client.
 */
public final class StopStrings {
    private final List<String> stops;
    private final StringBuilder held = new StringBuilder();
    private boolean matched;

    public StopStrings(List<String> stops) {
        this.stops = List.copyOf(stops);
    }

    /** Adds text; returns what can be sent now. After a match, returns the text before it and then nothing. */
    public String offer(String text) {
        if (matched) return "";
        if (stops.isEmpty()) return text;
        held.append(text);
        int first = -1;
        for (String stop : stops) {
            int at = held.indexOf(stop);
            if (at >= 0 && (first < 0 || at < first)) first = at;
        }
        if (first >= 0) {
            matched = true;
            String out = held.substring(0, first);
            held.setLength(0);
            return out;
        }
        int keep = longestStopPrefixSuffix();
        String out = held.substring(0, held.length() - keep);
        held.delete(0, held.length() - keep);
        return out;
    }

    public boolean matched() { return matched; }

    /** The held-back text, once the generation ended without a match. */
    public String release() {
        String out = held.toString();
        held.setLength(0);
        return out;
    }

    /** Length of the longest end of the held text that is a proper start of some stop string. */
    private int longestStopPrefixSuffix() {
        int best = 0;
        String text = held.toString();
        for (String stop : stops) {
            for (int len = Math.min(stop.length() - 1, held.length()); len > best; len--) {
                if (text.regionMatches(text.length() - len, stop, 0, len)) {
                    best = len;
                    break;
                }
            }
        }
        return best;
    }
}
