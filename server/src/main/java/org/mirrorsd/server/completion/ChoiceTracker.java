package org.mirrorsd.server.completion;

import java.util.ArrayList;
import java.util.List;
import org.mirrorsd.decoding.StepResult;
import org.mirrorsd.server.openai.TokenLogprob;
import org.mirrorsd.server.scheduler.EndCause;
import org.mirrorsd.server.scheduler.SequenceEnd;
import org.mirrorsd.server.scheduler.SequenceListener;
import org.mirrorsd.server.text.TextAssembler;

/**
 * Follows one choice: turns each step's tokens into text (stop strings cut) and log-probabilities, and hands
 * them to the responder. Runs on the decoding worker; tokens after a stop string are dropped.
 */
final class ChoiceTracker implements SequenceListener {
    private final int index;
    private final TextAssembler text;
    private final LogprobBuilder logprobs;
    private final CompletionResponder out;
    private int tokens;
    /** The prompt's text still to be written before the completion ({@code echo}), or null. */
    private String echo;
    /** The prompt's scored tokens still to be reported ({@code echo} with {@code logprobs}), or null. */
    private volatile List<TokenLogprob> promptLogprobs;

    /** @param logprobs null when the request did not ask for log-probabilities */
    ChoiceTracker(int index, TextAssembler text, LogprobBuilder logprobs, CompletionResponder out) {
        this(index, text, logprobs, out, null);
    }

    /** @param echo the prompt's text, written first ({@code echo: true}); null for none */
    ChoiceTracker(int index, TextAssembler text, LogprobBuilder logprobs, CompletionResponder out, String echo) {
        this.index = index;
        this.text = text;
        this.logprobs = logprobs;
        this.out = out;
        this.echo = echo;
    }

    @Override
    public boolean onStep(StepResult step) {
        StringBuilder delta = new StringBuilder(echo == null ? "" : echo);
        echo = null;
        List<TokenLogprob> lps = logprobs == null ? null : new ArrayList<>();
        if (lps != null && promptLogprobs != null) {
            lps.addAll(promptLogprobs);
            promptLogprobs = null;
        }
        for (int i = 0; i < step.size() && !text.stopped(); i++) {
            delta.append(text.push(step.tokens()[i]));
            tokens++;
            if (lps != null) lps.add(logprobs.of(step, i));
        }
        if (!delta.isEmpty() || (lps != null && !lps.isEmpty())) out.delta(index, delta.toString(), lps);
        return !text.stopped();
    }

    /** The prompt's scores, reported before the first generated token. */
    void promptScored(List<TokenLogprob> prompt) {
        this.promptLogprobs = prompt;
    }

    @Override
    public boolean acceptsOutput() {
        return out.acceptsOutput();
    }

    @Override
    public void onEnd(SequenceEnd end) {
        String finish = end.cause() == EndCause.STOPPED ? "stop" : end.finishReason().apiName();
        String tail = end.completed() ? (echo == null ? "" : echo) + text.finish() : "";
        out.ended(index, tail, finish, tokens, end);
    }
}
