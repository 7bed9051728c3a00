package org.mirrorsd.server.completion;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.mirrorsd.decoding.StepResult;
import org.mirrorsd.models.tokenizer.Tokenizer;
import org.mirrorsd.server.openai.TokenLogprob;

/** Log-probability entries of committed tokens, with their text and bytes. */
final class LogprobBuilder {
    private final Tokenizer tokenizer;

    LogprobBuilder(Tokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    TokenLogprob of(StepResult step, int i) {
        int token = step.tokens()[i];
        byte[] bytes = tokenizer.tokenBytes(token);
        List<TokenLogprob.Alternative> top = new ArrayList<>();
        if (i < step.topTokens().length) {
            int[] ids = step.topTokens()[i];
            float[] lps = step.topLogprobs()[i];
            for (int k = 0; k < ids.length; k++) {
                if (ids[k] < 0) continue;
                byte[] b = tokenizer.tokenBytes(ids[k]);
                top.add(new TokenLogprob.Alternative(text(b), b, lps[k]));
            }
        }
        return new TokenLogprob(text(bytes), bytes, step.logprobs()[i], top);
    }

    /**
     * The prompt's tokens with their scores ({@code echo}): the first has no log-probability (NaN, written as
     * null). Control tokens (BOS) are not part of the echoed text, so their text is empty.
     */
    List<TokenLogprob> ofPrompt(int[] prompt, org.mirrorsd.decoding.PromptScorer.Scores scores) {
        List<TokenLogprob> out = new ArrayList<>(prompt.length);
        for (int i = 0; i < prompt.length; i++) {
            List<TokenLogprob.Alternative> top = new ArrayList<>();
            for (int k = 0; k < scores.topTokens()[i].length; k++) {
                int id = scores.topTokens()[i][k];
                if (id < 0) continue;
                byte[] b = tokenizer.tokenBytes(id);
                top.add(new TokenLogprob.Alternative(text(b), b, scores.topLogprobs()[i][k]));
            }
            byte[] bytes = tokenizer.tokenBytes(prompt[i]);
            String text = tokenizer.special().isControl(prompt[i]) ? "" : text(bytes);
            out.add(new TokenLogprob(text, bytes, scores.logprobs()[i], top));
        }
        return out;
    }

    /** A token's own text; a byte of a split character shows as U+FFFD, the exact bytes are reported beside it. */
    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
