package org.mirrorsd.server.http;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import org.mirrorsd.server.openai.ApiError;
import org.mirrorsd.server.openai.Json;

/**
 * Collects request bodies up to the limit; a larger one gets a 413 with an OpenAI error body, as does an
 * unsupported {@code Expect} header (417). Every such refusal closes the connection: Netty resets its decoder
 * after refusing an {@code Expect}, so the body a client sends anyway would otherwise be parsed as a second
 * request (a smuggling vector); {@link KeepAliveGuard} drops whatever arrives after the refusal.
 */
public final class BodyAggregator extends HttpObjectAggregator {
    private final int limit;

    public BodyAggregator(int limit) {
        super(limit, true);
        this.limit = limit;
    }

    /** Netty answers a bad {@code Expect} (417, or 413 for a declared oversized body) with an empty body. */
    @Override
    protected Object newContinueResponse(HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
        Object r = super.newContinueResponse(start, maxContentLength, pipeline);
        if (!(r instanceof FullHttpResponse plain) || plain.status().code() < 400) return r;
        ApiError e = plain.status().code() == 413 ? ApiError.tooLarge(limit) : ApiError.expectationFailed();
        FullHttpResponse json = HttpResponses.response(plain.status(), Json.write(Json.error(e)), "application/json");
        json.headers().set(plain.headers().remove(HttpHeaderNames.CONTENT_LENGTH).remove(HttpHeaderNames.CONTENT_TYPE));
        json.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, json.content().readableBytes());
        json.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
        HttpUtil.setKeepAlive(json, false);
        plain.release();
        return json;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        if (!(oversized instanceof HttpRequest)) {
            ctx.close();
            return;
        }
        FullHttpResponse r = HttpResponses.response(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                Json.write(Json.error(ApiError.tooLarge(limit))), "application/json");
        // Always closed: skipping a body of unknown or huge length costs more than the client's reconnect.
        HttpUtil.setKeepAlive(r, false);
        ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
    }
}
