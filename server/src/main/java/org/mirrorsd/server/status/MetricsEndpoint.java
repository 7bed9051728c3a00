package org.mirrorsd.server.status;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import org.mirrorsd.server.http.Endpoint;
import org.mirrorsd.server.http.HttpResponses;
import org.mirrorsd.server.metrics.ServerMetrics;

/** {@code GET /metrics}: Prometheus text exposition format 0.0.4. */
public final class MetricsEndpoint implements Endpoint {
    private final ServerMetrics metrics;

    public MetricsEndpoint(ServerMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void handle(Channel channel, FullHttpRequest request) {
        HttpResponses.send(channel, HttpResponses.response(HttpResponseStatus.OK, metrics.render(),
                "text/plain; version=0.0.4; charset=utf-8"), HttpUtil.isKeepAlive(request));
    }
}
