package org.mirrorsd.server.reliability;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.mirrorsd.server.TestServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Seeded, bounded fuzzing over the request schema: never a 5xx, every 4xx a valid OpenAI error body, and the
 * server alive afterwards. The seed is in the failure message for replay.
 */
class RequestFuzzTest {
    private static final Logger log = LoggerFactory.getLogger(RequestFuzzTest.class);
    private static final long SEED = Long.getLong("mirrorsd.fuzz.seed", 20250601L);
    private static final int MAX_MUTANTS = 1500;
    private static final Duration BUDGET = Duration.ofSeconds(40);

    @Test
    void mutatedRequestsNeverBreakTheServer() {
        try (TestServer server = TestServer.start("--set", "server.max_body_bytes=65536")) {
            int port = server.server.port();
            RequestFuzzer fuzzer = new RequestFuzzer(SEED);
            long deadline = System.nanoTime() + BUDGET.toNanos();
            int sent = 0;
            int[] byClass = new int[6];
            for (; sent < MAX_MUTANTS && System.nanoTime() < deadline; sent++) {
                RequestFuzzer.Mutant m = fuzzer.next();
                String context = "seed " + SEED + " mutant #" + sent + " (" + m.description() + ") "
                        + new String(m.body(), java.nio.charset.StandardCharsets.UTF_8);
                RawHttp.Response r = RawHttp.exchange(port, RawHttp.request("POST", m.path(), m.body()), Duration.ofSeconds(15));
                assertTrue(r.status() >= 200 && r.status() < 500, context + " -> " + r.status() + " " + r.body());
                byClass[r.status() / 100]++;
                if (r.status() >= 400) ErrorBodies.check(r, context);
                if (sent % 50 == 0) Probes.stillServing(port, context);
            }
            Probes.stillServing(port, "after fuzzing");
            log.info("fuzzed {} mutants (seed {}): {} 2xx, {} 4xx", sent, SEED, byClass[2], byClass[4]);
            assertTrue(sent >= 100, "only " + sent + " mutants within " + BUDGET);
            assertTrue(byClass[2] > 0 && byClass[4] > 0, "mutants should both pass and fail validation");
        }
    }
}
