package org.mirrorsd.server.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.mirrorsd.server.structured.ToolCallSyntax;

/**
 * Chat responses of a request that offered tools: the finished text is parsed by the model's tool-call syntax,
 * and calls become {@code message.tool_calls} with {@code finish_reason: "tool_calls"}. Streamed, the text is
 * held back (a call is only known once it is complete) and sent at the end as OpenAI streams calls: a first
 * chunk per call with its {@code index}, {@code id}, {@code type} and {@code function.name} (arguments ""),
 * then {@code function.arguments} fragments, then the finish chunk. Text with no call is sent as content.
 */
public final class ToolCallFormat implements ResponseFormat {
    private static final int FRAGMENT = 24;
    private final ResponseFormat chat;
    private final ToolCallSyntax syntax;
    private final List<ToolCallSyntax.Function> offered;
    private final StringBuilder[] held;

    public ToolCallFormat(ResponseFormat chat, ToolCallSyntax syntax, List<ToolCallSyntax.Function> offered, int choices) {
        this.chat = chat;
        this.syntax = syntax;
        this.offered = offered;
        this.held = new StringBuilder[choices];
        for (int i = 0; i < choices; i++) held[i] = new StringBuilder();
    }

    @Override public String idPrefix() { return chat.idPrefix(); }
    @Override public String object() { return chat.object(); }
    @Override public String chunkObject() { return chat.chunkObject(); }
    @Override public JsonNode logprobs(List<TokenLogprob> tokens, int textOffset) { return chat.logprobs(tokens, textOffset); }

    @Override
    public ObjectNode choice(int index, String text, JsonNode logprobs, String finishReason) {
        List<ToolCallSyntax.Call> calls = "stop".equals(finishReason) ? syntax.parse(text, offered) : List.of();
        if (calls.isEmpty()) return chat.choice(index, text, logprobs, finishReason);
        ObjectNode message = Json.object();
        message.put("role", "assistant");
        message.putNull("content");
        ArrayNode list = message.putArray("tool_calls");
        for (ToolCallSyntax.Call c : calls) {
            ObjectNode call = list.addObject();
            call.put("id", callId());
            call.put("type", "function");
            ObjectNode fn = call.putObject("function");
            fn.put("name", c.name());
            fn.put("arguments", c.arguments());
        }
        ObjectNode out = Json.object();
        out.put("index", index);
        out.set("message", message);
        out.set("logprobs", logprobs);
        out.put("finish_reason", "tool_calls");
        return out;
    }

    /** Deltas are held until the choice ends: nothing to send yet. */
    @Override
    public synchronized ObjectNode chunkChoice(int index, String text, JsonNode logprobs, String finishReason, boolean first) {
        held[index].append(text);
        return null;
    }

    @Override
    public synchronized List<ObjectNode> endChunkChoices(int index, String tail, JsonNode logprobs, String finishReason,
                                                         boolean first) {
        String text = held[index].append(tail).toString();
        List<ToolCallSyntax.Call> calls = "stop".equals(finishReason) ? syntax.parse(text, offered) : List.of();
        List<ObjectNode> out = new ArrayList<>();
        if (calls.isEmpty()) {
            out.add(chat.chunkChoice(index, text, null, null, true));
            out.add(chat.chunkChoice(index, "", null, finishReason, false));
            return out;
        }
        for (int k = 0; k < calls.size(); k++) {
            ToolCallSyntax.Call c = calls.get(k);
            ObjectNode head = Json.object();
            head.put("index", k);
            head.put("id", callId());
            head.put("type", "function");
            head.putObject("function").put("name", c.name()).put("arguments", "");
            ObjectNode delta = Json.object();
            if (k == 0) {
                delta.put("role", "assistant");
                delta.putNull("content");
            }
            delta.putArray("tool_calls").add(head);
            out.add(wrap(index, delta, null));
            String args = c.arguments();
            for (int at = 0; at < args.length(); at += FRAGMENT) {
                ObjectNode frag = Json.object();
                frag.put("index", k);
                frag.putObject("function").put("arguments", args.substring(at, Math.min(args.length(), at + FRAGMENT)));
                ObjectNode d = Json.object();
                d.putArray("tool_calls").add(frag);
                out.add(wrap(index, d, null));
            }
        }
        out.add(wrap(index, Json.object(), "tool_calls"));
        return out;
    }

    private static ObjectNode wrap(int index, ObjectNode delta, String finishReason) {
        ObjectNode c = Json.object();
        c.put("index", index);
        c.set("delta", delta);
        c.putNull("logprobs");
        c.put("finish_reason", finishReason);
        return c;
    }

    private static String callId() {
        String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        StringBuilder sb = new StringBuilder("call_");
        for (int i = 0; i < 24; i++) sb.append(alphabet.charAt(ThreadLocalRandom.current().nextInt(alphabet.length())));
        return sb.toString();
    }
}
