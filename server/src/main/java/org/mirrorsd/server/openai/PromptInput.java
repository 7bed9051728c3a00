package org.mirrorsd.server.openai;

import org.mirrorsd.models.chat.ChatPrompt;

/** One prompt as the client gave it, before tokenization. */
public sealed interface PromptInput {

    /** Text, tokenized with BOS when the model wants it; special-token text is not parsed. */
    record Text(String text) implements PromptInput {}

    /** Token ids, used exactly as given. */
    record Tokens(int[] ids) implements PromptInput {}

    /** A conversation (messages, tools, template keyword arguments), rendered by the model's chat template. */
    record Messages(ChatPrompt prompt) implements PromptInput {}
}
