package org.mirrorsd.models.chat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.mirrorsd.models.chat.jinja.PyJson;

/**
 * How the built-in styles (models without a Jinja template) see a full request: every message reduced to a role
 * and text, with one documented format for tools so that tool calls can be read back from any of them.
 *
 * <ul>
 *   <li>Tools: a system block {@link #toolBlock} (joined to the first system message, or a new one) lists each tool
 *       as one line of JSON inside {@code <tools>...</tools>} and asks for
 *       {@code <tool_call>{"name": ..., "arguments": {...}}</tool_call>}.</li>
 *   <li>An assistant turn's {@code tool_calls} are written in that same form after its text.</li>
 *   <li>A {@code tool} message becomes a user turn {@code <tool_response>...</tool_response>}.</li>
 *   <li>Content given as a list of parts is the concatenation of its text parts; null content is empty.</li>
 * </ul>
 */
final class BuiltinToolPrompt {
    private BuiltinToolPrompt() {}

    static List<ChatMessage> messages(ChatPrompt prompt) {
        List<ChatMessage> out = new ArrayList<>();
        for (Map<String, Object> m : prompt.messages()) {
            String role = String.valueOf(m.get("role"));
            String text = text(m.get("content"));
            if (m.get("tool_calls") instanceof List<?> calls && !calls.isEmpty()) {
                StringBuilder sb = new StringBuilder(text);
                for (Object call : calls) {
                    if (!sb.isEmpty()) sb.append('\n');
                    sb.append(toolCall(call));
                }
                text = sb.toString();
            }
            if (role.equals("tool")) out.add(ChatMessage.user("<tool_response>\n" + text + "\n</tool_response>"));
            else out.add(new ChatMessage(role, text));
        }
        if (prompt.tools() != null && !prompt.tools().isEmpty()) {
            String block = toolBlock(prompt.tools());
            if (!out.isEmpty() && out.getFirst().role().equals("system")) {
                out.set(0, ChatMessage.system(out.getFirst().content() + "\n\n" + block));
            } else {
                out.addFirst(ChatMessage.system(block));
            }
        }
        return out;
    }

    /** The system text that offers the tools. */
    static String toolBlock(List<Map<String, Object>> tools) {
        StringBuilder sb = new StringBuilder("You may call one or more functions to assist with the user query.\n\n"
                + "You are provided with function signatures within <tools></tools> XML tags:\n<tools>");
        for (Map<String, Object> tool : tools) sb.append('\n').append(PyJson.dumps(tool));
        sb.append("\n</tools>\n\nFor each function call, return a json object with function name and arguments within "
                + "<tool_call></tool_call> XML tags:\n<tool_call>\n{\"name\": <function-name>, \"arguments\": <args-json-object>}\n</tool_call>");
        return sb.toString();
    }

    /** One call as {@code <tool_call>{"name": ..., "arguments": {...}}</tool_call>}; string arguments as sent. */
    private static String toolCall(Object call) {
        Object fn = call instanceof Map<?, ?> c && c.get("function") instanceof Map<?, ?> f ? f : call;
        Object name = fn instanceof Map<?, ?> f ? f.get("name") : null;
        Object args = fn instanceof Map<?, ?> f ? f.get("arguments") : null;
        String argsJson = args instanceof String s ? s : PyJson.dumps(args == null ? Map.of() : args);
        return "<tool_call>\n{\"name\": " + PyJson.dumps(name) + ", \"arguments\": " + argsJson + "}\n</tool_call>";
    }

    static String text(Object content) {
        if (content == null) return "";
        if (content instanceof List<?> parts) {
            StringBuilder sb = new StringBuilder();
            for (Object p : parts) {
                if (p instanceof Map<?, ?> part && part.get("text") instanceof String t) sb.append(t);
                else if (p instanceof String s) sb.append(s);
            }
            return sb.toString();
        }
        return String.valueOf(content);
    }
}
