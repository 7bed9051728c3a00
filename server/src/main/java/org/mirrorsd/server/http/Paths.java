package org.mirrorsd.server.http;

import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.Set;

/** The server's paths, and the label each request is counted under in the metrics. */
public final class Paths {
    public static final String CHAT = "/v1/chat/completions";
    public static final String COMPLETIONS = "/v1/completions";
    public static final String MODELS = "/v1/models";
    /** {@code /v1/models/{id}}: one model; everything after the slash is the id. */
    public static final String MODEL_PREFIX = MODELS + "/";
    private static final String MODEL_LABEL = MODELS + "/{id}";
    public static final String HEALTH = "/health";
    public static final String METRICS = "/metrics";
    private static final Set<String> KNOWN = Set.of(CHAT, COMPLETIONS, MODELS, HEALTH, METRICS);

    private Paths() {}

    /**
     * The path without query string or trailing slash. An absolute-form target ({@code http://host:port/path},
     * RFC 9112 §3.2.2) names its path after the authority; the authority itself is not checked (no proxying).
     */
    public static String of(String uri) {
        String path = new QueryStringDecoder(originForm(uri)).path();
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    private static String originForm(String uri) {
        int scheme = uri.regionMatches(true, 0, "http://", 0, 7) ? 7 : uri.regionMatches(true, 0, "https://", 0, 8) ? 8 : 0;
        if (scheme == 0) return uri;
        int slash = uri.indexOf('/', scheme);
        int query = uri.indexOf('?', scheme);
        if (slash < 0 || (query >= 0 && query < slash)) return "/" + (query >= 0 ? uri.substring(query) : "");
        return uri.substring(slash);
    }

    /** A bounded label: unknown paths share one, so clients cannot blow up the metric's cardinality. */
    public static String label(String path) {
        if (KNOWN.contains(path)) return path;
        return path.startsWith(MODEL_PREFIX) ? MODEL_LABEL : "other";
    }

    /** Paths behind the API key; health and metrics stay open for probes and scrapers. */
    public static boolean needsKey(String path) {
        return path.startsWith("/v1/");
    }
}
