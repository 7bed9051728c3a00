package org.mirrorsd.models.source;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A local stand-in for the Hugging Face Hub's public endpoints, on loopback: the model-info API, {@code resolve}
 * URLs that answer HEAD with the commit, ETag and size headers and redirect LFS files to a second server (the
 * storage host), which serves the bytes with {@code Range} support. Records what every request carried.
 */
final class FakeHub implements AutoCloseable {
    static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

    record Seen(String server, String method, String path, String authorization, String range) {}

    private final HttpServer hub;
    private final HttpServer storage;
    private final String repo;
    final Map<String, byte[]> files = new LinkedHashMap<>();
    final Map<String, String> etagOverride = new LinkedHashMap<>();
    final List<Seen> seen = new CopyOnWriteArrayList<>();
    String requiredToken;

    FakeHub(String repo) throws IOException {
        this.repo = repo;
        hub = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        storage = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hub.createContext("/", this::hub);
        storage.createContext("/", this::storage);
        hub.start();
        storage.start();
    }

    String endpoint() { return "http://127.0.0.1:" + hub.getAddress().getPort(); }

    FakeHub file(String name, byte[] bytes) {
        files.put(name, bytes);
        return this;
    }

    long storageGets() {
        return seen.stream().filter(s -> s.server().equals("storage") && s.method().equals("GET")).count();
    }

    static boolean isLfs(String name) { return name.endsWith(".gguf"); }

    String etag(String name) {
        if (etagOverride.containsKey(name)) return etagOverride.get(name);
        byte[] b = files.get(name);
        try {
            if (isLfs(name)) return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
            MessageDigest md = MessageDigest.getInstance("SHA-1");
            md.update(("blob " + b.length + "\0").getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(md.digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void record(String server, HttpExchange ex) {
        seen.add(new Seen(server, ex.getRequestMethod(), ex.getRequestURI().getPath(),
                ex.getRequestHeaders().getFirst("Authorization"), ex.getRequestHeaders().getFirst("Range")));
    }

    private void hub(HttpExchange ex) throws IOException {
        record("hub", ex);
        String path = ex.getRequestURI().getPath();
        if (requiredToken != null && !("Bearer " + requiredToken).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
            send(ex, 401, "{\"error\":\"Invalid credentials\"}".getBytes(StandardCharsets.UTF_8), Map.of());
            return;
        }
        if (path.equals("/api/models/" + repo + "/revision/main")) {
            StringBuilder sb = new StringBuilder("{\"id\":\"" + repo + "\",\"sha\":\"" + COMMIT + "\",\"siblings\":[");
            List<String> names = new ArrayList<>(files.keySet());
            for (int i = 0; i < names.size(); i++) sb.append(i == 0 ? "" : ",").append("{\"rfilename\":\"").append(names.get(i)).append("\"}");
            send(ex, 200, sb.append("]}").toString().getBytes(StandardCharsets.UTF_8), Map.of());
            return;
        }
        String prefix = "/" + repo + "/resolve/main/";
        if (!path.startsWith(prefix) || !files.containsKey(path.substring(prefix.length()))) {
            send(ex, 404, "Entry not found".getBytes(StandardCharsets.UTF_8), Map.of());
            return;
        }
        String name = path.substring(prefix.length());
        byte[] bytes = files.get(name);
        if (isLfs(name)) {
            Map<String, String> h = Map.of("X-Repo-Commit", COMMIT, "X-Linked-Etag", "\"" + etag(name) + "\"",
                    "X-Linked-Size", Long.toString(bytes.length),
                    "Location", "http://127.0.0.1:" + storage.getAddress().getPort() + "/lfs/" + name);
            send(ex, 302, new byte[0], h);
        } else {
            send(ex, 200, bytes, Map.of("X-Repo-Commit", COMMIT, "ETag", "\"" + etag(name) + "\""));
        }
    }

    private void storage(HttpExchange ex) throws IOException {
        record("storage", ex);
        String name = ex.getRequestURI().getPath().substring("/lfs/".length());
        byte[] bytes = files.get(name);
        if (bytes == null) {
            send(ex, 404, new byte[0], Map.of());
            return;
        }
        String range = ex.getRequestHeaders().getFirst("Range");
        if (range != null && range.startsWith("bytes=") && range.endsWith("-")) {
            int from = Integer.parseInt(range.substring(6, range.length() - 1));
            byte[] part = java.util.Arrays.copyOfRange(bytes, from, bytes.length);
            send(ex, 206, part, Map.of("Content-Range", "bytes " + from + "-" + (bytes.length - 1) + "/" + bytes.length));
            return;
        }
        send(ex, 200, bytes, Map.of());
    }

    private static void send(HttpExchange ex, int status, byte[] body, Map<String, String> headers) throws IOException {
        headers.forEach((k, v) -> ex.getResponseHeaders().add(k, v));
        boolean head = ex.getRequestMethod().equals("HEAD");
        if (head) {
            if (status == 200) ex.getResponseHeaders().add("Content-Length", Long.toString(body.length));
            ex.sendResponseHeaders(status, -1);
        } else {
            ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
        ex.close();
    }

    @Override
    public void close() {
        hub.stop(0);
        storage.stop(0);
    }
}
