package org.mirrorsd.config;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Hugging Face model reference as llama.cpp's {@code -hf} takes it: {@code owner/repo}, optionally
 * {@code :QUANT} (a quant tag such as {@code Q4_K_M}) or {@code @REVISION} before it.
 */
public record HubReference(String repo, String revision, String quant) {
    private static final Pattern REF = Pattern.compile(
            "(?:hf://|hf:)?([A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*)(?:@([A-Za-z0-9._/-]+?))?(?::([A-Za-z0-9._-]+))?");

    public static Optional<HubReference> parse(String text) {
        Matcher m = REF.matcher(text.strip());
        if (!m.matches()) return Optional.empty();
        String repo = m.group(1);
        if (repo.contains("..") || repo.endsWith(".gguf")) return Optional.empty();
        return Optional.of(new HubReference(repo, m.group(2) == null ? "main" : m.group(2), m.group(3)));
    }

    /** {@code owner--repo}, the cache folder's suffix. */
    public String cacheName() {
        return "models--" + repo.replace("/", "--");
    }

    @Override
    public String toString() {
        return repo + ("main".equals(revision) ? "" : "@" + revision) + (quant == null ? "" : ":" + quant);
    }
}
