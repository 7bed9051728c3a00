package org.mirrorsd.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** Parses a data-only server-sent-events body: {@code data: ...} lines separated by blank lines. */
public record Sse(List<JsonNode> events, boolean done) {

    public static Sse parse(String body) {
        List<JsonNode> events = new ArrayList<>();
        boolean done = false;
        for (String block : body.split("\n\n")) {
            if (block.isBlank()) continue;
            if (!block.startsWith("data: ")) throw new AssertionError("not an SSE data event: " + block);
            if (done) throw new AssertionError("event after [DONE]: " + block);
            String data = block.substring("data: ".length());
            if (data.equals("[DONE]")) done = true;
            else events.add(TestServer.parse(data));
        }
        if (!body.endsWith("\n\n")) throw new AssertionError("stream does not end with a blank line");
        return new Sse(events, done);
    }

    /** The concatenated text of choice {@code index} (chat deltas or completion text). */
    public String text(int index) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode e : events) {
            for (JsonNode c : e.path("choices")) {
                if (c.get("index").asInt() != index) continue;
                JsonNode t = c.has("delta") ? c.get("delta").get("content") : c.get("text");
                if (t != null && !t.isNull()) sb.append(t.asText());
            }
        }
        return sb.toString();
    }
}
