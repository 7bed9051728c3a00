package org.mirrorsd.bench.load;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;

/**
 * What a soak run does.
 *
 * @param server         base URL, e.g. {@code http://127.0.0.1:8080}; loopback only
 * @param clients        concurrent streaming clients
 * @param duration       how long clients keep starting requests
 * @param cancelFraction share of requests the client abandons mid-stream
 * @param minTokens      smallest max_tokens asked for
 * @param maxTokens      largest max_tokens asked for
 * @param apiKey         bearer key, or null
 * @param seed           for the request mix, so runs are repeatable
 */
public record LoadOptions(URI server, int clients, Duration duration, double cancelFraction, int minTokens,
                          int maxTokens, String apiKey, long seed) {

    public LoadOptions {
        if (clients < 1 || clients > 4096) throw new IllegalArgumentException("clients must be 1..4096, got " + clients);
        if (duration.isNegative() || duration.isZero() || duration.compareTo(Duration.ofHours(24)) > 0) {
            throw new IllegalArgumentException("duration must be > 0 and at most 24h, got " + duration);
        }
        if (!(cancelFraction >= 0 && cancelFraction <= 1)) throw new IllegalArgumentException("cancel must be 0..1");
        if (minTokens < 1 || maxTokens < minTokens) throw new IllegalArgumentException("need 1 <= min-tokens <= max-tokens");
        requireLoopback(server);
    }

    /** Soak load goes to a server on this machine only: never point it at someone else's. */
    static void requireLoopback(URI server) {
        try {
            if (server.getHost() == null || !InetAddress.getByName(server.getHost()).isLoopbackAddress()) {
                throw new IllegalArgumentException("the load tool only targets loopback addresses, not " + server);
            }
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("unknown host in " + server);
        }
    }
}
