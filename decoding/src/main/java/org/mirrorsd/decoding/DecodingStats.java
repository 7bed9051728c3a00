package org.mirrorsd.decoding;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Counters of one session (or, summed, of a server): what speculative decoding drafted and got accepted, and
 * where the time of each step went, so the paper's latency law
 * T = T_prefix + T_signal + max(T_suffix, T_draft) + T_verify can be checked against measurements.
 */
public final class DecodingStats {
    public long generated;
    /** Sessions these counters cover (each had one prefill pass, counted in {@link #targetPasses}). */
    public long requests;
    /** Target forward passes after the prompt (verification passes for speculative methods). */
    public long targetPasses;
    public long drafted;
    public long accepted;
    /** Mirror-SD: steps whose draft window came from a precomputed branch. */
    public long branchHits;
    /** Mirror-SD: steps that needed a draft window (hit or miss). */
    public long branchLookups;
    public long prefillNanos;
    /** Prompt positions whose keys and values came from the {@link PrefixCache} instead of a prefill. */
    public long cachedPromptTokens;
    public long targetPrefixNanos;
    public long targetSuffixNanos;
    public long draftNanos;
    /** Time the scheduler waited for the slower pipeline after the faster one finished. */
    public long waitNanos;
    public long totalNanos;
    /** Mirror-SD planner: steps run as the serial SD step, steps run as Mirror steps, and branches launched. */
    public long plannedSdSteps;
    public long plannedMirrorSteps;
    public long plannedBranches;
    /** The latest plan and its inputs (not summed: the last one added wins). */
    public volatile org.mirrorsd.decoding.planning.Plan lastPlan;

    /** Records a step's plan. */
    public void plan(org.mirrorsd.decoding.planning.Plan p) {
        if (p.kind() == org.mirrorsd.decoding.planning.Plan.Kind.SD) plannedSdSteps++;
        else plannedMirrorSteps++;
        plannedBranches += p.branches();
        lastPlan = p;
    }

    /** Mean tokens committed per target pass, the target's own token included (AR = 1). */
    public double meanAcceptedLength() {
        return targetPasses == 0 ? 0 : (double) generated / targetPasses;
    }

    public double acceptanceRate() {
        return drafted == 0 ? 0 : (double) accepted / drafted;
    }

    public double branchHitRate() {
        return branchLookups == 0 ? 0 : (double) branchHits / branchLookups;
    }

    public synchronized void add(DecodingStats o) {
        generated += o.generated;
        requests += o.requests;
        targetPasses += o.targetPasses;
        drafted += o.drafted;
        accepted += o.accepted;
        branchHits += o.branchHits;
        branchLookups += o.branchLookups;
        prefillNanos += o.prefillNanos;
        cachedPromptTokens += o.cachedPromptTokens;
        targetPrefixNanos += o.targetPrefixNanos;
        targetSuffixNanos += o.targetSuffixNanos;
        draftNanos += o.draftNanos;
        waitNanos += o.waitNanos;
        totalNanos += o.totalNanos;
        plannedSdSteps += o.plannedSdSteps;
        plannedMirrorSteps += o.plannedMirrorSteps;
        plannedBranches += o.plannedBranches;
        if (o.lastPlan != null) lastPlan = o.lastPlan;
    }

    /** The figures as an ordered map (for JSON output). */
    public Map<String, Object> toMap(String method) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("method", method);
        m.put("generated", generated);
        m.put("target_passes", targetPasses);
        m.put("drafted", drafted);
        m.put("accepted", accepted);
        m.put("mean_accepted_length", round(meanAcceptedLength()));
        m.put("acceptance_rate", round(acceptanceRate()));
        m.put("branch_hit_rate", round(branchHitRate()));
        if (plannedSdSteps + plannedMirrorSteps > 0) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("sd_steps", plannedSdSteps);
            p.put("mirror_steps", plannedMirrorSteps);
            p.put("mean_branches", plannedMirrorSteps == 0 ? 0 : round((double) plannedBranches / plannedMirrorSteps));
            p.put("mean_window", targetPasses == 0 ? 0 : round((double) drafted / targetPasses));
            if (lastPlan != null) p.put("last", lastPlan.toMap());
            m.put("plan", p);
        }
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("prefill", ms(prefillNanos));
        t.put("target_prefix", ms(targetPrefixNanos));
        t.put("target_suffix", ms(targetSuffixNanos));
        t.put("draft", ms(draftNanos));
        t.put("waiting", ms(waitNanos));
        long accounted = prefillNanos + targetPrefixNanos + targetSuffixNanos + draftNanos + waitNanos;
        t.put("overhead", ms(Math.max(0, totalNanos - accounted)));
        t.put("total", ms(totalNanos));
        m.put("time_ms", t);
        return m;
    }

    private static double round(double v) { return Math.round(v * 1000) / 1000.0; }

    private static double ms(long nanos) { return Math.round(nanos / 1e3) / 1e3; }
}
