package org.mirrorsd.models.chat;

import java.util.List;

/** Llama 3: {@code <|start_header_id|>role<|end_header_id|>\n\ncontent<|eot_id|>}, contents trimmed. */
public record Llama3ChatTemplate() implements ChatTemplate {

    @Override
    public String name() { return "llama3"; }

    @Override
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        StringBuilder sb = new StringBuilder();
        for (ChatMessage m : messages) {
            sb.append("<|start_header_id|>").append(m.role()).append("<|end_header_id|>\n\n")
              .append(m.content().strip()).append("<|eot_id|>");
        }
        if (addGenerationPrompt) sb.append("<|start_header_id|>assistant<|end_header_id|>\n\n");
        return sb.toString();
    }
}
