package org.mirrorsd.server.openai;

/**
 * The legacy {@code /v1/completions} fields beyond sampling: {@code echo} is honoured; {@code best_of} only
 * where it changes nothing ({@code best_of == n}) and {@code suffix} only empty, both refused otherwise with a
 * 400 naming them (no fill-in-the-middle, no server-side reranking here).
 */
final class LegacyCompletionFields {
    private LegacyCompletionFields() {}

    /** Whether the prompt is echoed before the completion (with its tokens' logprobs when those are asked). */
    static boolean echo(RequestFields f) {
        return Boolean.TRUE.equals(f.bool("echo"));
    }

    static void refuseSuffix(RequestFields f) {
        String suffix = f.string("suffix");
        if (suffix != null && !suffix.isEmpty()) {
            throw ApiError.invalid("'suffix' (fill-in-the-middle) is not supported by this server.", "suffix",
                    "unsupported_parameter");
        }
    }

    static void bestOf(RequestFields f, int n) {
        Integer bestOf = f.integer("best_of", 1, CompletionRequestParser.MAX_CHOICES);
        if (bestOf == null || bestOf == n) return;
        if (bestOf < n) throw ApiError.invalid("'best_of' must be >= 'n' (" + n + "), got " + bestOf + ".", "best_of");
        throw ApiError.invalid("'best_of' > 'n' is not supported: ask for n = " + bestOf + " choices with logprobs and"
                + " rank them by their summed token logprobs.", "best_of", "unsupported_parameter");
    }
}
