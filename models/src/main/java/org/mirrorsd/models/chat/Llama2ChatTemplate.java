package org.mirrorsd.models.chat;

import java.util.List;

/**
 * Llama 2 chat, as Meta's template writes it: {@code [INST] <<SYS>>\nS\n<</SYS>>\n\nU [/INST] A </s><s>[INST] U2 [/INST]}.
 * The system message folds into the first user turn; contents are trimmed. The reply follows {@code [/INST]}
 * directly, so there is no separate generation prompt.
 */
public record Llama2ChatTemplate() implements ChatTemplate {

    @Override
    public String name() { return "llama2"; }

    @Override
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        StringBuilder sb = new StringBuilder();
        String system = null;
        boolean firstUser = true;
        for (int i = 0; i < messages.size(); i++) {
            ChatMessage m = messages.get(i);
            switch (m.role()) {
                case "system" -> {
                    if (i != 0) throw new IllegalArgumentException("llama2 template: a system message must come first");
                    system = m.content();
                }
                case "user" -> {
                    String content = firstUser && system != null
                            ? "<<SYS>>\n" + system + "\n<</SYS>>\n\n" + m.content() : m.content();
                    // BOS before every turn but the first: the tokenizer adds that one.
                    if (!firstUser) sb.append("<s>");
                    sb.append("[INST] ").append(content.strip()).append(" [/INST]");
                    firstUser = false;
                }
                case "assistant" -> sb.append(' ').append(m.content().strip()).append(" </s>");
                default -> throw new IllegalArgumentException("llama2 template: unsupported role '" + m.role() + "'");
            }
        }
        return sb.toString();
    }
}
