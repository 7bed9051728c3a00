package org.mirrorsd.server.completion;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.ArrayList;
import java.util.List;
import org.mirrorsd.server.http.HttpResponses;
import org.mirrorsd.server.metrics.ServerMetrics;
import org.mirrorsd.server.openai.ApiError;
import org.mirrorsd.server.openai.ResponseFormat;
import org.mirrorsd.server.openai.TokenLogprob;

/** Gathers every choice and answers with one JSON object ({@code stream: false}). */
final class BufferedResponder extends CompletionResponder {
    private final StringBuilder[] texts;
    private final List<List<TokenLogprob>> logprobs = new ArrayList<>();
    private final String[] finishReasons;

    BufferedResponder(Channel channel, boolean keepAlive, ResponseFormat format, Envelope envelope, int choices,
                      int promptTokens, ServerMetrics metrics, boolean wantLogprobs) {
        super(channel, keepAlive, format, envelope, choices, promptTokens, metrics);
        texts = new StringBuilder[choices];
        finishReasons = new String[choices];
        for (int i = 0; i < choices; i++) {
            texts[i] = new StringBuilder();
            logprobs.add(wantLogprobs ? new ArrayList<>() : null);
        }
    }

    @Override
    synchronized void delta(int index, String text, List<TokenLogprob> lps) {
        texts[index].append(text);
        if (lps != null && logprobs.get(index) != null) logprobs.get(index).addAll(lps);
    }

    @Override
    void choiceEnded(int index, String tail, String finishReason) {
        texts[index].append(tail);
        finishReasons[index] = finishReason;
    }

    @Override
    void finish() {
        ObjectNode body = envelope(format.object());
        ArrayNode list = body.putArray("choices");
        for (int i = 0; i < choices; i++) {
            list.add(format.choice(i, texts[i].toString(), format.logprobs(logprobs.get(i), 0), finishReasons[i]));
        }
        body.set("usage", usageJson());
        body.set("speculative", speculativeJson());
        HttpResponses.json(channel, HttpResponseStatus.OK, body, keepAlive);
    }

    @Override
    void fail(ApiError e) {
        HttpResponses.error(channel, e, keepAlive);
    }
}
