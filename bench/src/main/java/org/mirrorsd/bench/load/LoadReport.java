package org.mirrorsd.bench.load;

import java.io.PrintStream;
import java.time.Duration;

/**
 * The outcome of a soak run. The run passes with no errors and, once idle again, no KV cache left open.
 *
 * @param elapsed from the first request to the last response
 */
public record LoadReport(LoadOptions options, Duration elapsed, LoadStats.Snapshot clients, ServerProbe.State before,
                         ServerProbe.State after) {

    public boolean passed() {
        return clients.errors() == 0 && after.kvCachesOpen() == 0 && after.activeSequences() == 0;
    }

    public long errors() { return clients.errors(); }

    public long completed() { return clients.completed(); }

    public long cancelled() { return clients.cancelled(); }

    public double tokensPerSecond() { return clients.tokens() / (elapsed.toMillis() / 1000.0); }

    public Percentiles ttft() { return clients.ttft(); }

    public Percentiles total() { return clients.total(); }

    public long kvCachesOpenAfter() { return after.kvCachesOpen(); }

    public void print(PrintStream out) {
        out.printf("load: %d streaming clients for %s against %s (max_tokens %d..%d, %.0f%% abandoned mid-stream)%n",
                options.clients(), elapsed, options.server(), options.minTokens(), options.maxTokens(),
                options.cancelFraction() * 100);
        out.printf("requests: %d completed, %d cancelled mid-stream, %d errors%n", clients.completed(),
                clients.cancelled(), clients.errors());
        out.printf("tokens: %d streamed, %.1f tokens/s, %.2f requests/s%n", clients.tokens(), tokensPerSecond(),
                (clients.completed() + clients.cancelled()) / (elapsed.toMillis() / 1000.0));
        out.println("time to first token: " + clients.ttft());
        out.println("total latency (completed): " + clients.total());
        out.println("server before: " + before);
        out.println("server after:  " + after);
        for (String e : clients.errorSamples()) out.println("error: " + e);
        out.println(passed() ? "PASS: no errors, no KV cache left open" : "FAIL");
    }
}
