package org.mirrorsd.models;

import java.nio.file.Path;
import java.util.Map;

/**
 * A loaded Llama-family model: its shape, its weights (slices of a memory mapping) and the file's metadata.
 * Closing it unmaps the file; no tensor may be used afterwards.
 *
 * @param metadata format-specific key/values (GGUF metadata; empty for llama2.c files)
 */
public record LlamaModel(Path path, ModelFormat format, LlamaConfig config, LlamaWeights weights,
                         Map<String, Object> metadata, AutoCloseable resources) implements AutoCloseable {

    public String name() {
        String file = path.getFileName().toString();
        int dot = file.lastIndexOf('.');
        return dot > 0 ? file.substring(0, dot) : file;
    }

    /** Number of weight parameters (embedding, layers, classifier when not shared). */
    public long parameterCount() {
        long n = weights.tokenEmbedding().size();
        for (LayerWeights l : weights.layers()) {
            n += l.wq().size() + l.wk().size() + l.wv().size() + l.wo().size() + l.w1().size() + l.w2().size()
                    + l.w3().size() + l.vectorParameters();
        }
        if (weights.classifier() != weights.tokenEmbedding()) n += weights.classifier().size();
        return n + weights.finalNorm().length;
    }

    @Override
    public void close() {
        try {
            resources.close();
        } catch (Exception e) {
            throw new IllegalStateException("closing " + path, e);
        }
    }
}
