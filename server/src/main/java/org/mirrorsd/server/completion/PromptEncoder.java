package org.mirrorsd.server.completion;

import java.util.Arrays;
import org.mirrorsd.models.chat.ChatPrompt;
import org.mirrorsd.models.chat.ChatTemplateException;
import org.mirrorsd.models.tokenizer.Tokenizer;
import org.mirrorsd.server.ServedModel;
import org.mirrorsd.server.openai.ApiError;
import org.mirrorsd.server.openai.PromptInput;

/** Turns a prompt as the client sent it into the token ids fed to the model. */
final class PromptEncoder {
    private final ServedModel model;

    PromptEncoder(ServedModel model) {
        this.model = model;
    }

    int[] encode(PromptInput prompt, String param) {
        Tokenizer tok = model.tokenizer();
        int[] ids = switch (prompt) {
            // Chat templates write special tokens as text (<|im_start|>), so those are parsed.
            case PromptInput.Messages m -> withBos(tok.encode(rendered(m.prompt()), true));
            case PromptInput.Text t -> withBos(tok.encode(t.text(), false));
            case PromptInput.Tokens t -> checked(t.ids(), param);
        };
        if (ids.length == 0) throw ApiError.invalid("The prompt is empty.", param);
        if (ids.length >= model.contextLength()) {
            throw ApiError.invalid("This model's maximum context length is " + model.contextLength()
                    + " tokens, but the prompt has " + ids.length + " tokens.", param, "context_length_exceeded");
        }
        return ids;
    }

    /** The conversation through the model's chat template; a template that refuses it is the client's error. */
    private String rendered(ChatPrompt prompt) {
        try {
            return model.chatTemplate().render(prompt);
        } catch (ChatTemplateException e) {
            throw ApiError.invalid(e.raisedByTemplate() ? e.getMessage()
                    : "The chat template failed on these messages (" + e.kind() + "): " + e.getMessage(), "messages");
        }
    }

    /** Whether the first generated token directly follows BOS, where decoding drops its leading space. */
    boolean startsText(int[] prompt) {
        return model.stripsLeadingSpace() && prompt[prompt.length - 1] == model.tokenizer().special().bos();
    }

    private int[] withBos(int[] ids) {
        var special = model.tokenizer().special();
        if (!special.addBos() || special.bos() < 0) return ids;
        int[] out = new int[ids.length + 1];
        out[0] = special.bos();
        System.arraycopy(ids, 0, out, 1, ids.length);
        return out;
    }

    private int[] checked(int[] ids, String param) {
        int vocab = model.config().vocabSize();
        for (int id : ids) {
            if (id < 0 || id >= vocab) {
                throw ApiError.invalid("Token id " + id + " is outside the vocabulary (0.." + (vocab - 1) + ").", param);
            }
        }
        return Arrays.copyOf(ids, ids.length);
    }
}
