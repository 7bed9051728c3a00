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
 * The pipeline of each connection: HTTP codec, keep-alive guard (Connection: close honoured, nothing parsed
 * after a refusal), response metrics, the read deadline (408 for slow clients), CORS (only when origins are
 * configured; answers preflights), API key check on the request head (only when a key is set; before any
 * 100 Continue), body aggregation (413 past the limit, 417), Content-Encoding decoding (415), then the router.
 */
public final class ServerInitializer extends ChannelInitializer<SocketChannel> {
    private final ServerConfig config;
    private final ServerMetrics metrics;
    private final Router router;
    private final CorsConfig cors;
    private final byte[] keyDigest;
    private final ChannelGroup connections;
    /** A refused (401) body up to this size is read and dropped, keeping the connection; larger ones close it. */
    private static final long SKIPPABLE_BODY = 64 * 1024;
    private final BodyDecoding bodyDecoding;

    /** @param connections collects every accepted connection, for shutdown */
    public ServerInitializer(ServerConfig config, ServerMetrics metrics, Router router, ChannelGroup connections) {
        this.connections = connections;
        this.config = config;
        this.metrics = metrics;
        this.router = router;
        this.bodyDecoding = new BodyDecoding((int) Math.min(Integer.MAX_VALUE, config.maxBodyBytes()));
        this.cors = config.corsEnabled() ? corsConfig(config) : null;
        this.keyDigest = config.authenticationEnabled() ? ApiKeyAuthHandler.digest(config.apiKey()) : null;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        connections.add(ch);
        var p = ch.pipeline();
        int limit = (int) Math.min(Integer.MAX_VALUE, config.maxBodyBytes());
        p.addLast("codec", new HttpServerCodec());
        p.addLast("keep-alive", new KeepAliveGuard());
        p.addLast("metrics", new RequestMetricsHandler(metrics));
        p.addLast("deadline", new RequestDeadlineHandler(config.readTimeout()));
        if (cors != null) p.addLast("cors", new CorsHandler(cors));
        if (keyDigest != null) p.addLast("auth", new ApiKeyAuthHandler(keyDigest, Math.min(limit, SKIPPABLE_BODY)));
        p.addLast("aggregator", new BodyAggregator(limit));
        p.addLast("content-encoding", bodyDecoding);
        p.addLast("router", router);
    }

    private static CorsConfig corsConfig(ServerConfig config) {
        CorsConfigBuilder b = config.corsOrigins().contains("*")
                ? CorsConfigBuilder.forAnyOrigin()
                : CorsConfigBuilder.forOrigins(config.corsOrigins().toArray(String[]::new));
        return b.allowedRequestMethods(HttpMethod.GET, HttpMethod.POST, HttpMethod.OPTIONS)
                .allowedRequestHeaders("Authorization", "Content-Type", "Content-Encoding")
                .maxAge(3600)
                .build();
    }
}
