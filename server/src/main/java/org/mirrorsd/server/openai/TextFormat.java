package org.mirrorsd.server.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** Legacy {@code text_completion} responses; streamed chunks have the same shape. */
final class TextFormat implements ResponseFormat {

    @Override
    public String idPrefix() { return "cmpl-"; }

    @Override
    public String object() { return "text_completion"; }

    @Override
    public String chunkObject() { return "text_completion"; }

    @Override
    public ObjectNode choice(int index, String text, JsonNode logprobs, String finishReason) {
        ObjectNode c = Json.object();
        c.put("index", index);
        c.put("text", text);
        c.set("logprobs", logprobs);
        c.put("finish_reason", finishReason);
        return c;
    }

    @Override
    public ObjectNode chunkChoice(int index, String text, JsonNode logprobs, String finishReason, boolean first) {
        return choice(index, text, logprobs, finishReason);
    }

    @Override
    public JsonNode logprobs(List<TokenLogprob> tokens, int textOffset) {
        if (tokens == null) return null;
        ArrayNode names = Json.array();
        ArrayNode values = Json.array();
        ArrayNode tops = Json.array();
        ArrayNode offsets = Json.array();
        int offset = textOffset;
        for (TokenLogprob t : tokens) {
            names.add(t.token());
            // NaN: an echoed prompt's first token, which nothing predicts (null, as vLLM writes it).
            if (Float.isNaN(t.logprob())) {
                values.addNull();
                tops.addNull();
            } else {
                values.add(t.logprob());
                ObjectNode top = Json.object();
                for (TokenLogprob.Alternative a : t.top()) {
                    if (!top.has(a.token())) top.put(a.token(), a.logprob());
                }
                tops.add(top);
            }
            offsets.add(offset);
            offset += t.token().length();
        }
        ObjectNode lp = Json.object();
        lp.set("tokens", names);
        lp.set("token_logprobs", values);
        lp.set("top_logprobs", tops);
        lp.set("text_offset", offsets);
        return lp;
    }
}
