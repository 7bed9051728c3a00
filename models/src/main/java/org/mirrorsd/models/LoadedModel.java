package org.mirrorsd.models;

import org.mirrorsd.models.chat.ChatTemplate;
import org.mirrorsd.models.tokenizer.Tokenizer;

/** A model with what it takes to talk to it: its tokenizer and chat template. Closing unmaps the weights. */
public record LoadedModel(LlamaModel model, Tokenizer tokenizer, ChatTemplate chatTemplate) implements AutoCloseable {

    public String name() { return model.name(); }

    public LlamaConfig config() { return model.config(); }

    /** The prompt as token ids, with BOS when the vocabulary asks for it; control tokens in the text are parsed. */
    public int[] encodePrompt(String text) {
        int[] body = tokenizer.encode(text, true);
        if (!tokenizer.special().addBos() || tokenizer.special().bos() < 0) return body;
        int[] out = new int[body.length + 1];
        out[0] = tokenizer.special().bos();
        System.arraycopy(body, 0, out, 1, body.length);
        return out;
    }

    @Override
    public void close() {
        model.close();
    }
}
