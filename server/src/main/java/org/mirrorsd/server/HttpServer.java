package org.mirrorsd.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.mirrorsd.config.ConfigException;
import org.mirrorsd.config.ServerConfig;
import org.mirrorsd.server.http.Router;
import org.mirrorsd.server.http.ServerInitializer;
import org.mirrorsd.server.metrics.ServerMetrics;

/** The Netty bootstrap: one acceptor thread, {@code workerThreads} I/O threads, the pipeline per connection. */
final class HttpServer {
    private final ServerConfig config;
    private final ServerInitializer initializer;
    /** Open connections, closed in order with their pending writes at shutdown. */
    private final ChannelGroup connections = new DefaultChannelGroup("connections", GlobalEventExecutor.INSTANCE);
    private EventLoopGroup boss;
    private EventLoopGroup workers;
    private Channel serverChannel;

    HttpServer(ServerConfig config, ServerMetrics metrics, Router router) {
        this.config = config;
        this.initializer = new ServerInitializer(config, metrics, router, connections);
    }

    void start() throws InterruptedException {
        boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        workers = new MultiThreadIoEventLoopGroup(config.workerThreads(), NioIoHandler.newFactory());
        try {
            serverChannel = new ServerBootstrap()
                    .group(boss, workers)
                    .channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 256)
                    .childOption(ChannelOption.TCP_NODELAY, true) // SSE chunks are small and must go out at once
                    .childHandler(initializer)
                    .bind(config.host(), config.port()).sync().channel();
        } catch (Exception e) { // Netty rethrows the bind's IOException unchecked
            close();
            if (e instanceof InterruptedException ie) throw ie;
            if (e instanceof java.io.IOException || e.getCause() instanceof java.io.IOException) {
                throw new ConfigException("server.port: cannot listen on " + config.host() + ":" + config.port() + " ("
                        + e.getMessage() + "); stop what uses the port or pick another with --port");
            }
            throw e instanceof RuntimeException re ? re : new IllegalStateException(e);
        }
    }

    InetSocketAddress address() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /** Closes the listening socket; open connections keep being served. */
    void stopAccepting() {
        if (serverChannel != null) serverChannel.close().awaitUninterruptibly();
    }

    /**
     * Closes every connection and stops the I/O threads. The closes are queued behind the responses the
     * decoding workers already handed to the event loops, so those still reach their clients.
     */
    void close() {
        connections.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        if (boss != null) boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        if (workers != null) workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
