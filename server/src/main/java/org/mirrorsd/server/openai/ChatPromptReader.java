package org.mirrorsd.server.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of a chat request that reach the model's chat template as data: each message as a map (role, content,
 * name, tool_calls, tool_call_id) and {@code chat_template_kwargs}, the extra template variables (as in vLLM,
 * e.g. Qwen3's {@code enable_thinking}).
 */
final class ChatPromptReader {
    private ChatPromptReader() {}

    /** The fields of a message a template may read, besides the checked role and content. */
    private static final List<String> PASSED = List.of("name", "tool_calls", "tool_call_id");

    static Map<String, Object> message(JsonNode m, String role, String content) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("role", role);
        out.put("content", content);
        for (String field : PASSED) {
            JsonNode v = m.get(field);
            if (v != null && !v.isNull()) out.put(field, plain(field.equals("tool_calls") ? withParsedArguments(v) : v));
        }
        return out;
    }

    /**
     * Templates format a call's {@code arguments} as an object ({@code arguments|tojson}), while OpenAI clients
     * send a JSON string: like vLLM and llama.cpp, a string that holds a JSON object is given as that object.
     */
    private static JsonNode withParsedArguments(JsonNode calls) {
        if (!calls.isArray()) return calls;
        JsonNode copy = calls.deepCopy();
        for (JsonNode call : copy) {
            JsonNode fn = call.get("function");
            if (fn == null || !fn.isObject() || !fn.path("arguments").isTextual()) continue;
            try {
                JsonNode parsed = Json.MAPPER.readTree(fn.get("arguments").textValue());
                if (parsed != null && parsed.isObject()) ((com.fasterxml.jackson.databind.node.ObjectNode) fn).set("arguments", parsed);
            } catch (JsonProcessingException e) {
                // not JSON: the template sees the string as sent
            }
        }
        return copy;
    }

    /** {@code chat_template_kwargs}: an object whose keys become template variables. */
    static Map<String, Object> kwargs(RequestFields f) {
        JsonNode k = f.node("chat_template_kwargs");
        if (k == null || k.isNull()) return Map.of();
        if (!k.isObject()) throw RequestFields.wrongType("chat_template_kwargs", "an object");
        Map<String, Object> out = new LinkedHashMap<>();
        k.properties().forEach(e -> out.put(e.getKey(), plain(e.getValue())));
        return out;
    }

    private static Object plain(JsonNode node) { return Json.MAPPER.convertValue(node, Object.class); }
}
