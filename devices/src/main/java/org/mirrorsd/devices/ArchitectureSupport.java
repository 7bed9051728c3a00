package org.mirrorsd.devices;

import java.util.ArrayList;
import java.util.List;
import org.mirrorsd.models.LayerWeights;
import org.mirrorsd.models.LlamaModel;

/**
 * For executors that implement only Llama's forward pass (CUDA, ONNX): refuses, when the executor is placed,
 * a model that needs more, naming what it lacks, so placement falls back to the CPU (or fails when the device
 * is required) instead of computing something else.
 */
public final class ArchitectureSupport {
    private ArchitectureSupport() {}

    /** Throws {@link UnsupportedOperationException} unless {@code model} runs Llama's forward pass exactly. */
    public static void requirePlainLlama(String executor, LlamaModel model) {
        List<String> missing = new ArrayList<>();
        String features = model.config().arch().nonLlamaFeatures();
        if (!features.isEmpty()) missing.add(features);
        for (LayerWeights l : model.weights().layers()) {
            if (!l.llamaOnly()) {
                if (l.qBias() != null || l.kBias() != null || l.vBias() != null) missing.add("q/k/v biases");
                if (l.qNorm() != null || l.kNorm() != null) missing.add("per-head q/k norms");
                if (l.attnPostNorm() != null || l.ffnPostNorm() != null) missing.add("post norms");
                break;
            }
        }
        if (!missing.isEmpty()) {
            throw new UnsupportedOperationException("the " + executor + " executor does not support architecture '"
                    + model.config().arch().name() + "' of " + model.name() + " (" + String.join(", ", missing)
                    + "); run it on cpu");
        }
    }
}
