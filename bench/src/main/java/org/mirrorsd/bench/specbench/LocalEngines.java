package org.mirrorsd.bench.specbench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.mirrorsd.decoding.DecodingEngine;
import org.mirrorsd.decoding.Engines;
import org.mirrorsd.decoding.calibration.Calibration;
import org.mirrorsd.decoding.speculative.SpecOptions;
import org.mirrorsd.devices.cpu.CpuExecutor;
import org.mirrorsd.models.LlamaModel;
import org.mirrorsd.models.LoadedModel;
import org.mirrorsd.models.ModelLoader;

/**
 * The target, the draft and one engine per method, for in-process runs. Each method gets the whole machine:
 * methods that run the target alone (ar, ngram, sd's serial steps) use every core for it, Mirror-SD keeps
 * {@code draftThreads} cores for the draft that runs beside the target (as {@code generate} does).
 */
public final class LocalEngines implements AutoCloseable {
    private final LoadedModel target;
    private final LlamaModel draft;
    private final Map<Integer, CpuExecutor> targetExecs = new TreeMap<>();
    private final CpuExecutor draftExec;
    private final Map<String, DecodingEngine> engines = new LinkedHashMap<>();
    private final Map<String, Integer> threadsByMethod = new LinkedHashMap<>();

    /** @param targetThreads threads of the target for every method; 0 = by method, as described above */
    public static LocalEngines open(Path model, Path tokenizer, Path draftPath, List<String> methods, SpecOptions options,
                                    int targetThreads, int draftThreads) throws IOException {
        return open(model, tokenizer, draftPath, methods, options, targetThreads, draftThreads, null);
    }

    /** @param calibration heads fitted by {@code calibrate} (may be null) */
    public static LocalEngines open(Path model, Path tokenizer, Path draftPath, List<String> methods, SpecOptions options,
                                    int targetThreads, int draftThreads, Calibration calibration) throws IOException {
        for (String m : methods) {
            if (!Engines.METHODS.contains(m)) throw new IllegalArgumentException("unknown method " + m + " (one of " + Engines.METHODS + ")");
            if (needsDraft(m) && draftPath == null) throw new IllegalArgumentException("method " + m + " needs a draft model (--draft PATH)");
        }
        LoadedModel target = ModelLoader.load(model, tokenizer, null);
        LlamaModel draft = null;
        try {
            boolean anyDraft = methods.stream().anyMatch(LocalEngines::needsDraft);
            draft = anyDraft ? ModelLoader.loadWeights(draftPath) : null;
            return new LocalEngines(target, draft, methods, options, targetThreads, draftThreads, calibration);
        } catch (RuntimeException | IOException e) {
            if (draft != null) draft.close();
            target.close();
            throw e;
        }
    }

    private LocalEngines(LoadedModel target, LlamaModel draft, List<String> methods, SpecOptions options,
                         int targetThreads, int draftThreads, Calibration calibration) {
        this.target = target;
        this.draft = draft;
        this.draftExec = draft == null ? null : new CpuExecutor(draft, draftThreads);
        int cores = Runtime.getRuntime().availableProcessors();
        for (String m : methods) {
            int threads = targetThreads > 0 ? targetThreads : m.equals("mirror") ? Math.max(1, cores - draftThreads) : cores;
            CpuExecutor te = targetExecs.computeIfAbsent(threads, t -> new CpuExecutor(target.model(), t));
            threadsByMethod.put(m, threads);
            engines.put(m, Engines.create(m, te, needsDraft(m) ? draftExec : null, options, calibration));
        }
    }

    static boolean needsDraft(String method) { return method.equals("sd") || method.equals("mirror"); }

    public LoadedModel target() { return target; }

    /** The draft, or null when no method needs one. */
    public LlamaModel draft() { return draft; }

    public Map<String, DecodingEngine> engines() { return engines; }

    /** The most prompt tokens that leave room for {@code maxTokens} in every model the methods run. */
    public int promptBudget(int maxTokens) {
        int context = target.config().contextLength();
        if (draft != null) context = Math.min(context, draft.config().contextLength());
        return context - maxTokens;
    }

    /** Threads of each method's target executor, for the report. */
    public Map<String, Integer> targetThreads() { return threadsByMethod; }

    @Override
    public void close() {
        engines.values().forEach(DecodingEngine::close);
        targetExecs.values().forEach(CpuExecutor::close);
        if (draftExec != null) draftExec.close();
        if (draft != null) draft.close();
        target.close();
    }
}
