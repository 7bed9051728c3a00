package org.mirrorsd.bench.load;

import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a bounded soak: the server's state, then {@code clients} streaming clients (virtual threads) until the
 * duration is over, then, once the server is idle again, its state once more.
 */
public final class LoadRunner {
    private static final Logger log = LoggerFactory.getLogger(LoadRunner.class);
    /** Requests in flight at the deadline get this long to end before the clients are interrupted. */
    private static final Duration DRAIN = Duration.ofMinutes(2);

    private LoadRunner() {}

    public static LoadReport run(LoadOptions options) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        try (http) {
            ServerProbe probe = new ServerProbe(http, options.server());
            ServerProbe.State before = probe.awaitIdle(Duration.ofSeconds(30));
            LoadStats stats = new LoadStats();
            long t0 = System.nanoTime();
            long deadline = t0 + options.duration().toNanos();
            List<Thread> clients = new ArrayList<>();
            for (int i = 0; i < options.clients(); i++) {
                var client = new StreamingClient(http, options, stats, deadline, options.seed() * 1_000_003L + i);
                clients.add(Thread.ofVirtual().name("load-client-" + i).start(client));
            }
            long joinBy = deadline + DRAIN.toNanos();
            for (Thread t : clients) {
                long left = joinBy - System.nanoTime();
                if (left <= 0 || !t.join(Duration.ofNanos(left))) {
                    stats.error(t.getName() + " still running " + DRAIN + " after the deadline");
                    t.interrupt();
                }
            }
            Duration elapsed = Duration.ofNanos(System.nanoTime() - t0).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
            ServerProbe.State after = probe.awaitIdle(Duration.ofSeconds(30));
            log.debug("load run over after {}", elapsed);
            return new LoadReport(options, elapsed, stats.snapshot(), before, after);
        }
    }
}
