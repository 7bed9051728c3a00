package org.mirrorsd.server;

import java.util.LinkedHashMap;
import java.util.Map;
import org.mirrorsd.config.ConfigException;
import org.mirrorsd.config.DecodingConfig;
import org.mirrorsd.decoding.DecodingEngine;
import org.mirrorsd.decoding.Engines;
import org.mirrorsd.decoding.PrefixCache;
import org.mirrorsd.decoding.calibration.Calibration;
import org.mirrorsd.decoding.planning.PlanMode;
import org.mirrorsd.decoding.speculative.SpecOptions;

/**
 * Every decoding engine the loaded models allow, so a request can pick one with {@code "decoding"}: "ar" and
 * "ngram" always, "sd" and "mirror" when a draft model is loaded. The configured method is the default and
 * must be among them.
 */
public final class EngineSet {
    private EngineSet() {}

    /** @param prefixes finished sequences' target KV, shared by all the engines */
    public static Map<String, DecodingEngine> build(LoadedModels models, DecodingConfig config, PrefixCache prefixes) {
        SpecOptions options = new SpecOptions(config.gamma(), config.kappa(),
                config.exitLayer() == null ? -1 : config.exitLayer(),
                config.maxBranches() == null ? 0 : config.maxBranches(), config.ngramMin(), config.ngramMax(),
                config.speculativeMaxSequences() == null ? 0 : config.speculativeMaxSequences())
                .withPlan(PlanMode.parse(config.planOrDefault()));
        Calibration calibration = null;
        if (config.calibration() != null) {
            try {
                calibration = Calibration.load(config.calibration());
            } catch (java.io.IOException e) {
                throw new ConfigException("decoding.calibration: cannot read " + config.calibration() + ": " + e.getMessage());
            }
        }
        Map<String, DecodingEngine> engines = new LinkedHashMap<>();
        for (String method : Engines.METHODS) {
            boolean needsDraft = method.equals("sd") || method.equals("mirror");
            if (needsDraft && models.draftCpu() == null) continue;
            engines.put(method, Engines.create(method, models.targetCpu(), models.draftCpu(), options, calibration, prefixes));
        }
        String method = config.method().key();
        if (!engines.containsKey(method)) {
            engines.values().forEach(DecodingEngine::close);
            throw new ConfigException("decoding.method: '" + method + "' needs a draft model (draft.path, --draft);"
                    + " available without one: " + engines.keySet());
        }
        return engines;
    }
}
