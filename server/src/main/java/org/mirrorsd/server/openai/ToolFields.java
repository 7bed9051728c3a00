package org.mirrorsd.server.openai;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mirrorsd.models.chat.ChatPrompt;
import org.mirrorsd.server.structured.ToolCallSyntax;

/**
 * The tool-calling fields of {@code /v1/chat/completions}: {@code tools} (functions with JSON-schema
 * parameters), {@code tool_choice} ({@code none}, {@code auto}, {@code required} or a named function) and
 * {@code parallel_tool_calls}; and the conversation as the maps a chat template renders, assistant
 * {@code tool_calls} and {@code tool} messages included.
 *
 * @param functions offered functions (empty when the request has no tools)
 * @param choice    none / auto / required / named
 * @param named     the function {@code tool_choice} names, or null
 */
public record ToolFields(List<ToolCallSyntax.Function> functions, List<Map<String, Object>> toolMaps, Choice choice,
                         String named, boolean parallel) {
    public enum Choice { NONE, AUTO, REQUIRED, NAMED }

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

    public boolean active() { return !functions.isEmpty() && choice != Choice.NONE; }

    /** Whether the output must be tool calls (a grammar forces them). */
    public boolean forced() { return choice == Choice.REQUIRED || choice == Choice.NAMED; }

    /** The functions a forced call may use. */
    public List<ToolCallSyntax.Function> callable() {
        if (choice != Choice.NAMED) return functions;
        return functions.stream().filter(f -> f.name().equals(named)).toList();
    }

    public static ToolFields parse(ApiKind kind, ObjectNode body) {
        RequestFields f = new RequestFields(body);
        JsonNode tools = f.node("tools");
        if (kind != ApiKind.CHAT) {
            for (String p : List.of("tools", "tool_choice", "parallel_tool_calls")) {
                if (f.has(p)) throw ApiError.invalid("'" + p + "' is only supported on /v1/chat/completions.", p);
            }
            return new ToolFields(List.of(), null, Choice.NONE, null, false);
        }
        List<ToolCallSyntax.Function> functions = new ArrayList<>();
        List<Map<String, Object>> maps = null;
        if (tools != null) {
            if (!tools.isArray()) throw RequestFields.wrongType("tools", "an array of tools");
            if (tools.size() > 128) throw ApiError.invalid("'tools' takes at most 128 tools.", "tools");
            maps = new ArrayList<>();
            Set<String> names = new HashSet<>();
            for (int i = 0; i < tools.size(); i++) {
                String param = "tools[" + i + "]";
                JsonNode t = tools.get(i);
                if (!t.isObject()) throw RequestFields.wrongType(param, "an object");
                if (!"function".equals(t.path("type").asText(null))) {
                    throw ApiError.invalid("'" + param + ".type' must be 'function'.", param + ".type");
                }
                JsonNode fn = t.get("function");
                if (fn == null || !fn.isObject()) throw ApiError.invalid("'" + param + ".function' is required.", param + ".function");
                RequestFields ff = new RequestFields((ObjectNode) fn);
                String name = ff.string("name");
                if (name == null || !name.matches("[A-Za-z0-9_-]{1,64}")) {
                    throw ApiError.invalid("'" + param + ".function.name' is required: letters, digits, '_' and '-',"
                            + " at most 64.", param + ".function.name");
                }
                if (!names.add(name)) throw ApiError.invalid("Two tools are named '" + name + "'.", param + ".function.name");
                ff.string("description");
                ff.bool("strict");
                JsonNode params = ff.node("parameters");
                if (params != null && !params.isObject()) throw RequestFields.wrongType(param + ".function.parameters", "an object");
                functions.add(new ToolCallSyntax.Function(name, params, i));
                maps.add(Json.MAPPER.convertValue(t, MAP));
            }
        }
        Choice choice = functions.isEmpty() ? Choice.NONE : Choice.AUTO;
        String named = null;
        JsonNode tc = f.node("tool_choice");
        if (tc != null) {
            if (tc.isTextual()) {
                choice = switch (tc.textValue()) {
                    case "none" -> Choice.NONE;
                    case "auto" -> Choice.AUTO;
                    case "required" -> Choice.REQUIRED;
                    default -> throw ApiError.invalid("'tool_choice' must be 'none', 'auto', 'required' or a named"
                            + " function, got '" + tc.textValue() + "'.", "tool_choice");
                };
            } else if (tc.isObject() && "function".equals(tc.path("type").asText(null)) && tc.path("function").path("name").isTextual()) {
                named = tc.get("function").get("name").textValue();
                choice = Choice.NAMED;
                String n = named;
                if (functions.stream().noneMatch(fn -> fn.name().equals(n))) {
                    throw ApiError.invalid("'tool_choice' names '" + named + "', which is not in 'tools'.", "tool_choice");
                }
            } else {
                throw ApiError.invalid("'tool_choice' must be a string or {\"type\": \"function\", \"function\":"
                        + " {\"name\": ...}}.", "tool_choice");
            }
            if (functions.isEmpty() && choice != Choice.NONE) {
                throw ApiError.invalid("'tool_choice' needs 'tools'.", "tool_choice");
            }
        }
        Boolean parallel = f.bool("parallel_tool_calls");
        return new ToolFields(functions, maps, choice, named, parallel == null || parallel);
    }

    /**
     * The conversation for the chat template: every message as a map, as the client sent it (assistant
     * {@code tool_calls}, {@code tool_call_id} and all); tools only when the model may call them.
     */
    /** The parsed conversation with this request's tools; tool messages checked for what OpenAI requires. */
    public ChatPrompt withTools(ChatPrompt conversation, ObjectNode body) {
        JsonNode list = body.get("messages");
        for (int i = 0; i < list.size(); i++) {
            JsonNode m = list.get(i);
            JsonNode calls = m.get("tool_calls");
            if (calls != null && !calls.isNull() && !calls.isArray()) {
                throw RequestFields.wrongType("messages[" + i + "].tool_calls", "an array");
            }
            if ("tool".equals(m.path("role").asText()) && !m.path("tool_call_id").isTextual()) {
                throw ApiError.invalid("'messages[" + i + "].tool_call_id' is required for tool messages.",
                        "messages[" + i + "].tool_call_id");
            }
        }
        return new ChatPrompt(conversation.messages(), active() ? toolMaps : null, conversation.addGenerationPrompt(),
                conversation.kwargs());
    }

    /** Whether the conversation needs the full ChatPrompt (tools, tool calls or tool results in it). */
    public boolean needsChatPrompt(ObjectNode body) {
        if (!functions.isEmpty()) return true;
        JsonNode list = body.get("messages");
        if (list == null || !list.isArray()) return false;
        for (JsonNode m : list) {
            if (m.has("tool_calls") || "tool".equals(m.path("role").asText())) return true;
        }
        return false;
    }
}
