package org.mirrorsd.server;

import org.mirrorsd.models.LlamaConfig;
import org.mirrorsd.models.chat.ChatTemplate;
import org.mirrorsd.models.tokenizer.Tokenizer;

/**
 * The model as the API sees it.
 *
 * @param id                   the name clients use in {@code model}
 * @param config               the target's shape (vocabulary, context length)
 * @param stripsLeadingSpace   whether decoding drops the space SentencePiece put before the first word (true
 *                             for SPM vocabularies); generated text mirrors it after a bare BOS
 * @param created              when it was loaded (seconds since the epoch), for {@code /v1/models}
 */
public record ServedModel(String id, Tokenizer tokenizer, ChatTemplate chatTemplate, LlamaConfig config,
                          boolean stripsLeadingSpace, long created) {

    public int contextLength() { return config.contextLength(); }
}
