package org.mirrorsd.server.reliability;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Requests a hostile or broken client sends, beyond the field checks {@code ErrorsTest} already covers:
 * malformed and deeply nested JSON, wrong types, huge and non-finite numbers, invalid UTF-8, prompts past the
 * context, model paths, unknown paths and methods, broken HTTP framing, header floods, oversized and slow
 * (slowloris) requests. Built for a server with {@code max_body_bytes} = {@link #BODY_LIMIT} and a short
 * read timeout.
 */
final class HostileCorpus {
    static final int BODY_LIMIT = 16384;
    private static final String CHAT = "/v1/chat/completions";
    private static final String TEXT = "/v1/completions";
    private static final String MSG = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";

    private final List<HostileRequest> cases = new ArrayList<>();

    private HostileCorpus() {}

    static List<HostileRequest> all() {
        HostileCorpus c = new HostileCorpus();
        c.malformedJson();
        c.invalidUtf8();
        c.wrongTypes();
        c.hugeAndNonFiniteNumbers();
        c.contextLimits();
        c.modelPaths();
        c.pathsAndMethods();
        c.brokenFraming();
        c.oversizedAndSlow();
        c.unsupportedFieldsAndEncodings();
        return c.cases;
    }

    private void malformedJson() {
        String[] bodies = {"{", "}", "{\"prompt\":\"a\",}", "{'prompt':'a'}", "{\"prompt\":\"a\"", "{\"prompt\":\"a\\q\"}",
                "{\"prompt\":\"unterminated}", "null", "true", "\"a string\"", "123", "   ", "{\"prompt\":NaN}",
                "{\"prompt\":\"a\",\"temperature\":NaN}", "{\"prompt\":\"a\",\"temperature\":Infinity}",
                "{\"prompt\":\"a\",\"temperature\":-Infinity}", "{\"prompt\":\"a\",\"max_tokens\":0x10}",
                "{\"prompt\":\"a\",\"max_tokens\":010}", "{\"prompt\":\"a\"}{\"prompt\":\"b\"}",
                "{\"prompt\":\"a\" /* comment */}", "{\"prompt\":\"a\u0001b\"}", "\uFEFF{\"prompt\":\"a\"}",
                "{\"prompt\":\"a\",\"max_tokens\":+5}", "{\"prompt\":\"a\",\"max_tokens\":.5}", "{prompt:\"a\"}"};
        for (int i = 0; i < bodies.length; i++) {
            String path = i % 2 == 0 ? TEXT : CHAT;
            add("malformed JSON #" + i + " " + abbreviate(bodies[i]), post(path, bodies[i]), 400);
        }
        add("nested arrays 5000 deep", post(TEXT, "[".repeat(5000) + "]".repeat(5000)), 400);
        add("nested objects 2000 deep", post(CHAT, "{\"a\":".repeat(2000) + "1" + "}".repeat(2000)), 400);
        add("nested arrays 900 deep as a prompt", post(TEXT, "{\"prompt\":" + "[".repeat(900) + "]".repeat(900) + "}"),
                400, "prompt");
        add("nested arrays 900 deep as content", post(CHAT, "{\"messages\":[{\"role\":\"user\",\"content\":"
                + "[".repeat(900) + "]".repeat(900) + "}]}"), 400, "messages[0].content");
        add("unclosed nesting 3000 deep", post(CHAT, "{\"messages\":" + "[".repeat(3000)), 400);
    }

    private void invalidUtf8() {
        byte[][] bad = {{(byte) 0xff}, {(byte) 0xc3}, {(byte) 0xc0, (byte) 0xaf}, {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
                {(byte) 0xf8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}, {(byte) 0xe9}};
        for (int i = 0; i < bad.length; i++) {
            byte[] body = bytes("{\"prompt\":\"caf", bad[i], "\"}");
            add("invalid UTF-8 #" + i + " in a prompt", RawHttp.request("POST", TEXT, body), 400);
        }
        add("invalid UTF-8 in a key", RawHttp.request("POST", TEXT, bytes("{\"", new byte[] {(byte) 0xfe}, "\":1,\"prompt\":\"a\"}")), 400);
        add("invalid UTF-8 in chat content", RawHttp.request("POST", CHAT,
                bytes("{\"messages\":[{\"role\":\"user\",\"content\":\"", new byte[] {(byte) 0x80, (byte) 0x80}, "\"}]}")), 400);
    }

    private void wrongTypes() {
        typed(TEXT, "\"prompt\":\"a\",\"model\":5", "model");
        typed(TEXT, "\"prompt\":\"a\",\"model\":[\"a\"]", "model");
        typed(CHAT, "\"messages\":{}", "messages");
        typed(CHAT, "\"messages\":null", "messages");
        typed(CHAT, "\"messages\":[null]", "messages[0]");
        typed(CHAT, "\"messages\":[{\"role\":\"user\",\"content\":{}}]", "messages[0].content");
        typed(CHAT, "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":5}]}]", "messages[0].content");
        typed(CHAT, "\"messages\":[{\"role\":\"user\",\"content\":[\"hello\"]}]", "messages[0].content");
        typed(CHAT, "\"messages\":[{\"role\":5,\"content\":\"hi\"}]", null);
        typed(CHAT, MSG + ",\"logprobs\":\"yes\"", "logprobs");
        typed(CHAT, MSG + ",\"top_logprobs\":-1", "top_logprobs");
        typed(CHAT, MSG + ",\"stream\":true,\"stream_options\":{\"include_usage\":\"yes\"}", "include_usage");
        typed(CHAT, MSG + ",\"ignore_eos\":1", "ignore_eos");
        typed(CHAT, MSG + ",\"n\":\"2\"", "n");
        typed(CHAT, MSG + ",\"n\":2.0", "n");
        typed(TEXT, "\"prompt\":\"a\",\"max_tokens\":\"10\"", "max_tokens");
        typed(TEXT, "\"prompt\":\"a\",\"max_tokens\":true", "max_tokens");
        typed(TEXT, "\"prompt\":\"a\",\"max_tokens\":[]", "max_tokens");
        typed(TEXT, "\"prompt\":\"a\",\"max_tokens\":{}", "max_tokens");
        typed(TEXT, "\"prompt\":\"a\",\"temperature\":true", "temperature");
        typed(TEXT, "\"prompt\":\"a\",\"temperature\":[0.5]", "temperature");
        typed(TEXT, "\"prompt\":\"a\",\"top_p\":\"0.5\"", "top_p");
        typed(TEXT, "\"prompt\":\"a\",\"stop\":{\"a\":1}", "stop");
        typed(TEXT, "\"prompt\":\"a\",\"stop\":[1]", "stop");
        typed(TEXT, "\"prompt\":\"a\",\"stop\":[null]", "stop");
        typed(TEXT, "\"prompt\":\"a\",\"decoding\":5", "decoding");
        typed(TEXT, "\"prompt\":\"a\",\"seed\":1.5", "seed");
        typed(TEXT, "\"prompt\":[[\"a\"]]", "prompt");
        typed(TEXT, "\"prompt\":[[]]", "prompt");
        typed(TEXT, "\"prompt\":{}", "prompt");
        typed(TEXT, "\"prompt\":true", "prompt");
        typed(TEXT, "\"prompt\":[null]", "prompt");
        typed(TEXT, "\"prompt\":[1.5]", "prompt");
        typed(TEXT, "\"prompt\":[-1]", "prompt");
        typed(TEXT, "\"prompt\":[2147483648]", "prompt");
        typed(TEXT, "\"prompt\":[" + "\"a\",".repeat(16) + "\"a\"]", "prompt");
        typed(TEXT, "\"prompt\":[\"a\",\"b\"],\"n\":9", "n");
    }

    private void hugeAndNonFiniteNumbers() {
        typed(TEXT, "\"prompt\":\"a\",\"max_tokens\":1e400", "max_tokens");
        typed(TEXT, "\"prompt\":\"a\",\"max_tokens\":99999999999999999999999999", "max_tokens");
        typed(TEXT, "\"prompt\":\"a\",\"max_tokens\":-99999999999999999999", "max_tokens");
        typed(TEXT, "\"prompt\":\"a\",\"max_tokens\":-1", "max_tokens");
        typed(TEXT, "\"prompt\":\"a\",\"max_tokens\":2147483648", "max_tokens");
        typed(TEXT, "\"prompt\":\"a\",\"n\":-1", "n");
        typed(TEXT, "\"prompt\":\"a\",\"n\":4294967297", "n");
        typed(TEXT, "\"prompt\":\"a\",\"temperature\":1e400", "temperature");
        typed(TEXT, "\"prompt\":\"a\",\"temperature\":-0.5", "temperature");
        typed(TEXT, "\"prompt\":\"a\",\"top_p\":1.0000001", "top_p");
        typed(TEXT, "\"prompt\":\"a\",\"top_k\":99999999999", "top_k");
        typed(TEXT, "\"prompt\":\"a\",\"seed\":99999999999999999999", "seed");
        typed(TEXT, "\"prompt\":\"a\",\"logprobs\":-1", "logprobs");
        typed(TEXT, "\"prompt\":\"a\",\"presence_penalty\":-1e308", "presence_penalty");
        typed(TEXT, "\"prompt\":\"a\",\"frequency_penalty\":1e308", "frequency_penalty");
        typed(TEXT, "\"prompt\":\"a\",\"repetition_penalty\":-3", "repetition_penalty");
        typed(TEXT, "\"prompt\":\"a\",\"min_p\":-0.1", "min_p");
        typed(CHAT, MSG + ",\"logprobs\":true,\"top_logprobs\":1000", "top_logprobs");
        typed(CHAT, MSG + ",\"temperature\":" + "9".repeat(400), "temperature");
    }

    private void contextLimits() {
        String tooLong = "1,".repeat(1999) + "1";
        add(HostileRequest.of("2000 prompt token ids", post(TEXT, "{\"prompt\":[" + tooLong + "]}"), 400)
                .param("prompt").code("context_length_exceeded"));
        add(HostileRequest.of("one of two prompts too long", post(TEXT, "{\"prompt\":[\"a\",[" + tooLong + "]]}"), 400)
                .param("prompt").code("context_length_exceeded"));
        add(HostileRequest.of("40 chat messages past the context", post(CHAT, "{\"messages\":["
                + "{\"role\":\"user\",\"content\":\"Once upon a time there was a dog\"},".repeat(39)
                + "{\"role\":\"user\",\"content\":\"end\"}]}"), 400).param("messages").code("context_length_exceeded"));
        // max_tokens past the context is clamped to what fits (finish_reason "length"), as llama.cpp does.
        add("max_tokens past the context is clamped", post(TEXT,
                "{\"prompt\":\"Once\",\"max_tokens\":2147483647,\"ignore_eos\":true}"), 200);
        add("max_completion_tokens past the context, streamed", post(CHAT,
                "{" + MSG + ",\"max_completion_tokens\":100000,\"ignore_eos\":true,\"stream\":true}"), 200);
    }

    private void modelPaths() {
        for (String model : new String[] {"/etc/passwd", "../../shared/models/stories260K.bin", "file:///etc/passwd",
                "stories260K.bin", "", "C:\\\\Windows\\\\win.ini", "%2Fetc%2Fpasswd", "x".repeat(5000)}) {
            add(HostileRequest.of("model " + abbreviate(model), post(TEXT, "{\"model\":\"" + model
                    + "\",\"prompt\":\"a\"}"), 404).param("model").code("model_not_found"));
        }
    }

    private void pathsAndMethods() {
        raw("POST /v1/embeddings", RawHttp.request("POST", "/v1/embeddings", "{}"), 404, "unknown_url");
        raw("path traversal", RawHttp.request("GET", "/v1/chat/completions/../../etc/passwd", (String) null), 404, "unknown_url");
        raw("encoded traversal", RawHttp.request("GET", "/%2e%2e/%2e%2e/etc/passwd", (String) null), 404, "unknown_url");
        raw("GET /health/extra", RawHttp.request("GET", "/health/extra", (String) null), 404, "unknown_url");
        raw("absolute-form URI to another host", RawHttp.request("GET", "http://example.com/etc/passwd", (String) null),
                404, "unknown_url");
        raw("PUT completions", RawHttp.request("PUT", TEXT, "{}"), 405, "method_not_allowed");
        raw("PATCH chat", RawHttp.request("PATCH", CHAT, "{}"), 405, "method_not_allowed");
        raw("DELETE health", RawHttp.request("DELETE", "/health", (String) null), 405, "method_not_allowed");
        raw("custom method BREW", RawHttp.request("BREW", "/v1/models", (String) null), 405, "method_not_allowed");
        raw("TRACE health", RawHttp.request("TRACE", "/health", (String) null), 405, "method_not_allowed");
        raw("OPTIONS without CORS", RawHttp.request("OPTIONS", TEXT, (String) null, "Origin: http://evil.example",
                "Access-Control-Request-Method: POST"), 405, "method_not_allowed");
        raw("POST metrics", RawHttp.request("POST", "/metrics", "{}"), 405, "method_not_allowed");
    }

    private void brokenFraming() {
        raw("garbage request line", ascii("GARBAGE\r\n\r\n"), 400, null);
        raw("request line without version", ascii("GET /health\r\nHost: x\r\n\r\n"), 400, null);
        raw("HTTP/9.9", ascii("GET /health HTTP/9.9\r\nHost: x\r\n\r\n"), 505, "http_version_not_supported");
        raw("HTTP/2 preface on the HTTP/1 port", ascii("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"), 505, null);
        raw("2000 headers", RawHttp.request("GET", "/health", (String) null, headers(2000)), 431, "headers_too_large");
        raw("one 20 kB header", RawHttp.request("GET", "/health", (String) null, "X-Big: " + "a".repeat(20_000)), 431,
                "headers_too_large");
        raw("10 kB URI", RawHttp.request("GET", "/" + "a".repeat(10_000), (String) null), 414, "uri_too_long");
        raw("negative Content-Length", ascii("POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n"), 400, null);
        raw("non-numeric Content-Length", ascii("POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n"), 400, null);
        raw("two different Content-Lengths", ascii("POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                + "Content-Length: 7\r\n\r\n{\"a\":1}"), 400, null);
        raw("invalid chunk size", ascii("POST /v1/completions HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "zz\r\nabc\r\n0\r\n\r\n"), 400, null);
        raw("NUL in a header value", ascii("GET /health HTTP/1.1\r\nHost: x\r\nX-A: a\u0000b\r\n\r\n"), 400, null);
        raw("space in a header name", ascii("GET /health HTTP/1.1\r\nHost: x\r\nBad Header: x\r\n\r\n"), 400, null);
        raw("unsupported Expect", RawHttp.request("POST", TEXT, "{\"prompt\":\"a\"}", "Expect: tea"), 417,
                "expectation_failed");
    }

    private void oversizedAndSlow() {
        raw("declared 1 GB body", ascii("POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000000\r\n\r\n{"),
                413, "request_too_large");
        raw("declared oversized body with 100-continue", ascii("POST /v1/completions HTTP/1.1\r\nHost: x\r\n"
                + "Content-Length: 1000000\r\nExpect: 100-continue\r\n\r\n"), 413, "request_too_large");
        raw("chunked body past the limit", RawHttp.concat(ascii("POST /v1/completions HTTP/1.1\r\nHost: x\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n"), chunks(BODY_LIMIT * 2)), 413, "request_too_large");
        raw("body past the limit", RawHttp.request("POST", CHAT, "{\"x\":\"" + "a".repeat(BODY_LIMIT) + "\"}"), 413,
                "request_too_large");
        slow("slowloris: half a request line", new byte[][] {ascii("GET /hea")}, 408);
        slow("slowloris: headers never end", new byte[][] {ascii("GET /health HTTP/1.1\r\nHost: x\r\n"),
                ascii("X-A: 1\r\n"), ascii("X-B: 2\r\n")}, 408);
        slow("slowloris: body shorter than its length", new byte[][] {ascii("POST /v1/completions HTTP/1.1\r\nHost: x\r\n"
                + "Content-Length: 100\r\n\r\n{\"prompt\""), ascii(":")}, 408);
        dribble("slowloris: one byte at a time", "POST /v1/completions HTTP/1.1\r\nHost: x\r\n", 12);
        cases.add(new HostileRequest("idle connection", new byte[][] {new byte[0]}, Duration.ZERO, 0, null, null));
    }

    /** Fields accepted and ignored once (now honoured or refused), and bodies in encodings. */
    private void unsupportedFieldsAndEncodings() {
        typed(TEXT, "\"prompt\":\"a\",\"suffix\":\"b\"", "suffix");
        typed(TEXT, "\"prompt\":\"a\",\"best_of\":4", "best_of");
        typed(TEXT, "\"prompt\":\"a\",\"echo\":1", "echo");
        typed(TEXT, "\"prompt\":\"a\",\"x_unknown\":1", "x_unknown");
        typed(TEXT, "\"prompt\":\"a\",\"max_tokens\":1e12", "max_tokens");
        typed(CHAT, "\"messages\":[{\"role\":\"user\",\"content\":null}]", "messages[0].content");
        typed(CHAT, MSG + ",\"echo\":true", "echo");
        String ok = "{\"prompt\":\"Once\",\"max_tokens\":1,\"ignore_eos\":true}";
        raw("Content-Encoding br", RawHttp.request("POST", TEXT, ok, "Content-Encoding: br"), 415,
                "unsupported_content_encoding");
        raw("Content-Encoding gzip on a plain body", RawHttp.request("POST", TEXT, ok, "Content-Encoding: gzip"), 400, null);
        raw("unknown Expect with a request as its body", RawHttp.request("POST", TEXT,
                "GET /v1/models HTTP/1.1\r\nHost: x\r\n\r\n", "Expect: smuggle"), 417, "expectation_failed");
        add("absolute-form target", RawHttp.request("POST", "http://127.0.0.1:1" + TEXT, ok), 200);
    }

    private void add(String name, byte[] raw, int status) {
        add(HostileRequest.of(name, raw, status));
    }

    private void add(String name, byte[] raw, int status, String param) {
        add(HostileRequest.of(name, raw, status).param(param));
    }

    private void add(HostileRequest r) {
        cases.add(r);
    }

    private void raw(String name, byte[] raw, int status, String code) {
        add(HostileRequest.of(name, raw, status).code(code));
    }

    private void typed(String path, String fields, String param) {
        add((path.equals(CHAT) ? "chat " : "completion ") + abbreviate(fields), post(path, "{" + fields + "}"), 400, param);
    }

    private void slow(String name, byte[][] parts, int status) {
        cases.add(new HostileRequest(name, parts, Duration.ofMillis(300), status, "read_timeout", null));
    }

    /** Sends the first {@code bytes} bytes of {@code text} one at a time, 200 ms apart: past the read timeout. */
    private void dribble(String name, String text, int bytes) {
        byte[] all = ascii(text);
        byte[][] parts = new byte[Math.min(bytes, all.length)][];
        for (int i = 0; i < parts.length; i++) parts[i] = new byte[] {all[i]};
        cases.add(new HostileRequest(name, parts, Duration.ofMillis(200), 408, "read_timeout", null));
    }

    private static byte[] post(String path, String body) {
        return RawHttp.request("POST", path, body);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] bytes(String head, byte[] middle, String tail) {
        return RawHttp.concat(RawHttp.concat(head.getBytes(StandardCharsets.UTF_8), middle), tail.getBytes(StandardCharsets.UTF_8));
    }

    private static String[] headers(int n) {
        String[] out = new String[n];
        for (int i = 0; i < n; i++) out[i] = "X-Flood-" + i + ": " + i;
        return out;
    }

    private static byte[] chunks(int total) {
        StringBuilder sb = new StringBuilder();
        for (int sent = 0; sent < total; sent += 1000) sb.append("3e8\r\n").append("a".repeat(1000)).append("\r\n");
        return ascii(sb.append("0\r\n\r\n").toString());
    }

    private static String abbreviate(String s) {
        String one = s.replaceAll("\\p{Cntrl}", "?");
        return one.length() > 40 ? one.substring(0, 40) + "…(" + s.length() + ")" : one;
    }
}
