package org.mirrorsd.bench.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * A streaming request that its client walks away from: sent over a socket of its own, which is closed after a
 * few events, so the server sees the connection go mid-stream. A plain socket rather than the shared
 * {@link java.net.http.HttpClient}: closing a half-read response there races with the client's own pool, which may
 * already have taken the connection back for the next request, and the next request then fails for a reason
 * that has nothing to do with the server.
 */
final class AbandonedStream {
    private AbandonedStream() {}

    /** What the client saw before it left. */
    record Outcome(long ttftNanos, int events, String error) {}

    static Outcome run(URI server, String path, String body, String apiKey, int leaveAfter, int timeoutMillis)
            throws IOException {
        int port = server.getPort() > 0 ? server.getPort() : 80;
        byte[] payload = body.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder()
                .append("POST ").append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(server.getHost()).append(':').append(port).append("\r\n")
                .append("Content-Type: application/json\r\n")
                .append("Content-Length: ").append(payload.length).append("\r\n");
        if (apiKey != null) head.append("Authorization: Bearer ").append(apiKey).append("\r\n");
        head.append("\r\n");
        long t0 = System.nanoTime();
        try (Socket socket = new Socket(server.getHost(), port)) {
            socket.setSoTimeout(timeoutMillis);
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
            out.write(payload);
            out.flush();
            var lines = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            String status = lines.readLine();
            if (status == null || !status.startsWith("HTTP/1.1 200")) {
                return new Outcome(0, 0, "abandoned request answered " + status);
            }
            long ttft = 0;
            int events = 0;
            // Chunk-size lines never start with "data: ", and each event is written as one chunk.
            for (String line; (line = lines.readLine()) != null; ) {
                if (!line.startsWith("data: ")) continue;
                String data = line.substring(6);
                if (data.startsWith("{\"error\"")) return new Outcome(ttft, events, "in-band error: " + data);
                if (data.equals("[DONE]") || data.contains("\"completion_tokens\":")) break;
                events++;
                if (ttft == 0) ttft = System.nanoTime() - t0;
                if (events == leaveAfter) return new Outcome(ttft, events, null);
            }
            // The stream ended before the client meant to leave: it was short, which is no fault of the server.
            return new Outcome(ttft, events, null);
        }
    }
}
