package org.mirrorsd.server.reliability;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One loopback connection kept open across writes, reading raw bytes until the server closes it: what a
 * request-smuggling check needs (how many responses came back, and whether the connection ended).
 */
final class RawConnection implements AutoCloseable {
    private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.[01] (\\d{3}) ");
    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();

    RawConnection(int port, Duration readTimeout) throws IOException {
        this(port, readTimeout, 0);
    }

    /** @param receiveBuffer the socket's receive buffer before connecting (small = a slow reader); 0 = default */
    RawConnection(int port, Duration readTimeout, int receiveBuffer) throws IOException {
        socket = new Socket();
        if (receiveBuffer > 0) socket.setReceiveBufferSize(receiveBuffer);
        socket.connect(new java.net.InetSocketAddress("127.0.0.1", port));
        socket.setSoTimeout((int) readTimeout.toMillis());
        out = socket.getOutputStream();
        in = socket.getInputStream();
    }

    /** Sends bytes; false when the server had already closed the connection. */
    boolean send(String ascii) {
        return send(ascii.getBytes(StandardCharsets.ISO_8859_1));
    }

    boolean send(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Reads until at least {@code bytes} bytes in total or a read times out; the text so far. */
    String readSome(int bytes) throws IOException {
        byte[] buf = new byte[8192];
        try {
            while (received.size() < bytes) {
                int n = in.read(buf);
                if (n < 0) break;
                received.write(buf, 0, n);
            }
        } catch (SocketTimeoutException e) {
            // what came so far
        }
        return text();
    }

    /** Reads until the server closes: true when it did within the timeout. */
    boolean readToEnd() throws IOException {
        byte[] buf = new byte[8192];
        try {
            for (int n; (n = in.read(buf)) >= 0; ) received.write(buf, 0, n);
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException reset) {
            return true; // RST after close: closed all the same
        }
    }

    String text() {
        return received.toString(StandardCharsets.ISO_8859_1);
    }

    /** The status codes of every response head received so far, in order. */
    java.util.List<Integer> statuses() {
        java.util.List<Integer> out = new java.util.ArrayList<>();
        Matcher m = STATUS_LINE.matcher(text());
        while (m.find()) out.add(Integer.parseInt(m.group(1)));
        return out;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
