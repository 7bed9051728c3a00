package org.mirrorsd.models.chat;

import java.util.List;

/** ChatML (Qwen, many fine-tunes): {@code <|im_start|>role\ncontent<|im_end|>\n}. */
public record ChatMlTemplate() implements ChatTemplate {

    @Override
    public String name() { return "chatml"; }

    @Override
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        StringBuilder sb = new StringBuilder();
        for (ChatMessage m : messages) {
            sb.append("<|im_start|>").append(m.role()).append('\n').append(m.content()).append("<|im_end|>\n");
        }
        if (addGenerationPrompt) sb.append("<|im_start|>assistant\n");
        return sb.toString();
    }
}
