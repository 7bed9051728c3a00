package org.mirrorsd.decoding.planning;

import java.util.ArrayList;
import java.util.List;
import org.mirrorsd.devices.LayerExecutor;
import org.mirrorsd.devices.cpu.CpuExecutor;

/**
 * The executors of each {@link Placement}. On a CPU-only machine the serial placement runs the target and the
 * draft each on all the target's threads, one after the other, and the split placement gives the draft its own
 * threads ({@code --draft-threads}, 1 by default) and the target the rest, so suffix and rollouts never contend
 * for a core (1 + 1 on 2 cores). The siblings are new executors over the same weights (threads only; the
 * kernels are batch- and thread-count-invariant, so any placement gives the same bits). Whichever measures
 * faster is what the planner picks. When the target is not a CPU executor (a GPU, an ONNX session) the given
 * executors are already on different devices: both placements use them as they are.
 */
public final class CorePlacement implements AutoCloseable {
    private final LayerExecutor serialTarget;
    private final LayerExecutor serialDraft;
    private final LayerExecutor splitTarget;
    private final LayerExecutor splitDraft;
    private final boolean disjoint;
    private final List<LayerExecutor> owned;

    private CorePlacement(LayerExecutor serialTarget, LayerExecutor serialDraft, LayerExecutor splitTarget,
                          LayerExecutor splitDraft, boolean disjoint, List<LayerExecutor> owned) {
        this.serialTarget = serialTarget;
        this.serialDraft = serialDraft;
        this.splitTarget = splitTarget;
        this.splitDraft = splitDraft;
        this.disjoint = disjoint;
        this.owned = owned;
    }

    /** The given executors in both placements (FIXED plans, and devices that are not CPU executors). */
    public static CorePlacement asGiven(LayerExecutor target, LayerExecutor draft) {
        return new CorePlacement(target, draft, target, draft, !(target instanceof CpuExecutor), List.of());
    }

    /** Derives both placements from the given executors, on a machine with {@code cores} cores. */
    public static CorePlacement derive(LayerExecutor target, LayerExecutor draft, int cores) {
        if (!(target instanceof CpuExecutor t) || !(draft instanceof CpuExecutor d)) return asGiven(target, draft);
        List<LayerExecutor> owned = new ArrayList<>();
        LayerExecutor serialDraft = d;
        if (d.threads() < t.threads()) {
            serialDraft = new CpuExecutor(d.model(), t.threads());
            owned.add(serialDraft);
        }
        int splitThreads = Math.max(1, Math.min(t.threads(), cores - d.threads()));
        LayerExecutor splitTarget = t;
        if (splitThreads != t.threads()) {
            splitTarget = new CpuExecutor(t.model(), splitThreads);
            owned.add(splitTarget);
        }
        return new CorePlacement(t, serialDraft, splitTarget, d, splitThreads + d.threads() <= cores, owned);
    }

    public LayerExecutor target(Placement p) { return p == Placement.SERIAL ? serialTarget : splitTarget; }

    public LayerExecutor draft(Placement p) { return p == Placement.SERIAL ? serialDraft : splitDraft; }

    /** Whether the split placement's two pipelines have cores (or devices) of their own. */
    public boolean disjoint() { return disjoint; }

    /** "serial: target 2 + draft 2 threads, split: 1 + 1" (or the devices), for logs and stats. */
    public String describe() {
        return "serial: " + threads(serialTarget) + " then " + threads(serialDraft) + "; split: "
                + threads(splitTarget) + " beside " + threads(splitDraft) + (disjoint ? " (disjoint)" : " (shared cores)");
    }

    private static String threads(LayerExecutor e) {
        return e instanceof CpuExecutor c ? c.threads() + (c.threads() == 1 ? " thread" : " threads") : e.describe();
    }

    @Override
    public void close() {
        for (LayerExecutor e : owned) e.close();
    }
}
