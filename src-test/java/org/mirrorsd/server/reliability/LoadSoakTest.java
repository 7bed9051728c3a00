package org.mirrorsd.server.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.mirrorsd.bench.load.LoadOptions;
import org.mirrorsd.bench.load.LoadReport;
import org.mirrorsd.bench.load.LoadRunner;
import org.mirrorsd.server.TestServer;

/**
 * A short soak (the 5-minute one is {@code ./mirror-sd bench load}): concurrent streaming clients, some
 * abandoning mid-stream, against the real server: no errors, and afterwards no KV cache or thread left over.
 */
class LoadSoakTest {

    @Test
    void twentySecondsOfConcurrentStreamsLeaveNothingBehind() throws Exception {
        try (TestServer server = TestServer.start("--set", "server.max_concurrent_sequences=4")) {
            for (int i = 0; i < 4; i++) Probes.stillServing(server.server.port(), "warm-up");
            ThreadWatch threads = ThreadWatch.start();
            var options = new LoadOptions(URI.create("http://127.0.0.1:" + server.server.port()), 8,
                    Duration.ofSeconds(20), 0.25, 8, 128, null, 7);
            LoadReport report = LoadRunner.run(options);
            ByteArrayOutputStream text = new ByteArrayOutputStream();
            report.print(new PrintStream(text, true, StandardCharsets.UTF_8));
            String summary = text.toString(StandardCharsets.UTF_8);
            System.out.print(summary);
            assertEquals(0, report.errors(), summary);
            assertTrue(report.completed() >= 10, summary);
            assertTrue(report.cancelled() >= 1, summary);
            assertTrue(report.tokensPerSecond() > 0 && report.ttft().count() > 0, summary);
            assertEquals(0, report.kvCachesOpenAfter(), summary);
            assertEquals(0, server.server.openKvCaches(), summary);
            assertTrue(report.passed(), summary);
            threads.assertNoneLeaked(Duration.ofSeconds(5));
            Probes.stillServing(server.server.port(), "after the soak");
        }
    }

    @Test
    void onlyLoopbackCanBeTargeted() {
        assertThrows(IllegalArgumentException.class, () -> new LoadOptions(URI.create("http://192.0.2.1:8080"), 1,
                Duration.ofSeconds(1), 0, 1, 1, null, 1));
    }
}
