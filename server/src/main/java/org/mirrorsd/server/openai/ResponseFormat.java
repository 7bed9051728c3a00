package org.mirrorsd.server.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** The parts of a response that differ between chat and legacy text completions. */
public interface ResponseFormat {

    static ResponseFormat of(ApiKind kind) {
        return kind == ApiKind.CHAT ? new ChatFormat() : new TextFormat();
    }

    String idPrefix();

    /** {@code object} of a full response. */
    String object();

    /** {@code object} of a streamed chunk. */
    String chunkObject();

    /** One choice of a full response. */
    ObjectNode choice(int index, String text, JsonNode logprobs, String finishReason);

    /** One choice of a chunk; {@code first} marks the choice's first chunk (chat puts the role there). */
    ObjectNode chunkChoice(int index, String text, JsonNode logprobs, String finishReason, boolean first);

    /**
     * The chunk choices that end a streamed choice: by default one, with the last text and the finish reason.
     * A format that holds text back (tool calls) sends what it held here, in as many chunks as it needs.
     */
    default List<ObjectNode> endChunkChoices(int index, String tail, JsonNode logprobs, String finishReason, boolean first) {
        return List.of(chunkChoice(index, tail, logprobs, finishReason, first));
    }

    /**
     * The logprobs object for some tokens, or null when none were requested.
     *
     * @param textOffset characters of this choice's text before the first of these tokens (legacy format)
     */
    JsonNode logprobs(List<TokenLogprob> tokens, int textOffset);
}
