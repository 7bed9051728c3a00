package org.mirrorsd.models.chat;

import java.util.List;

/**
 * Renders a conversation to the prompt text a chat model was trained on.
 *
 * <p>Prompts never start with the BOS token: the tokenizer adds it ({@code special().addBos()}), as llama.cpp
 * does. Special tokens inside the prompt ({@code <|im_start|>}, a later {@code <s>}) are written as text, so
 * encode the prompt with {@code parseSpecial = true}.
 */
public sealed interface ChatTemplate
        permits Llama2ChatTemplate, Llama3ChatTemplate, ChatMlTemplate, ZephyrChatTemplate, PlainChatTemplate {

    /** The name {@link ChatTemplates#byName} knows this style by. */
    String name();

    /**
     * @param addGenerationPrompt end with the opening of an assistant turn, so the model writes the reply
     */
    String render(List<ChatMessage> messages, boolean addGenerationPrompt);
}
