package org.mirrorsd.server.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import org.mirrorsd.server.metrics.ServerMetrics;

/**
 * Counts every response by endpoint and status, whoever wrote it (router, aggregator, CORS, auth). Sits right
 * after the codec; one instance per connection remembers the path of the request being answered.
 */
public final class RequestMetricsHandler extends ChannelDuplexHandler {
    private final ServerMetrics metrics;
    private String endpoint = "other";

    public RequestMetricsHandler(ServerMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest r) endpoint = Paths.label(Paths.of(r.uri()));
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse r) metrics.request(endpoint, r.status().code());
        ctx.write(msg, promise);
    }
}
