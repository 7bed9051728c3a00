package org.mirrorsd.decoding.mirror;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.mirrorsd.decoding.DecodingEngine;
import org.mirrorsd.decoding.DecodingSession;
import org.mirrorsd.decoding.FusedForward;
import org.mirrorsd.decoding.FusedSteps;
import org.mirrorsd.decoding.GenerationRequest;
import org.mirrorsd.decoding.PrefixCache;
import org.mirrorsd.decoding.StepResult;
import org.mirrorsd.decoding.calibration.Calibration;
import org.mirrorsd.decoding.calibration.LinearHead;
import org.mirrorsd.decoding.planning.AcceptanceModel;
import org.mirrorsd.decoding.planning.CorePlacement;
import org.mirrorsd.decoding.planning.ExitOption;
import org.mirrorsd.decoding.planning.MeasuredCosts;
import org.mirrorsd.decoding.planning.PlanMode;
import org.mirrorsd.decoding.planning.StepPlanner;
import org.slf4j.LoggerFactory;
import org.mirrorsd.decoding.speculative.SpecOptions;
import org.mirrorsd.decoding.speculative.SpeculationLimit;
import org.mirrorsd.devices.LayerExecutor;
import org.mirrorsd.models.LlamaConfig;

/**
 * Mirror Speculative Decoding (Bhendawade et al., arXiv 2510.13161): the target's early-exit signal launches
 * branch-complete draft rollouts on the draft device while the target finishes its suffix layers; when the
 * target's correction token was among the early-exit candidates, the precomputed branch is the next draft.
 *
 * <p>Two pipelines, two executors with disjoint threads: the target runs on the session's thread, the draft
 * on this engine's draft pipeline thread (one per engine: the draft device is a single queue of work).
 */
public final class MirrorEngine implements DecodingEngine {
    private final LayerExecutor target;
    private final LayerExecutor draft;
    private final SpecOptions options;
    private final int exitLayer;
    private final ExecutorService draftPipeline;
    private final LinearHead exitHead;
    private final LinearHead[] lookahead;
    private final PrefixCache prefixes;
    private final FusedForward fused;
    private final SpeculationLimit limit;
    private final MeasuredCosts costs = new MeasuredCosts();
    private final StepPlanner planner;
    private final CorePlacement placement;
    private final List<ExitOption> exits;

    public MirrorEngine(LayerExecutor target, LayerExecutor draft, SpecOptions options) {
        this(target, draft, options, null);
    }

    /** @param calibration fitted heads (may be null); its exit head is used when fitted for this exit layer */
    public MirrorEngine(LayerExecutor target, LayerExecutor draft, SpecOptions options, Calibration calibration) {
        this(target, draft, options, calibration, PrefixCache.disabled());
    }

    /** @param prefixes finished sequences' target KV, shared with the other engines on this target */
    public MirrorEngine(LayerExecutor target, LayerExecutor draft, SpecOptions options, Calibration calibration,
                        PrefixCache prefixes) {
        this.prefixes = prefixes;
        this.fused = new FusedForward(target);
        this.limit = new SpeculationLimit(options.maxSpeculativeSequences());
        if (target.config().vocabSize() != draft.config().vocabSize()) {
            throw new IllegalArgumentException("draft vocabulary (" + draft.config().vocabSize()
                    + ") differs from the target's (" + target.config().vocabSize() + ")");
        }
        this.target = target;
        this.draft = draft;
        this.options = options;
        this.exitLayer = options.exitLayerFor(target.config().layers());
        if (calibration != null && calibration.exitHead() != null && calibration.exitLayer() != exitLayer) {
            LoggerFactory.getLogger(MirrorEngine.class).warn("calibrated exit head is for layer {}, not {}: not used",
                    calibration.exitLayer(), exitLayer);
        }
        this.exitHead = calibration != null && calibration.exitLayer() == exitLayer ? calibration.exitHead() : null;
        this.lookahead = calibration == null ? null : calibration.lookahead();
        if (exitHead != null && exitHead.dim() != target.config().dim()) {
            throw new IllegalArgumentException("calibrated exit head has width " + exitHead.dim() + ", the target " + target.config().dim());
        }
        this.planner = new StepPlanner(options.plan(), costs, new AcceptanceModel(), options.gamma());
        this.exits = exitOptions(target.config().layers());
        this.placement = options.plan() == PlanMode.AUTO
                ? CorePlacement.derive(target, draft, Runtime.getRuntime().availableProcessors())
                : CorePlacement.asGiven(target, draft);
        LoggerFactory.getLogger(MirrorEngine.class).info("mirror: {} plan, placements {}", options.plan().key(),
                placement.describe());
        this.draftPipeline = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "mirror-draft-pipeline");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * The early exits the planner chooses between: the calibrated layer when a head was fitted, the given
     * layer when one was set, the paper's L/2 under a fixed plan; planned and free, L/4, L/2 and 3L/4 (each
     * measured for its own costs and hit rate). The configured (or calibrated) layer comes first.
     */
    private List<ExitOption> exitOptions(int layers) {
        List<Integer> layersToTry = new ArrayList<>();
        layersToTry.add(exitLayer);
        if (options.plan() == PlanMode.AUTO && exitHead == null && options.exitLayer() < 0) {
            for (int e : new int[] {layers / 4, (3 * layers) / 4}) {
                if (e >= 1 && e < layers && !layersToTry.contains(e)) layersToTry.add(e);
            }
        }
        List<ExitOption> out = new ArrayList<>();
        for (int e : layersToTry) out.add(ExitOption.of(e, new MeasuredCosts(), costs));
        return List.copyOf(out);
    }

    /** The early-exit layers the planner may choose from (the first is the configured one). */
    public List<ExitOption> exits() { return exits; }

    @Override
    public String method() { return "mirror"; }

    @Override
    public LlamaConfig targetConfig() { return target.config(); }

    public int exitLayer() { return exitLayer; }

    public SpecOptions options() { return options; }

    /** This engine's planner (its measured costs and acceptance), shared by its sessions. */
    public StepPlanner planner() { return planner; }

    public CorePlacement placement() { return placement; }

    @Override
    public MirrorSession open(GenerationRequest request) {
        return new MirrorSession(request, target, draft, options, exitLayer, exitHead, lookahead, draftPipeline, prefixes,
                limit, planner, costs, placement, exits);
    }

    /** Mirror steps fuse only under load, when they are plain ones; with no load limit they never do. */
    @Override
    public int maxFusedSessions() {
        return limit.isSet() ? FusedSteps.MAX_SESSIONS : 1;
    }

    /**
     * Under load (every session stepping plainly) one fused target pass serves them all; otherwise each runs
     * its own two-pipeline step.
     */
    @Override
    public List<StepResult> stepTogether(List<? extends DecodingSession> sessions) {
        List<MirrorSession> ours = FusedSteps.ours(sessions, MirrorSession.class, s -> s.limitedBy(limit));
        if (ours.size() > 1 && limit.exceeded()) return FusedSteps.step(ours, fused);
        List<StepResult> results = new ArrayList<>(ours.size());
        for (MirrorSession s : ours) results.add(s.step());
        return results;
    }

    /** For callers that only know the interface. */
    public DecodingSession openSession(GenerationRequest request) { return open(request); }

    @Override
    public void close() {
        draftPipeline.shutdownNow();
        placement.close();
    }
}
