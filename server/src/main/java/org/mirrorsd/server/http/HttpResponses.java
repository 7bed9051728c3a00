package org.mirrorsd.server.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import org.mirrorsd.server.openai.ApiError;
import org.mirrorsd.server.openai.Json;

/** Writes complete responses: JSON bodies, OpenAI errors, plain text. Safe to call from any thread. */
public final class HttpResponses {
    private HttpResponses() {}

    public static ChannelFuture json(Channel ch, HttpResponseStatus status, Object body, boolean keepAlive) {
        return send(ch, response(status, Json.write(body), HttpHeaderValues.APPLICATION_JSON), keepAlive);
    }

    public static ChannelFuture error(Channel ch, ApiError e, boolean keepAlive) {
        return json(ch, HttpResponseStatus.valueOf(e.status()), Json.error(e), keepAlive);
    }

    public static FullHttpResponse response(HttpResponseStatus status, String body, CharSequence contentType) {
        ByteBuf content = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
        return r;
    }

    public static ChannelFuture send(Channel ch, FullHttpResponse r, boolean keepAlive) {
        HttpUtil.setKeepAlive(r, keepAlive);
        ChannelFuture f = ch.writeAndFlush(r);
        if (!keepAlive) f.addListener(ChannelFutureListener.CLOSE);
        return f;
    }
}
