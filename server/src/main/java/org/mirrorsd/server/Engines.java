package org.mirrorsd.server;

import java.util.LinkedHashMap;
import java.util.Map;
import org.mirrorsd.config.ConfigException;
import org.mirrorsd.config.DecodingConfig;
import org.mirrorsd.decoding.DecodingEngine;
import org.mirrorsd.decoding.ar.AutoregressiveEngine;
import org.mirrorsd.decoding.spec.SpecOptions;
import org.mirrorsd.decoding.spec.SpeculativeEngine;

/**
 * Builds every decoding engine the loaded models allow, so a request can pick one with {@code "decoding"}:
 * "ar" and "ngram" always, "sd" with a draft model. The configured method is the default and must be among
 * them.
 */
public final class Engines {
    private Engines() {}

    public static Map<String, DecodingEngine> build(LoadedModels models, DecodingConfig config) {
        SpecOptions options = new SpecOptions(config.gamma(), config.kappa(),
                config.exitLayer() == null ? -1 : config.exitLayer(),
                config.maxBranches() == null ? 0 : config.maxBranches(), config.ngramMin(), config.ngramMax());
        Map<String, DecodingEngine> engines = new LinkedHashMap<>();
        engines.put("ar", new AutoregressiveEngine(models.targetCpu()));
        engines.put("ngram", SpeculativeEngine.withNgrams(models.targetCpu(), options));
        if (models.draftCpu() != null) {
            engines.put("sd", SpeculativeEngine.withDraftModel(models.targetCpu(), models.draftCpu(), options));
        }
        String method = config.method().key();
        if (!engines.containsKey(method)) {
            engines.values().forEach(DecodingEngine::close);
            throw new ConfigException("decoding.method: '" + method + "' is not available with this setup (available: "
                    + engines.keySet() + ")");
        }
        return engines;
    }
}
