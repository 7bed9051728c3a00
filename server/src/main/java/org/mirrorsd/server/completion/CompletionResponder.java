package org.mirrorsd.server.completion;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.channel.Channel;
import java.util.List;
import java.util.function.Consumer;
import org.mirrorsd.decoding.DecodingStats;
import org.mirrorsd.server.metrics.ServerMetrics;
import org.mirrorsd.server.openai.ApiError;
import org.mirrorsd.server.openai.Json;
import org.mirrorsd.server.openai.ResponseFormat;
import org.mirrorsd.server.openai.TokenLogprob;
import org.mirrorsd.server.openai.Usage;
import org.mirrorsd.server.scheduler.EndCause;
import org.mirrorsd.server.scheduler.SequenceEnd;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects the choices of one request and writes the response, buffered or streamed. Choices report from
 * decoding workers, so every entry point is synchronized: that also keeps the order of writes to the channel.
 */
abstract class CompletionResponder {
    private static final Logger log = LoggerFactory.getLogger(CompletionResponder.class);

    /** The fields every response and chunk of one request shares. */
    record Envelope(String id, long created, String model, String method) {}

    protected final Channel channel;
    protected final boolean keepAlive;
    protected final ResponseFormat format;
    protected final Envelope envelope;
    protected final int choices;
    private final int promptTokens;
    private final ServerMetrics metrics;
    private final DecodingStats stats = new DecodingStats();
    private int ended;
    private int completionTokens;
    private EndCause failure;
    private Throwable error;
    private Consumer<EndCause> cancelAll = c -> {};
    private Runnable cleanup = () -> {};

    CompletionResponder(Channel channel, boolean keepAlive, ResponseFormat format, Envelope envelope, int choices,
                        int promptTokens, ServerMetrics metrics) {
        this.channel = channel;
        this.keepAlive = keepAlive;
        this.format = format;
        this.envelope = envelope;
        this.choices = choices;
        this.promptTokens = promptTokens;
        this.metrics = metrics;
    }

    /** @param cancelAll ends the request's other choices when one fails; {@code cleanup} runs after the last */
    synchronized void bind(Consumer<EndCause> cancelAll, Runnable cleanup) {
        this.cancelAll = cancelAll;
        this.cleanup = cleanup;
    }

    /** Called once the request was admitted (streaming sends its headers here). */
    synchronized void start() {}

    /** Whether the client takes more output now; false parks the request's sequences. */
    boolean acceptsOutput() {
        return true;
    }

    abstract void delta(int index, String text, List<TokenLogprob> logprobs);

    final synchronized void ended(int index, String tail, String finishReason, int tokens, SequenceEnd end) {
        completionTokens += tokens;
        stats.add(end.stats());
        if (!end.completed()) {
            if (failure == null) {
                failure = end.cause();
                error = end.error();
                if (error != null) log.error("generation failed in {}", envelope.id(), error);
                cancelAll.accept(end.cause());
            }
        } else if (failure == null) {
            choiceEnded(index, tail, finishReason);
        }
        if (++ended < choices) return;
        metrics.tokens(promptTokens, completionTokens);
        try {
            if (failure == null) finish();
            else if (failure != EndCause.CLIENT_GONE) fail(errorFor(failure));
        } finally {
            cleanup.run();
        }
    }

    /** A choice completed normally; its last text is {@code tail}. */
    abstract void choiceEnded(int index, String tail, String finishReason);

    /** Every choice completed: write the response (or the stream's end). */
    abstract void finish();

    /** The request cannot complete: write an error (or end the stream with one). */
    abstract void fail(ApiError e);

    protected Usage usage() { return new Usage(promptTokens, completionTokens); }

    protected ObjectNode usageJson() {
        Usage u = usage();
        ObjectNode n = Json.object();
        n.put("prompt_tokens", u.promptTokens());
        n.put("completion_tokens", u.completionTokens());
        n.put("total_tokens", u.totalTokens());
        // OpenAI's field for prompt tokens served from a cache: here, the prefix cache's reused KV.
        n.putObject("prompt_tokens_details").put("cached_tokens", Math.min(u.promptTokens(), stats.cachedPromptTokens));
        return n;
    }

    protected ObjectNode speculativeJson() {
        return Json.MAPPER.valueToTree(stats.toMap(envelope.method()));
    }

    protected ObjectNode envelope(String object) {
        ObjectNode n = Json.object();
        n.put("id", envelope.id());
        n.put("object", object);
        n.put("created", envelope.created());
        n.put("model", envelope.model());
        return n;
    }

    private static ApiError errorFor(EndCause cause) {
        return switch (cause) {
            case TIMEOUT -> ApiError.timeout();
            case SHUTDOWN -> ApiError.unavailable("The server is shutting down.");
            default -> ApiError.internal();
        };
    }
}
