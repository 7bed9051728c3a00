package org.mirrorsd.server;

import io.netty.handler.codec.http.HttpMethod;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.concurrent.CountDownLatch;
import org.mirrorsd.config.MirrorSdConfig;
import org.mirrorsd.decoding.DecodingEngine;
import org.mirrorsd.decoding.PrefixCache;
import org.mirrorsd.server.completion.CompletionHandler;
import org.mirrorsd.server.http.Paths;
import org.mirrorsd.server.http.Router;
import org.mirrorsd.server.metrics.ServerMetrics;
import org.mirrorsd.server.openai.ApiKind;
import org.mirrorsd.server.scheduler.Scheduler;
import org.mirrorsd.server.status.HealthEndpoint;
import org.mirrorsd.server.status.MetricsEndpoint;
import org.mirrorsd.server.status.ModelsEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running server: HTTP up first (so {@code /health} says 503 while the model loads), then the model, the
 * engines and the scheduler. {@link #shutdown} drains: stop accepting, let requests finish within the grace
 * period, cancel the rest, free everything.
 */
public final class MirrorSdServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MirrorSdServer.class);

    private final MirrorSdConfig config;
    private final ServerState state = new ServerState(new ServerMetrics());
    private final HttpServer http;
    private final UnaryOperator<DecodingEngine> decorate;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private LoadedModels models;
    private Map<String, DecodingEngine> engines;
    private PrefixCache prefixes;
    private Scheduler scheduler;
    private boolean shutDown;

    private MirrorSdServer(MirrorSdConfig config, UnaryOperator<DecodingEngine> decorate) {
        this.config = config;
        this.decorate = decorate;
        CompletionHandler completions = new CompletionHandler(state, config.server().stallTimeout());
        ModelsEndpoint models = new ModelsEndpoint(state);
        Router router = new Router()
                .route(HttpMethod.POST, Paths.CHAT, (ch, r) -> completions.handle(ch, r, ApiKind.CHAT))
                .route(HttpMethod.POST, Paths.COMPLETIONS, (ch, r) -> completions.handle(ch, r, ApiKind.TEXT))
                .route(HttpMethod.GET, Paths.MODELS, models)
                .routePrefix(HttpMethod.GET, Paths.MODEL_PREFIX, models)
                .route(HttpMethod.GET, Paths.HEALTH, new HealthEndpoint(state))
                .route(HttpMethod.GET, Paths.METRICS, new MetricsEndpoint(state.metrics()));
        this.http = new HttpServer(config.server(), state.metrics(), router);
    }

    /** Starts serving {@code config} (validated, with its model files present); returns once ready. */
    public static MirrorSdServer start(MirrorSdConfig config) throws Exception {
        return start(config, UnaryOperator.identity());
    }

    /**
     * As {@link #start(MirrorSdConfig)}, with every decoding engine passed through {@code decorate} first: the
     * seam for instrumentation and for fault injection in tests (an engine whose sessions fail on demand).
     */
    public static MirrorSdServer start(MirrorSdConfig config, UnaryOperator<DecodingEngine> decorate) throws Exception {
        config.requireValid().requireServable();
        MirrorSdServer server = new MirrorSdServer(config, decorate);
        server.http.start();
        try {
            server.load();
        } catch (Exception | Error e) {
            // Nothing was served yet: free what was opened without the drain's "shutting down ... stopped" lines,
            // which would read as if the server had run.
            server.abandon();
            throw e;
        }
        return server;
    }

    private void load() throws Exception {
        long t0 = System.nanoTime();
        models = LoadedModels.load(config);
        prefixes = new PrefixCache(config.decoding().prefixCacheTokensFor(models.targetCpu().config().contextLength()));
        engines = new LinkedHashMap<>(EngineSet.build(models, config.decoding(), prefixes));
        engines.replaceAll((method, engine) -> decorate.apply(engine));
        var sc = config.server();
        scheduler = new Scheduler(sc.maxConcurrentSequences(), sc.maxQueue(), decodeWorkers(), state.metrics()::decodeStep);
        String method = config.decoding().method().key();
        state.metrics().bindKvCaches(this::openKvCaches);
        state.metrics().bindPrefixCache(prefixes);
        state.target(models.targetCpu());
        state.ready(new Serving(models.served(), engines, method, scheduler, config.sampling(), sc.requestTimeout()));
        log.info("mirror-sd serving '{}' at http://{}:{} — engines {} (default {}), device {}, {} slots, "
                        + "queue {}, ready in {} ms",
                models.served().id(), sc.host(), port(), engines.keySet(), method, models.targetCpu().describe(),
                sc.maxConcurrentSequences(), sc.maxQueue(), (System.nanoTime() - t0) / 1_000_000);
    }

    /**
     * Decoding threads: the CPU executor already spreads one forward pass over its threads, so more decode
     * workers than cores / executor threads only contend; the rest of the slots interleave round-robin.
     */
    private int decodeWorkers() {
        int cores = Runtime.getRuntime().availableProcessors();
        int perPass = Math.max(1, config.devices().cpuThreads());
        return Math.max(1, Math.min(config.server().maxConcurrentSequences(), cores / perPass));
    }

    public InetSocketAddress address() { return http.address(); }

    public int port() { return address().getPort(); }

    public ServerMetrics metrics() { return state.metrics(); }

    /** KV caches (and forks) currently open on the model executors: 0 when nothing is being decoded. */
    public int openKvCaches() {
        // The prefix cache's entries are kept on purpose; what is left beyond them while idle is a leak.
        return models == null ? 0 : models.openKvCaches() - (prefixes == null ? 0 : prefixes.entries());
    }

    /** Blocks until {@link #shutdown} has completed. */
    public void awaitShutdown() throws InterruptedException {
        stopped.await();
    }

    /** Graceful stop within {@code server.shutdown_grace}; idempotent. */
    public synchronized void shutdown() {
        if (shutDown) return;
        shutDown = true;
        Duration grace = config.server().shutdownGrace();
        log.info("shutting down: draining requests for up to {}", grace);
        state.draining();
        http.stopAccepting();
        if (scheduler != null) scheduler.shutdown(grace);
        http.close();
        if (engines != null) engines.values().forEach(DecodingEngine::close);
        if (prefixes != null) prefixes.close();
        if (models != null) models.close();
        log.info("stopped");
        stopped.countDown();
    }

    private synchronized void abandon() {
        shutDown = true;
        state.draining();
        try {
            http.stopAccepting();
            if (scheduler != null) scheduler.close();
            http.close();
            if (engines != null) engines.values().forEach(DecodingEngine::close);
            if (prefixes != null) prefixes.close();
            if (models != null) models.close();
        } catch (RuntimeException e) {
            log.debug("cleaning up after a failed start", e);
        } finally {
            stopped.countDown();
        }
    }

    @Override
    public void close() {
        shutdown();
    }
}
