package org.mirrorsd.server.openai;

/**
 * An error reported to the client as OpenAI's {@code {"error": {"message", "type", "param", "code"}}} with an
 * HTTP status. Messages are written for clients: never a stack trace, never a secret.
 */
public final class ApiError extends RuntimeException {
    private final int status;
    private final String type;
    private final String param;
    private final String code;

    public ApiError(int status, String message, String type, String param, String code) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
    }

    public static ApiError invalid(String message, String param) {
        return new ApiError(400, message, "invalid_request_error", param, null);
    }

    public static ApiError invalid(String message, String param, String code) {
        return new ApiError(400, message, "invalid_request_error", param, code);
    }

    public static ApiError unauthorized() {
        return new ApiError(401, "Incorrect or missing API key. Send it as 'Authorization: Bearer <key>'.",
                "invalid_request_error", null, "invalid_api_key");
    }

    public static ApiError notFound(String message, String code) {
        return new ApiError(404, message, "invalid_request_error", null, code);
    }

    public static ApiError modelNotFound(String model) {
        return new ApiError(404, "The model '" + model + "' does not exist.", "invalid_request_error", "model",
                "model_not_found");
    }

    public static ApiError methodNotAllowed(String method, String path) {
        return new ApiError(405, "Method " + method + " is not allowed on " + path + ".", "invalid_request_error",
                null, "method_not_allowed");
    }

    public static ApiError tooLarge(long limit) {
        return new ApiError(413, "The request body is larger than the limit of " + limit + " bytes.",
                "invalid_request_error", null, "request_too_large");
    }

    /** The decoded body of a compressed request is over the limit (the limit bounds what the body expands to). */
    public static ApiError decodedTooLarge(long limit) {
        return new ApiError(413, "The request body decodes to more than the limit of " + limit + " bytes.",
                "invalid_request_error", null, "request_too_large");
    }

    public static ApiError unsupportedEncoding(String coding, String fix) {
        return new ApiError(415, "Unsupported Content-Encoding '" + coding + "'; " + fix + ".",
                "invalid_request_error", null, "unsupported_content_encoding");
    }

    public static ApiError readTimeout() {
        return new ApiError(408, "The request was not received in full within the server's read timeout.",
                "invalid_request_error", null, "read_timeout");
    }

    public static ApiError headersTooLarge() {
        return new ApiError(431, "The request headers are too large.", "invalid_request_error", null,
                "headers_too_large");
    }

    public static ApiError uriTooLong() {
        return new ApiError(414, "The request line (URI) is too long.", "invalid_request_error", null,
                "uri_too_long");
    }

    public static ApiError expectationFailed() {
        return new ApiError(417, "Unsupported Expect header; only '100-continue' is understood.",
                "invalid_request_error", null, "expectation_failed");
    }

    public static ApiError httpVersionNotSupported(String version) {
        return new ApiError(505, "HTTP version " + version + " is not supported; use HTTP/1.1.",
                "invalid_request_error", null, "http_version_not_supported");
    }

    public static ApiError busy(String message) {
        return new ApiError(429, message + "; retry later.", "rate_limit_error", null, "rate_limit_exceeded");
    }

    public static ApiError unavailable(String message) {
        return new ApiError(503, message, "server_error", null, "service_unavailable");
    }

    public static ApiError timeout() {
        return new ApiError(504, "The request took longer than the server's request timeout.", "timeout_error",
                null, "request_timeout");
    }

    public static ApiError internal() {
        return new ApiError(500, "The server had an internal error while processing the request.", "server_error",
                null, "internal_error");
    }

    public int status() { return status; }

    public String type() { return type; }

    public String param() { return param; }

    public String code() { return code; }
}
