package org.mirrorsd.server.openai;

import java.util.List;

/** One generated token with its log-probability and the most likely alternatives at its position. */
public record TokenLogprob(String token, byte[] bytes, float logprob, List<Alternative> top) {

    public record Alternative(String token, byte[] bytes, float logprob) {}
}
