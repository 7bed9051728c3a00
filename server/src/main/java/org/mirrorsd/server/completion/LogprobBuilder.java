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

    /** A token's own text; a byte of a split character shows as U+FFFD, the exact bytes are reported beside it. */
    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
