package org.mirrorsd.server.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** {@code chat.completion} responses and {@code chat.completion.chunk} stream events. */
final class ChatFormat implements ResponseFormat {

    @Override
    public String idPrefix() { return "chatcmpl-"; }

    @Override
    public String object() { return "chat.completion"; }

    @Override
    public String chunkObject() { return "chat.completion.chunk"; }

    @Override
    public ObjectNode choice(int index, String text, JsonNode logprobs, String finishReason) {
        ObjectNode message = Json.object();
        message.put("role", "assistant");
        message.put("content", text);
        ObjectNode c = Json.object();
        c.put("index", index);
        c.set("message", message);
        c.set("logprobs", logprobs);
        c.put("finish_reason", finishReason);
        return c;
    }

    @Override
    public ObjectNode chunkChoice(int index, String text, JsonNode logprobs, String finishReason, boolean first) {
        ObjectNode delta = Json.object();
        if (first) delta.put("role", "assistant");
        if (!text.isEmpty() || first) delta.put("content", text);
        ObjectNode c = Json.object();
        c.put("index", index);
        c.set("delta", delta);
        c.set("logprobs", logprobs);
        c.put("finish_reason", finishReason);
        return c;
    }

    @Override
    public JsonNode logprobs(List<TokenLogprob> tokens, int textOffset) {
        if (tokens == null) return null;
        ArrayNode content = Json.array();
        for (TokenLogprob t : tokens) {
            ObjectNode e = entry(t.token(), t.bytes(), t.logprob());
            ArrayNode top = e.putArray("top_logprobs");
            for (TokenLogprob.Alternative a : t.top()) top.add(entry(a.token(), a.bytes(), a.logprob()));
            content.add(e);
        }
        ObjectNode lp = Json.object();
        lp.set("content", content);
        lp.putNull("refusal");
        return lp;
    }

    private static ObjectNode entry(String token, byte[] bytes, float logprob) {
        ObjectNode e = Json.object();
        e.put("token", token);
        e.put("logprob", logprob);
        e.set("bytes", Json.bytes(bytes));
        return e;
    }
}
