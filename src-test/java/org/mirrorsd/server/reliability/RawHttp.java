package org.mirrorsd.server.reliability;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain loopback socket, for requests no well-behaved client would send: any bytes, in parts,
 * with pauses. Every read is bounded by a timeout, and responses by {@link #MAX_RESPONSE} bytes.
 */
final class RawHttp {
    static final int MAX_RESPONSE = 1 << 20;

    /** {@code status} 0: the server closed without answering; -1: no answer within the timeout. */
    record Response(int status, Map<String, String> headers, String body) {
        String header(String name) { return headers.get(name.toLowerCase(Locale.ROOT)); }
    }

    private RawHttp() {}

    static Response exchange(int port, byte[] request, Duration timeout) {
        return exchange(port, new byte[][] {request}, Duration.ZERO, timeout);
    }

    /** Sends {@code parts} with {@code pause} between them, then reads one response. */
    static Response exchange(int port, byte[][] parts, Duration pause, Duration timeout) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout((int) timeout.toMillis());
            OutputStream out = s.getOutputStream();
            try {
                for (int i = 0; i < parts.length; i++) {
                    if (i > 0 && !pause.isZero()) Thread.sleep(pause.toMillis());
                    out.write(parts[i]);
                    out.flush();
                }
            } catch (IOException e) {
                // The server may answer and close before it has read everything (413, 431): read what it said.
            }
            return read(s.getInputStream());
        } catch (SocketTimeoutException e) {
            return new Response(-1, Map.of(), "");
        } catch (IOException e) {
            return new Response(0, Map.of(), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A request with {@code Connection: close}, a Content-Length for the body, and the given extra headers. */
    static byte[] request(String method, String path, String body, String... headers) {
        byte[] b = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        return request(method, path, b, headers);
    }

    static byte[] request(String method, String path, byte[] body, String... headers) {
        StringBuilder h = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: localhost\r\n")
                .append("Connection: close\r\n");
        if (body.length > 0 || method.equals("POST")) h.append("Content-Type: application/json\r\nContent-Length: ")
                .append(body.length).append("\r\n");
        for (String header : headers) h.append(header).append("\r\n");
        return concat(h.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1), body);
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static Response read(InputStream in) throws IOException {
        String statusLine = line(in);
        if (statusLine == null) return new Response(0, Map.of(), "");
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String l; (l = line(in)) != null && !l.isEmpty(); ) {
            int colon = l.indexOf(':');
            headers.put(l.substring(0, colon).strip().toLowerCase(Locale.ROOT), l.substring(colon + 1).strip());
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            for (String size; (size = line(in)) != null; ) {
                int n = Integer.parseInt(size.strip(), 16);
                if (n == 0) break;
                copy(in, body, n);
                line(in);
            }
        } else if (headers.containsKey("content-length")) {
            copy(in, body, Integer.parseInt(headers.get("content-length")));
        }
        return new Response(status, headers, body.toString(StandardCharsets.UTF_8));
    }

    private static void copy(InputStream in, ByteArrayOutputStream out, int n) throws IOException {
        if (out.size() + n > MAX_RESPONSE) throw new IOException("response over " + MAX_RESPONSE + " bytes");
        out.write(in.readNBytes(n));
    }

    /** One CRLF-terminated line (ISO-8859-1), or null at the end of the stream. */
    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int c; (c = in.read()) != -1; ) {
            if (c == '\n') return sb.toString().stripTrailing();
            if (sb.length() > 65536) throw new IOException("line too long");
            sb.append((char) c);
        }
        return sb.isEmpty() ? null : sb.toString();
    }
}
