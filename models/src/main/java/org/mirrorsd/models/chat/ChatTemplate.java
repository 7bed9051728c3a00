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
        permits Llama2ChatTemplate, Llama3ChatTemplate, ChatMlTemplate, ZephyrChatTemplate, PlainChatTemplate,
                JinjaChatTemplate {

    /** The name {@link ChatTemplates#byName} knows this style by. */
    String name();

    /**
     * @param addGenerationPrompt end with the opening of an assistant turn, so the model writes the reply
     */
    String render(List<ChatMessage> messages, boolean addGenerationPrompt);

    /**
     * Renders a full request (tools, tool calls, template keyword arguments). The built-in styles know only roles
     * and text: {@link BuiltinToolPrompt} reduces the request to that (tools offered in a system block, calls
     * written as {@code <tool_call>...</tool_call>}); the model's own Jinja template sees everything.
     */
    default String render(ChatPrompt prompt) {
        return render(BuiltinToolPrompt.messages(prompt), prompt.addGenerationPrompt());
    }

    /** The Jinja source this template renders ({@code tokenizer.chat_template}), or null for a built-in style. */
    default String source() { return null; }
}
