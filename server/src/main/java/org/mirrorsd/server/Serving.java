package org.mirrorsd.server;

import java.time.Duration;
import java.util.Map;
import org.mirrorsd.config.SamplingConfig;
import org.mirrorsd.decoding.DecodingEngine;
import org.mirrorsd.server.scheduler.Scheduler;

/**
 * Everything a generation request needs once the model is loaded.
 *
 * @param engines       decoding engines by method name ("ar", "ngram", ...); requests pick one with "decoding"
 * @param defaultMethod the method used when a request does not pick one
 */
public record Serving(ServedModel model, Map<String, DecodingEngine> engines, String defaultMethod,
                      Scheduler scheduler, SamplingConfig samplingDefaults, Duration requestTimeout) {

    public Serving {
        engines = Map.copyOf(engines);
        if (!engines.containsKey(defaultMethod)) {
            throw new IllegalArgumentException("no engine for the default method " + defaultMethod + ": " + engines.keySet());
        }
    }
}
