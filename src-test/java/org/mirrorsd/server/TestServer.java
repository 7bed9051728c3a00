package org.mirrorsd.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.mirrorsd.decoding.DecodingEngine;
import org.mirrorsd.config.ConfigFlags;
import org.mirrorsd.testing.SharedFiles;

/**
 * The real server on an ephemeral loopback port with stories260K, configured through the real command line,
 * and an HTTP client to talk to it.
 */
public final class TestServer implements AutoCloseable {
    public static final ObjectMapper JSON = new ObjectMapper();
    public static final String MODEL_ID = "stories260K";

    public final MirrorSdServer server;
    public final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private TestServer(MirrorSdServer server) {
        this.server = server;
    }

    /** @param extra more serve flags, e.g. {@code --api-key k} or {@code --set server.max_queue=0} */
    public static TestServer start(String... extra) {
        return start(UnaryOperator.identity(), extra);
    }

    /** @param decorate wraps each decoding engine, e.g. to inject faults */
    public static TestServer start(UnaryOperator<DecodingEngine> decorate, String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "--model", SharedFiles.model("stories260K.bin").toString(),
                "--tokenizer", SharedFiles.model("tok512.bin").toString(),
                "--host", "127.0.0.1", "--port", "0", "--threads", "1"));
        args.addAll(List.of(extra));
        try {
            return new TestServer(MirrorSdServer.start(ConfigFlags.load(ServerMain.commandLine().parse(args), Map.of()),
                    decorate));
        } catch (Exception e) {
            throw new IllegalStateException("server did not start", e);
        }
    }

    /** The server on another model file, with the tokenizer and chat template inside it (a GGUF). */
    public static TestServer startModel(java.nio.file.Path model, String... extra) {
        List<String> args = new ArrayList<>(List.of("--model", model.toString(), "--host", "127.0.0.1", "--port", "0",
                "--threads", "1"));
        args.addAll(List.of(extra));
        try {
            return new TestServer(MirrorSdServer.start(ConfigFlags.load(ServerMain.commandLine().parse(args), Map.of()),
                    UnaryOperator.identity()));
        } catch (Exception e) {
            throw new IllegalStateException("server did not start", e);
        }
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    public HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET().build());
    }

    public HttpResponse<String> post(String path, String body) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    public HttpResponse<String> send(HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** POSTs and parses a JSON response. */
    public JsonNode postJson(String path, String body, int expectedStatus) {
        HttpResponse<String> r = post(path, body);
        if (r.statusCode() != expectedStatus) {
            throw new AssertionError("expected " + expectedStatus + " but got " + r.statusCode() + ": " + r.body());
        }
        return parse(r.body());
    }

    public static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }

    /** A value of the Prometheus text at {@code /metrics}, e.g. {@code mirrorsd_active_sequences}. */
    public double metric(String series) {
        for (String line : get("/metrics").body().split("\n")) {
            if (line.startsWith(series + " ")) return Double.parseDouble(line.substring(series.length() + 1));
        }
        throw new AssertionError("no metric " + series);
    }

    @Override
    public void close() {
        server.shutdown();
    }
}
