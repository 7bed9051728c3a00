package org.mirrorsd.server.reliability;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A streaming request over a raw socket, read event by event, so a test can stop reading or vanish mid-stream. */
final class StreamClient implements AutoCloseable {
    private final Socket socket;
    private final BufferedReader in;
    final String statusLine;

    StreamClient(int port, String path, String body) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(30_000);
        socket.getOutputStream().write(RawHttp.request("POST", path, body));
        socket.getOutputStream().flush();
        in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        statusLine = in.readLine();
    }

    /** The next {@code data:} payload, or null at the end of the stream. */
    String nextEvent() throws IOException {
        for (String line; (line = in.readLine()) != null; ) if (line.startsWith("data: ")) return line.substring(6);
        return null;
    }

    /** Every remaining event up to and including {@code [DONE]} (at most 100 000). */
    List<String> rest() throws IOException {
        List<String> events = new ArrayList<>();
        for (String e; events.size() < 100_000 && (e = nextEvent()) != null; ) {
            events.add(e);
            if (e.equals("[DONE]")) break;
        }
        return events;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
