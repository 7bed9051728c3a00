package org.mirrorsd.decoding;

import java.util.List;
import org.mirrorsd.decoding.ar.AutoregressiveEngine;
import org.mirrorsd.decoding.calibration.Calibration;
import org.mirrorsd.decoding.mirror.MirrorEngine;
import org.mirrorsd.decoding.speculative.SpecOptions;
import org.mirrorsd.decoding.speculative.SpeculativeEngine;
import org.mirrorsd.devices.LayerExecutor;

/** Builds a decoding engine by method name: ar, sd, ngram or mirror. */
public final class Engines {
    public static final List<String> METHODS = List.of("ar", "sd", "ngram", "mirror");

    private Engines() {}

    /** @param draft the draft executor, needed by sd and mirror (may be null otherwise) */
    public static DecodingEngine create(String method, LayerExecutor target, LayerExecutor draft, SpecOptions options) {
        return create(method, target, draft, options, null);
    }

    /** @param calibration heads fitted by {@code calibrate} (may be null) */
    public static DecodingEngine create(String method, LayerExecutor target, LayerExecutor draft, SpecOptions options,
                                        Calibration calibration) {
        return create(method, target, draft, options, calibration, PrefixCache.disabled());
    }

    /** @param prefixes finished sequences' target KV, shared by the engines of one target */
    public static DecodingEngine create(String method, LayerExecutor target, LayerExecutor draft, SpecOptions options,
                                        Calibration calibration, PrefixCache prefixes) {
        return switch (method) {
            case "ar" -> new AutoregressiveEngine(target, prefixes);
            case "ngram" -> SpeculativeEngine.withNgrams(target, options, prefixes);
            case "sd" -> SpeculativeEngine.withDraftModel(target, requireDraft(method, draft), options,
                    calibration == null ? null : calibration.lookahead(), prefixes);
            case "mirror" -> new MirrorEngine(target, requireDraft(method, draft), options, calibration, prefixes);
            default -> throw new IllegalArgumentException("unknown decoding method '" + method + "' (one of " + METHODS + ")");
        };
    }

    private static LayerExecutor requireDraft(String method, LayerExecutor draft) {
        if (draft == null) throw new IllegalArgumentException("--decoding " + method + " needs a draft model (--draft PATH)");
        return draft;
    }
}
