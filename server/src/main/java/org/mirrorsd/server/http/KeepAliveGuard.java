package org.mirrorsd.server.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * Keeps a connection's framing honest (RFC 9112 §9.6). A request that asks to close ({@code Connection: close},
 * or HTTP/1.0 without keep-alive) gets {@code Connection: close} on its response, and so does every response a
 * handler marks that way (a refusal sent before the body was read: 401 before {@code 100 Continue}, 413, 417).
 * No request after one that asked to close is processed (RFC 9112 §9.6). From the moment a closing response
 * starts, nothing more the client sends is parsed at all, and the
 * connection closes once the response is written: a body sent after a refusal can never be read as a second,
 * smuggled request. A keep-alive HTTP/1.0 request gets {@code Connection: keep-alive} back, as 1.0 needs.
 * Sits right after the codec; state is only touched on the channel's event loop.
 */
public final class KeepAliveGuard extends ChannelDuplexHandler {
    /** One entry per request received and not yet answered (pipelining): whether it allows keep-alive. */
    private final ArrayDeque<Asked> asked = new ArrayDeque<>();
    private boolean closing;
    /** A request asked to close: any later request on the connection is dropped, unanswered. */
    private boolean lastRequest;
    private boolean closeAfterResponse;

    private record Asked(boolean keepAlive, boolean http10) {}

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (closing) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpRequest r) {
            if (lastRequest) {
                closing = true;
                ReferenceCountUtil.release(msg);
                return;
            }
            boolean keepAlive = HttpUtil.isKeepAlive(r);
            lastRequest = !keepAlive;
            asked.add(new Asked(keepAlive, r.protocolVersion().equals(HttpVersion.HTTP_1_0)));
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse r && r.status().codeClass() != HttpStatusClass.INFORMATIONAL) {
            Asked a = asked.poll();
            boolean keepAlive = HttpUtil.isKeepAlive(r) && (a == null || a.keepAlive());
            if (!keepAlive) {
                r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                closing = true;
                closeAfterResponse = true;
            } else if (a != null && a.http10()) {
                r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            }
        }
        if (closeAfterResponse && msg instanceof LastHttpContent) {
            closeAfterResponse = false;
            ChannelPromise p = promise.unvoid();
            ctx.write(msg, p);
            p.addListener(ChannelFutureListener.CLOSE);
            return;
        }
        ctx.write(msg, promise);
    }
}
