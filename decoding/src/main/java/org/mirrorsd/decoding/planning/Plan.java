package org.mirrorsd.decoding.planning;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One Mirror-SD step's decision and what it was based on (all times in nanoseconds, predicted).
 *
 * @param kind        SD: the serial step (draft, then the whole target, each on all cores); MIRROR: prefix, then
 *                    suffix and rollouts side by side
 * @param branches    rollouts to launch (0 for SD)
 * @param exitLayer   the early-exit layer ℓₑ of a Mirror step (-1: the engine's only one, or SD)
 * @param hitProbability predicted P(the next window is a precomputed branch)
 * @param sdNanos     predicted SD step
 * @param mirrorNanos predicted Mirror step with {@code branches} rollouts
 * @param explored    taken to measure a cost, not because it was predicted best
 */
public record Plan(Kind kind, int branches, int exitLayer, double hitProbability, double sdNanos, double mirrorNanos,
                   boolean explored) {

    public enum Kind { SD, MIRROR }

    public Placement placement() { return kind == Kind.SD ? Placement.SERIAL : Placement.SPLIT; }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", kind.name().toLowerCase(java.util.Locale.ROOT));
        m.put("placement", placement().key());
        m.put("branches", branches);
        if (exitLayer >= 0) m.put("exit_layer", exitLayer);
        m.put("p_hit", round(hitProbability));
        m.put("predicted_sd_ms", ms(sdNanos));
        m.put("predicted_mirror_ms", ms(mirrorNanos));
        m.put("explored", explored);
        return m;
    }

    private static double round(double v) { return Double.isFinite(v) ? Math.round(v * 1000) / 1000.0 : -1; }

    private static double ms(double nanos) { return Double.isFinite(nanos) ? Math.round(nanos / 1e3) / 1e3 : -1; }
}
