package org.mirrorsd.server.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.mirrorsd.server.openai.ApiError;
import org.mirrorsd.server.openai.Json;

/**
 * Bounds how long a client may take to send a request, so slow or stalled clients (slowloris) cannot hold
 * connections forever: whenever the connection has no request being answered (just opened, or its last
 * response complete) the next request must arrive in full within the read timeout. A client that has sent part
 * of one then gets a 408 and the connection closes; an idle keep-alive connection is simply closed. While a
 * request is being answered there is no deadline here: long generations are bounded by the request timeout.
 * Sits right after the codec, so it sees whole HTTP objects; state is only touched on the channel's event loop.
 */
public final class RequestDeadlineHandler extends ChannelDuplexHandler {
    private final long timeoutNanos;
    private ScheduledFuture<?> deadline;
    /** Requests received in full, and final responses written: more of the former means one is being answered. */
    private long requestsIn;
    private long responsesOut;
    /** Bytes of a request not yet complete have arrived. */
    private boolean partial;
    private boolean readSomething;

    public RequestDeadlineHandler(Duration timeout) {
        this.timeoutNanos = timeout.toNanos();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        arm(ctx);
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        readSomething = true;
        partial = !(msg instanceof LastHttpContent);
        if (msg instanceof LastHttpContent && ++requestsIn > responsesOut) disarm();
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        // Bytes that the codec could not yet turn into a message (half a header block) still start a request.
        if (!readSomething) partial = true;
        readSomething = false;
        ctx.fireChannelReadComplete();
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        boolean interim = msg instanceof HttpResponse r && r.status().codeClass() == HttpStatusClass.INFORMATIONAL;
        if (msg instanceof LastHttpContent && !interim && ++responsesOut >= requestsIn) arm(ctx);
        ctx.write(msg, promise);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        disarm();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        disarm();
    }

    private void arm(ChannelHandlerContext ctx) {
        disarm();
        if (!ctx.channel().isActive()) return;
        deadline = ctx.executor().schedule(() -> expire(ctx), timeoutNanos, TimeUnit.NANOSECONDS);
    }

    private void disarm() {
        if (deadline != null) deadline.cancel(false);
        deadline = null;
    }

    private void expire(ChannelHandlerContext ctx) {
        deadline = null;
        if (requestsIn > responsesOut || !ctx.channel().isActive()) return;
        if (!partial) {
            ctx.close();
            return;
        }
        var r = HttpResponses.response(HttpResponseStatus.REQUEST_TIMEOUT, Json.write(Json.error(ApiError.readTimeout())),
                "application/json");
        HttpUtil.setKeepAlive(r, false);
        ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
    }
}
