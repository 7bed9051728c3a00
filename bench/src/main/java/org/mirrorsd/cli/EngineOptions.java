package org.mirrorsd.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.mirrorsd.config.cli.CommandLine;
import org.mirrorsd.config.cli.ParsedArgs;
import org.mirrorsd.config.cli.UsageException;
import org.mirrorsd.decoding.DecodingEngine;
import org.mirrorsd.decoding.Engines;
import org.mirrorsd.decoding.calibration.Calibration;
import org.mirrorsd.decoding.speculative.SpecOptions;
import org.mirrorsd.config.DevicePlacement;
import org.mirrorsd.devices.Devices;
import org.mirrorsd.devices.LayerExecutor;
import org.mirrorsd.models.LoadedModel;
import org.mirrorsd.models.LlamaModel;
import org.mirrorsd.models.ModelLoader;
import org.mirrorsd.server.ModelFiles;

/** The model, draft and decoding flags that generate and bench share, and what they build. */
final class EngineOptions implements AutoCloseable {
    static CommandLine.Builder declare(CommandLine.Builder b) {
        return b.option("model", "PATH", "target model: GGUF or llama2.c .bin, a directory of GGUFs, or a Hugging Face owner/repo[:QUANT]")
                .option("quant", "TAG", "quant tag that picks the GGUF in a directory or repository (e.g. Q4_K_M)")
                .option("tokenizer", "PATH", "tokenizer (default: inside the GGUF, or tokenizer.bin / tok<vocab>.bin beside the model)")
                .option("decoding", "METHOD", "ar | sd | ngram | mirror (default ar)")
                .option("draft", "PATH", "draft model for sd and mirror")
                .option("gamma", "N", "draft window (default 7)")
                .option("kappa", "K", "Mirror-SD early-exit candidates per position (default 8)")
                .option("exit-layer", "L", "Mirror-SD early-exit layer (default layers/2)")
                .option("max-branches", "B", "Mirror-SD cap on branch rollouts, most probable first (default all)")
                .option("plan", "MODE", "auto (default: draft length, branches and placement planned each step from measured costs) | paper (the paper's fixed γ 7, κ 8, ℓₑ L/2, all branches) | fixed (the given --gamma/--kappa/--max-branches every step)")
                .option("calibration", "FILE", "heads fitted by `calibrate` (exit head, lookahead heads)")
                .option("threads", "N", "CPU threads of the target executor (default: cores; with --plan paper, cores minus the draft's)")
                .option("draft-threads", "N", "CPU threads of the draft executor (default 1)")
                .option("target-device", "DEVICE", "cpu (default) | onnx | cuda (falls back to cpu when unavailable)")
                .option("draft-device", "DEVICE", "cpu (default) | onnx (the draft on an ONNX Runtime session)")
                .option("onnx-providers", "LIST", "ONNX Runtime execution providers in order (default QNN,OpenVINO,CoreML,NNAPI,XNNPACK,CPU)");
    }

    final LoadedModel target;
    final LlamaModel draftModel;
    final LayerExecutor targetExec;
    final LayerExecutor draftExec;
    final DecodingEngine engine;
    final String method;

    EngineOptions(ParsedArgs a) throws IOException {
        Path model = a.pathValue("model").orElseThrow(() -> new UsageException("--model PATH is required"));
        method = a.value("decoding", "ar");
        if (!Engines.METHODS.contains(method)) throw new UsageException("--decoding must be one of " + Engines.METHODS);
        org.mirrorsd.decoding.planning.PlanMode plan;
        try {
            plan = org.mirrorsd.decoding.planning.PlanMode.parse(a.value("plan", "auto"));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--plan: " + e.getMessage());
        }
        SpecOptions o = SpecOptions.defaults().withPlan(plan);
        if (a.has("gamma")) o = o.withGamma(a.intValue("gamma", 7));
        if (a.has("kappa")) o = o.withKappa(a.intValue("kappa", 8));
        if (a.has("exit-layer")) o = o.withExitLayer(a.intValue("exit-layer", -1));
        if (a.has("max-branches")) o = o.withMaxBranches(a.intValue("max-branches", 0));
        boolean needsDraft = method.equals("sd") || method.equals("mirror");
        if (needsDraft && !a.has("draft")) throw new UsageException("--decoding " + method + " needs --draft PATH");
        int cores = Runtime.getRuntime().availableProcessors();
        int draftThreads = a.intValue("draft-threads", 1);
        // Planned, the target gets every core and the planner splits them when that measures faster; fixed (the
        // paper's schedule) the draft keeps its own cores throughout.
        boolean splitUpFront = method.equals("mirror") && plan == org.mirrorsd.decoding.planning.PlanMode.FIXED;
        int threads = a.intValue("threads", splitUpFront ? Math.max(1, cores - draftThreads) : cores);
        Path tokenizer = a.pathValue("tokenizer").orElse(null);
        String quant = a.value("quant", null);
        target = ModelFiles.load(model, "--model", () -> ModelLoader.load(model, tokenizer, null, quant));
        LlamaModel d = null;
        LayerExecutor de = null;
        java.util.List<String> providers = a.has("onnx-providers")
                ? java.util.List.of(a.value("onnx-providers", "").split(",")) : java.util.List.of();
        try {
            if (needsDraft) {
                Path draftPath = a.pathValue("draft").get();
                d = ModelFiles.load(draftPath, "--draft", () -> ModelLoader.loadWeights(draftPath));
                de = Devices.open("draft", placement(a, "draft-device"), d, draftThreads, providers, false);
            }
            targetExec = Devices.open("target", placement(a, "target-device"), target.model(), threads, providers, false);
            Calibration calibration = a.has("calibration") ? Calibration.load(a.pathValue("calibration").get()) : null;
            engine = Engines.create(method, targetExec, de, o, calibration);
        } catch (RuntimeException e) {
            if (de != null) de.close();
            if (d != null) d.close();
            target.close();
            throw e;
        }
        draftModel = d;
        draftExec = de;
    }

    private static DevicePlacement placement(ParsedArgs a, String option) {
        try {
            return DevicePlacement.parse(a.value(option, "cpu"));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--" + option + ": " + e.getMessage());
        }
    }

    @Override
    public void close() {
        engine.close();
        targetExec.close();
        if (draftExec != null) draftExec.close();
        if (draftModel != null) draftModel.close();
        target.close();
    }
}
