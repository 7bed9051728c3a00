package org.mirrorsd.server.completion;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.mirrorsd.server.metrics.ServerMetrics;
import org.mirrorsd.server.openai.ApiError;
import org.mirrorsd.server.openai.Json;
import org.mirrorsd.server.openai.ResponseFormat;
import org.mirrorsd.server.openai.TokenLogprob;

/**
 * Server-sent events ({@code stream: true}): a chunked {@code text/event-stream} of {@code data: {json}}
 * events, each chunk flushed at once so {@code curl -N} shows tokens as they come. Every chunk carries the
 * same id and created time; each choice opens with its role and closes with its finish_reason; then the usage
 * chunk if asked, then {@code data: [DONE]}.
 */
final class StreamingResponder extends CompletionResponder {
    private final boolean includeUsage;
    private final boolean[] opened;
    private final int[] textOffsets;
    private boolean headersSent;

    StreamingResponder(Channel channel, boolean keepAlive, ResponseFormat format, Envelope envelope, int choices,
                       int promptTokens, ServerMetrics metrics, boolean includeUsage) {
        super(channel, keepAlive, format, envelope, choices, promptTokens, metrics);
        this.includeUsage = includeUsage;
        this.opened = new boolean[choices];
        this.textOffsets = new int[choices];
    }

    @Override
    synchronized void start() {
        if (headersSent) return;
        headersSent = true;
        HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        r.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE);
        HttpUtil.setTransferEncodingChunked(r, true);
        HttpUtil.setKeepAlive(r, keepAlive);
        channel.writeAndFlush(r);
    }

    @Override
    synchronized void delta(int index, String text, List<TokenLogprob> logprobs) {
        chunk(index, text, logprobs, null);
    }

    @Override
    void choiceEnded(int index, String tail, String finishReason) {
        start();
        boolean first = !opened[index];
        opened[index] = true;
        for (ObjectNode choice : format.endChunkChoices(index, tail, format.logprobs(null, textOffsets[index]),
                finishReason, first)) {
            ObjectNode c = envelope(format.chunkObject());
            c.putArray("choices").add(choice);
            event(Json.write(c));
        }
    }

    @Override
    void finish() {
        if (includeUsage) {
            ObjectNode u = envelope(format.chunkObject());
            u.putArray("choices");
            u.set("usage", usageJson());
            u.set("speculative", speculativeJson());
            event(Json.write(u));
        }
        end();
    }

    @Override
    void fail(ApiError e) {
        start();
        // Headers are gone already: report the error in-band, as OpenAI-compatible servers do.
        event(Json.write(Json.error(e)));
        end();
    }

    private void chunk(int index, String text, List<TokenLogprob> logprobs, String finishReason) {
        start();
        boolean first = !opened[index];
        opened[index] = true;
        ObjectNode choice = format.chunkChoice(index, text, format.logprobs(logprobs, textOffsets[index]), finishReason, first);
        if (logprobs != null) for (TokenLogprob t : logprobs) textOffsets[index] += t.token().length();
        if (choice == null) return; // the format holds this text back (tool calls)
        ObjectNode c = envelope(format.chunkObject());
        c.putArray("choices").add(choice);
        event(Json.write(c));
    }

    private void end() {
        // [DONE] and the chunked terminator leave in one flush: a client that stops reading at [DONE] then
        // finds the response complete, so its connection goes back to the pool whole instead of half-read.
        channel.write(sse("[DONE]"));
        var f = channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        if (!keepAlive) f.addListener(ChannelFutureListener.CLOSE);
    }

    private void event(String data) {
        channel.writeAndFlush(sse(data));
    }

    private static DefaultHttpContent sse(String data) {
        return new DefaultHttpContent(Unpooled.copiedBuffer("data: " + data + "\n\n", StandardCharsets.UTF_8));
    }
}
