package org.mirrorsd.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import org.mirrorsd.decoding.DecodingSession;
import org.mirrorsd.decoding.GenerationRequest;
import org.mirrorsd.decoding.ar.AutoregressiveEngine;
import org.mirrorsd.models.chat.ChatMessage;
import org.mirrorsd.models.chat.ChatTemplates;
import org.mirrorsd.models.tokenizer.Tokenizer;
import org.mirrorsd.models.tokenizer.Tokenizers;
import org.mirrorsd.testing.Models;
import org.mirrorsd.testing.SharedFiles;

/** Greedy output of the AutoregressiveEngine run directly (no server), to compare the server's text with. */
final class ReferenceGeneration {
    static final Tokenizer TOKENIZER = tokenizer();

    record Result(int[] prompt, int[] tokens, String text, String finishReason) {}

    private ReferenceGeneration() {}

    static Result completion(String prompt, int maxTokens) {
        return run(withBos(TOKENIZER.encode(prompt)), maxTokens);
    }

    static Result chat(List<ChatMessage> messages, int maxTokens) {
        String rendered = ChatTemplates.detect(null, TOKENIZER).render(messages, true);
        return run(withBos(TOKENIZER.encode(rendered, true)), maxTokens);
    }

    static Result run(int[] prompt, int maxTokens) {
        int eos = TOKENIZER.special().eos();
        var engine = new AutoregressiveEngine(Models.cpu("stories260K.bin"));
        try (DecodingSession s = engine.open(GenerationRequest.greedy(prompt, maxTokens, eos))) {
            int[] out = new int[0];
            while (!s.finished()) {
                int[] step = s.step().tokens();
                int n = out.length;
                out = Arrays.copyOf(out, n + step.length);
                System.arraycopy(step, 0, out, n, step.length);
            }
            // The continuation as decode() spells it after the prompt's text (BOS dropped: like llama2.c, the
            // first piece after BOS loses its SentencePiece space).
            int[] text0 = Arrays.copyOfRange(prompt, 1, prompt.length);
            int[] all = Arrays.copyOf(text0, text0.length + out.length);
            System.arraycopy(out, 0, all, text0.length, out.length);
            String text = TOKENIZER.decode(all).substring(TOKENIZER.decode(text0).length());
            return new Result(prompt, out, text, s.finishReason().apiName());
        }
    }

    static int[] withBos(int[] ids) {
        int[] out = new int[ids.length + 1];
        out[0] = TOKENIZER.special().bos();
        System.arraycopy(ids, 0, out, 1, ids.length);
        return out;
    }

    private static Tokenizer tokenizer() {
        try {
            return Tokenizers.fromLlama2cFile(SharedFiles.model("tok512.bin"), 512);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
