package org.mirrorsd.decoding;

import org.mirrorsd.models.LlamaConfig;

/** A decoding method bound to its models and devices; opens one session per request. */
public interface DecodingEngine extends AutoCloseable {

    /** "ar", "sd", "ngram" or "mirror". */
    String method();

    LlamaConfig targetConfig();

    DecodingSession open(GenerationRequest request);

    /** Releases executors owned by this engine (not the models, which the caller loaded). */
    @Override
    void close();
}
