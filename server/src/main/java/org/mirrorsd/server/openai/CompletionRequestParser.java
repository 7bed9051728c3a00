package org.mirrorsd.server.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mirrorsd.models.chat.ChatPrompt;

/** Reads and checks the body of {@code /v1/chat/completions} and {@code /v1/completions}. */
public final class CompletionRequestParser {
    /** Most choices one request may ask for; each holds a KV cache while it runs. */
    public static final int MAX_CHOICES = 16;
    public static final int MAX_TOP_LOGPROBS = 20;
    private static final int MAX_STOPS = 4;
    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool");

    private CompletionRequestParser() {}

    public static CompletionRequest parse(ApiKind kind, ObjectNode body) {
        RequestFields f = new RequestFields(body);
        List<PromptInput> prompts = kind == ApiKind.CHAT ? List.of(messages(f)) : prompts(f);
        Integer maxTokens = f.integer("max_completion_tokens", 1, Integer.MAX_VALUE);
        if (maxTokens == null) maxTokens = f.integer("max_tokens", 1, Integer.MAX_VALUE);
        Integer n = f.integer("n", 1, MAX_CHOICES);
        boolean stream = Boolean.TRUE.equals(f.bool("stream"));
        boolean includeUsage = stream && includeUsage(f);
        boolean logprobs;
        int top;
        if (kind == ApiKind.CHAT) {
            logprobs = Boolean.TRUE.equals(f.bool("logprobs"));
            Integer t = f.integer("top_logprobs", 0, MAX_TOP_LOGPROBS);
            if (t != null && t > 0 && !logprobs) {
                throw ApiError.invalid("'top_logprobs' requires 'logprobs' to be true.", "top_logprobs");
            }
            top = t == null ? 0 : t;
        } else {
            // Legacy completions: logprobs is the number of alternatives (0 = only the chosen tokens).
            Integer t = f.integer("logprobs", 0, MAX_TOP_LOGPROBS);
            logprobs = t != null;
            top = t == null ? 0 : t;
        }
        Integer topK = f.integer("top_k", -1, Integer.MAX_VALUE);
        SamplingOverrides sampling = new SamplingOverrides(
                f.number("temperature", 0, false, 2),
                f.number("top_p", 0, true, 1),
                topK == null ? null : Math.max(0, topK), // -1 means off, as in vLLM
                f.number("min_p", 0, false, 1),
                f.number("repetition_penalty", 0, true, 10),
                f.number("presence_penalty", -2, false, 2),
                f.number("frequency_penalty", -2, false, 2),
                f.int64("seed"));
        f.string("user"); // accepted for compatibility, only type-checked
        return new CompletionRequest(kind, f.string("model"), f.string("decoding"), prompts, maxTokens, sampling,
                f.strings("stop", MAX_STOPS), n == null ? 1 : n, logprobs, top, stream, includeUsage,
                Boolean.TRUE.equals(f.bool("ignore_eos")));
    }

    private static boolean includeUsage(RequestFields f) {
        JsonNode options = f.node("stream_options");
        if (options == null) return false;
        if (!options.isObject()) throw RequestFields.wrongType("stream_options", "an object");
        return Boolean.TRUE.equals(new RequestFields((ObjectNode) options).bool("include_usage"));
    }

    private static PromptInput messages(RequestFields f) {
        JsonNode list = f.node("messages");
        if (list == null) throw ApiError.invalid("'messages' is required.", "messages");
        if (!list.isArray()) throw RequestFields.wrongType("messages", "an array of messages");
        if (list.isEmpty()) throw ApiError.invalid("'messages' must hold at least one message.", "messages");
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String param = "messages[" + i + "]";
            JsonNode m = list.get(i);
            if (!m.isObject()) throw RequestFields.wrongType(param, "an object");
            RequestFields mf = new RequestFields((ObjectNode) m);
            String role = mf.string("role");
            if (role == null) throw ApiError.invalid("'" + param + ".role' is required.", param + ".role");
            if (!ROLES.contains(role)) {
                throw ApiError.invalid("'" + param + ".role' must be one of " + ROLES + ", got '" + role + "'.",
                        param + ".role");
            }
            out.add(ChatPromptReader.message(m, role, content(mf.node("content"), param + ".content")));
        }
        return new PromptInput.Messages(new ChatPrompt(out, null, true, ChatPromptReader.kwargs(f)));
    }

    /** A string, or an array of text parts ({@code {"type": "text", "text": ...}}); null only as empty. */
    private static String content(JsonNode c, String param) {
        if (c == null) return "";
        if (c.isTextual()) return c.textValue();
        if (!c.isArray()) throw RequestFields.wrongType(param, "a string or an array of content parts");
        StringBuilder sb = new StringBuilder();
        for (JsonNode part : c) {
            JsonNode type = part.get("type");
            JsonNode text = part.get("text");
            if (type == null || !"text".equals(type.asText()) || text == null || !text.isTextual()) {
                throw ApiError.invalid("'" + param + "' parts must be {\"type\": \"text\", \"text\": ...}; other"
                        + " content types are not supported.", param);
            }
            sb.append(text.textValue());
        }
        return sb.toString();
    }

    /** A string, an array of strings, an array of token ids, or an array of arrays of token ids. */
    private static List<PromptInput> prompts(RequestFields f) {
        JsonNode p = f.node("prompt");
        if (p == null) throw ApiError.invalid("'prompt' is required.", "prompt");
        if (p.isTextual()) return List.of(new PromptInput.Text(p.textValue()));
        String expected = "a string, an array of strings, or an array of token ids";
        if (!p.isArray()) throw RequestFields.wrongType("prompt", expected);
        if (p.isEmpty()) throw ApiError.invalid("'prompt' must not be empty.", "prompt");
        if (p.get(0).isIntegralNumber()) return List.of(tokens(p, expected));
        if (p.size() > MAX_CHOICES) throw ApiError.invalid("'prompt' takes at most " + MAX_CHOICES + " prompts.", "prompt");
        List<PromptInput> out = new ArrayList<>();
        for (JsonNode e : p) {
            if (e.isTextual()) out.add(new PromptInput.Text(e.textValue()));
            else if (e.isArray() && !e.isEmpty()) out.add(tokens(e, expected));
            else throw RequestFields.wrongType("prompt", expected);
        }
        return out;
    }

    private static PromptInput tokens(JsonNode array, String expected) {
        int[] ids = new int[array.size()];
        for (int i = 0; i < ids.length; i++) {
            JsonNode t = array.get(i);
            if (!t.isIntegralNumber() || !t.canConvertToInt()) throw RequestFields.wrongType("prompt", expected);
            ids[i] = t.intValue();
        }
        return new PromptInput.Tokens(ids);
    }
}
