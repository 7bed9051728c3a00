package org.mirrorsd.models.chat;

import java.util.List;
import java.util.Locale;

/**
 * For models without a chat template (base models, llama2.c stories): {@code Role: content\n} per turn, and
 * {@code Assistant:} as the generation prompt (no trailing space: SentencePiece models put the space on the
 * next word).
 */
public record PlainChatTemplate() implements ChatTemplate {

    @Override
    public String name() { return "plain"; }

    @Override
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        StringBuilder sb = new StringBuilder();
        for (ChatMessage m : messages) {
            sb.append(capitalize(m.role())).append(": ").append(m.content()).append('\n');
        }
        if (addGenerationPrompt) sb.append("Assistant:");
        return sb.toString();
    }

    private static String capitalize(String role) {
        return role.isEmpty() ? role : role.substring(0, 1).toUpperCase(Locale.ROOT) + role.substring(1);
    }
}
