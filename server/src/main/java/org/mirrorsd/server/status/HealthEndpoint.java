package org.mirrorsd.server.status;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import org.mirrorsd.server.ServerState;
import org.mirrorsd.server.http.Endpoint;
import org.mirrorsd.server.http.HttpResponses;
import org.mirrorsd.server.openai.Json;

/** {@code GET /health}: 200 once the model serves, 503 while loading or draining (load balancers stop sending). */
public final class HealthEndpoint implements Endpoint {
    private final ServerState state;

    public HealthEndpoint(ServerState state) {
        this.state = state;
    }

    @Override
    public void handle(Channel channel, FullHttpRequest request) {
        ObjectNode body = Json.object();
        boolean ready = state.isReady();
        body.put("status", ready ? "ok" : state.isDraining() ? "shutting_down" : "loading");
        HttpResponses.json(channel, ready ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE, body,
                HttpUtil.isKeepAlive(request));
    }
}
