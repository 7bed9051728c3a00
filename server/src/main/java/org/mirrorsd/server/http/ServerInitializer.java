package org.mirrorsd.server.http;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.cors.CorsConfig;
import io.netty.handler.codec.http.cors.CorsConfigBuilder;
import io.netty.handler.codec.http.cors.CorsHandler;
import org.mirrorsd.config.ServerConfig;
import org.mirrorsd.server.metrics.ServerMetrics;

/**
 * The pipeline of each connection: HTTP codec, response metrics, the read deadline (408 for slow clients),
 * body aggregation (413 past the limit),
 * CORS (only when origins are configured; answers preflights), API key check (only when a key is set),
 * then the router.
 */
public final class ServerInitializer extends ChannelInitializer<SocketChannel> {
    private final ServerConfig config;
    private final ServerMetrics metrics;
    private final Router router;
    private final CorsConfig cors;
    private final ApiKeyAuthHandler auth;
    private final ChannelGroup connections;

    /** @param connections collects every accepted connection, for shutdown */
    public ServerInitializer(ServerConfig config, ServerMetrics metrics, Router router, ChannelGroup connections) {
        this.connections = connections;
        this.config = config;
        this.metrics = metrics;
        this.router = router;
        this.cors = config.corsEnabled() ? corsConfig(config) : null;
        this.auth = config.authenticationEnabled() ? new ApiKeyAuthHandler(config.apiKey()) : null;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        connections.add(ch);
        var p = ch.pipeline();
        p.addLast("codec", new HttpServerCodec());
        p.addLast("metrics", new RequestMetricsHandler(metrics));
        p.addLast("deadline", new RequestDeadlineHandler(config.readTimeout()));
        p.addLast("aggregator", new BodyAggregator((int) Math.min(Integer.MAX_VALUE, config.maxBodyBytes())));
        if (cors != null) p.addLast("cors", new CorsHandler(cors));
        if (auth != null) p.addLast("auth", auth);
        p.addLast("router", router);
    }

    private static CorsConfig corsConfig(ServerConfig config) {
        CorsConfigBuilder b = config.corsOrigins().contains("*")
                ? CorsConfigBuilder.forAnyOrigin()
                : CorsConfigBuilder.forOrigins(config.corsOrigins().toArray(String[]::new));
        return b.allowedRequestMethods(HttpMethod.GET, HttpMethod.POST, HttpMethod.OPTIONS)
                .allowedRequestHeaders("Authorization", "Content-Type")
                .maxAge(3600)
                .build();
    }
}
