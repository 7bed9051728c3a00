package org.mirrorsd.models.chat;

import java.util.List;

/**
 * Zephyr-style turns, {@code <|role|>\ncontent<END>\n}: Zephyr ends turns with {@code </s>}, Phi-3 with
 * {@code <|end|>}; otherwise the two are the same.
 *
 * @param name       "zephyr" or "phi3"
 * @param endOfTurn  the text that closes each turn
 */
public record ZephyrChatTemplate(String name, String endOfTurn) implements ChatTemplate {

    public static ZephyrChatTemplate zephyr() { return new ZephyrChatTemplate("zephyr", "</s>"); }

    public static ZephyrChatTemplate phi3() { return new ZephyrChatTemplate("phi3", "<|end|>"); }

    @Override
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        StringBuilder sb = new StringBuilder();
        for (ChatMessage m : messages) {
            sb.append("<|").append(m.role()).append("|>\n").append(m.content()).append(endOfTurn).append('\n');
        }
        if (addGenerationPrompt) sb.append("<|assistant|>\n");
        return sb.toString();
    }
}
