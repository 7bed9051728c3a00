package org.mirrorsd.models.source;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Where and how to reach the Hugging Face Hub, read from the environment the way {@code huggingface_hub} reads it:
 * {@code HF_ENDPOINT} (a mirror), {@code HF_TOKEN} (else {@code HUGGING_FACE_HUB_TOKEN}, else the token file
 * {@code $HF_HOME/token}), the cache {@code HF_HUB_CACHE} (else {@code $HF_HOME/hub}, else
 * {@code $XDG_CACHE_HOME/huggingface/hub}, else {@code ~/.cache/huggingface/hub}) and {@code HF_HUB_OFFLINE}.
 *
 * @param token null for anonymous access
 */
public record HubSettings(String endpoint, String token, Path cache, boolean offline, Duration timeout) {
    public static final String DEFAULT_ENDPOINT = "https://huggingface.co";

    public HubSettings {
        endpoint = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
    }

    public static HubSettings fromEnvironment() {
        return from(System.getenv(), Path.of(System.getProperty("user.home")));
    }

    static HubSettings from(Map<String, String> env, Path home) {
        Path hfHome = nonBlank(env.get("HF_HOME")) != null ? Path.of(env.get("HF_HOME"))
                : (nonBlank(env.get("XDG_CACHE_HOME")) != null ? Path.of(env.get("XDG_CACHE_HOME")) : home.resolve(".cache"))
                        .resolve("huggingface");
        Path cache = nonBlank(env.get("HF_HUB_CACHE")) != null ? Path.of(env.get("HF_HUB_CACHE")) : hfHome.resolve("hub");
        String token = nonBlank(env.get("HF_TOKEN"));
        if (token == null) token = nonBlank(env.get("HUGGING_FACE_HUB_TOKEN"));
        if (token == null) token = tokenFile(hfHome.resolve("token"));
        String endpoint = nonBlank(env.get("HF_ENDPOINT"));
        String offline = nonBlank(env.get("HF_HUB_OFFLINE"));
        return new HubSettings(endpoint == null ? DEFAULT_ENDPOINT : endpoint, token, cache,
                offline != null && !offline.equals("0") && !offline.equalsIgnoreCase("false"), Duration.ofSeconds(30));
    }

    private static String tokenFile(Path p) {
        try {
            return Files.isRegularFile(p) ? nonBlank(Files.readString(p, StandardCharsets.UTF_8)) : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static String nonBlank(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
