package org.mirrorsd.bench.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;

/**
 * One soak client: streaming chat or completion requests back to back until the deadline, each with a random
 * prompt and length; some are abandoned mid-stream (the connection closed under the server, see
 * {@link AbandonedStream}). A request counts
 * as an error when its status is not 200, an error event arrives, or a stream it did not abandon ends without
 * {@code [DONE]}.
 */
final class StreamingClient implements Runnable {
    private static final List<String> PROMPTS = List.of("Once upon a time", "The little dog", "Lily and Tom went to the park.",
            "One day, a big bear", "The sun was hot and", "Sam had a red ball.", "In the forest there was",
            "Mom said it was time to");
    private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(2);

    private final HttpClient http;
    private final LoadOptions options;
    private final LoadStats stats;
    private final long deadlineNanos;
    private final Random random;

    StreamingClient(HttpClient http, LoadOptions options, LoadStats stats, long deadlineNanos, long seed) {
        this.http = http;
        this.options = options;
        this.stats = stats;
        this.deadlineNanos = deadlineNanos;
        this.random = new Random(seed);
    }

    @Override
    public void run() {
        while (System.nanoTime() < deadlineNanos && !Thread.currentThread().isInterrupted()) {
            try {
                once();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException | RuntimeException e) {
                stats.error(e.toString());
            }
        }
    }

    private void once() throws IOException, InterruptedException {
        boolean chat = random.nextBoolean();
        int maxTokens = options.minTokens() + random.nextInt(options.maxTokens() - options.minTokens() + 1);
        // Abandon after a few events: early enough that the server still has work to cancel.
        int cancelAfter = random.nextDouble() < options.cancelFraction() ? 1 + random.nextInt(Math.max(1, maxTokens / 4)) : -1;
        String prompt = PROMPTS.get(random.nextInt(PROMPTS.size()));
        String body = (chat
                ? "{\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]"
                : "{\"prompt\":\"" + prompt + "\"")
                + ",\"max_tokens\":" + maxTokens + ",\"temperature\":0.8,\"stream\":true,"
                + "\"stream_options\":{\"include_usage\":true}}";
        String path = chat ? "/v1/chat/completions" : "/v1/completions";
        if (cancelAfter > 0) {
            var o = AbandonedStream.run(options.server(), path, body, options.apiKey(), cancelAfter,
                    (int) REQUEST_TIMEOUT.toMillis());
            if (o.error() != null) stats.error(o.error());
            else stats.cancelled(o.ttftNanos(), o.events());
            return;
        }
        var b = HttpRequest.newBuilder(URI.create(options.server() + path))
                .timeout(REQUEST_TIMEOUT).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (options.apiKey() != null) b.header("Authorization", "Bearer " + options.apiKey());
        long t0 = System.nanoTime();
        HttpResponse<InputStream> r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = r.body();
             BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            if (r.statusCode() != 200) {
                stats.error("HTTP " + r.statusCode() + ": " + new String(in.readNBytes(500), StandardCharsets.UTF_8));
                return;
            }
            long ttft = 0;
            int events = 0;
            long usageTokens = -1;
            for (String line; (line = lines.readLine()) != null; ) {
                if (!line.startsWith("data: ")) continue;
                String data = line.substring(6);
                if (data.equals("[DONE]")) {
                    // Read to the end of the response, as a well-behaved client does, so the connection is
                    // returned to the pool complete rather than cancelled half-read.
                    while (lines.readLine() != null) { }
                    stats.completed(ttft, System.nanoTime() - t0, usageTokens >= 0 ? usageTokens : events);
                    return;
                }
                if (data.startsWith("{\"error\"")) {
                    stats.error("in-band error: " + data);
                    return;
                }
                int usage = data.indexOf("\"completion_tokens\":");
                if (usage >= 0) {
                    usageTokens = Long.parseLong(data.substring(usage + 20).split("[,}]")[0].strip());
                    continue;
                }
                events++;
                if (ttft == 0) ttft = System.nanoTime() - t0;
            }
            stats.error("stream ended without [DONE] after " + events + " events");
        }
    }
}
