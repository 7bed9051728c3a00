package org.mirrorsd.models.chat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a chat template renders, in the shape Hugging Face's {@code apply_chat_template} takes it: OpenAI-style
 * message objects as plain maps and lists ({@code role}, {@code content}, {@code name}, {@code tool_calls},
 * {@code tool_call_id}, ...), the tool definitions (null when the request has none), whether to open an assistant
 * turn, and extra template keyword arguments (a request's {@code chat_template_kwargs}, such as Qwen3's
 * {@code enable_thinking}).
 */
public record ChatPrompt(List<Map<String, Object>> messages, List<Map<String, Object>> tools,
                         boolean addGenerationPrompt, Map<String, Object> kwargs) {

    public ChatPrompt {
        messages = List.copyOf(messages);
        tools = tools == null ? null : List.copyOf(tools);
        kwargs = kwargs == null ? Map.of() : Map.copyOf(kwargs);
    }

    /** A plain conversation: each message only a role and its text. */
    public static ChatPrompt of(List<ChatMessage> messages, boolean addGenerationPrompt) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (ChatMessage m : messages) {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("role", m.role());
            map.put("content", m.content());
            out.add(map);
        }
        return new ChatPrompt(out, null, addGenerationPrompt, Map.of());
    }
}
