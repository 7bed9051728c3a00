package org.mirrorsd.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import org.mirrorsd.config.ConfigException;
import org.mirrorsd.config.MirrorSdConfig;
import org.mirrorsd.devices.Devices;
import org.mirrorsd.devices.cpu.CpuExecutor;
import org.mirrorsd.devices.LayerExecutor;
import org.mirrorsd.models.LlamaModel;
import org.mirrorsd.models.LoadedModel;
import org.mirrorsd.models.ModelLoader;
import org.mirrorsd.models.tokenizer.Tokenizer;

/**
 * The target (with its tokenizer and chat template) and, when configured, the draft, each on a CPU executor.
 * Model formats (GGUF, llama2.c) are {@link ModelLoader}'s business.
 *
 * @param draft    null without a draft model
 * @param draftCpu null without a draft model
 */
public record LoadedModels(LoadedModel target, LayerExecutor targetCpu, LlamaModel draft, LayerExecutor draftCpu,
                           ServedModel served) implements AutoCloseable {

    public static LoadedModels load(MirrorSdConfig config) throws IOException {
        var mc = config.model();
        LoadedModel target = ModelFiles.load(mc.path(), "--model, model.path", () -> ModelLoader.load(mc.path(),
                mc.tokenizer(), mc.chatTemplate() == null ? null : mc.chatTemplate().key(), mc.quant()));
        LlamaModel draft = null;
        try {
            if (mc.contextLength() != null && mc.contextLength() != target.config().contextLength()) {
                throw new ConfigException("model.context_length: overriding the model's context length ("
                        + target.config().contextLength() + ") is not supported yet");
            }
            if (config.draft().configured()) {
                Path path = config.draft().path();
                draft = ModelFiles.load(path, "--draft, draft.path", () -> ModelLoader.loadWeights(path));
            }
        } catch (RuntimeException e) {
            target.close();
            throw e;
        }
        var dc = config.devices();
        LayerExecutor targetCpu;
        LayerExecutor draftCpu = null;
        try {
            targetCpu = Devices.open("target", dc.target(), target.model(), dc.cpuThreads(), dc.onnxProviders(), dc.required());
            if (draft != null) {
                draftCpu = Devices.open("draft", dc.draft(), draft, dc.effectiveDraftThreads(), dc.onnxProviders(), dc.required());
            }
            // The first request would otherwise wait for the JIT (measured by `bench peer`).
            if (targetCpu instanceof CpuExecutor cpu) cpu.warmUpInBackground();
            if (draftCpu instanceof CpuExecutor cpu) cpu.warmUpInBackground();
        } catch (IOException | RuntimeException e) {
            target.close();
            if (draft != null) draft.close();
            throw e;
        }
        var served = new ServedModel(mc.servedName(), target.tokenizer(), target.chatTemplate(), target.config(),
                decodingStripsLeadingSpace(target.tokenizer()), Instant.now().getEpochSecond());
        return new LoadedModels(target, targetCpu, draft, draftCpu, served);
    }

    /**
     * Whether {@link Tokenizer#decode} drops the first token's leading space (SentencePiece with a space
     * prefix). Probed rather than assumed so streamed text matches {@code decode} for any vocabulary.
     */
    private static boolean decodingStripsLeadingSpace(Tokenizer tokenizer) {
        for (int t = 0; t < tokenizer.vocabularySize(); t++) {
            byte[] b = tokenizer.tokenBytes(t);
            if (b.length > 1 && b[0] == ' ' && b[1] != ' ') {
                return !tokenizer.decode(new int[] {t}).equals(new String(b, StandardCharsets.UTF_8));
            }
        }
        return false;
    }

    /** KV caches open on the target and draft executors. */
    public int openKvCaches() {
        return targetCpu.openCaches() + (draftCpu == null ? 0 : draftCpu.openCaches());
    }

    @Override
    public void close() {
        targetCpu.close();
        if (draftCpu != null) draftCpu.close();
        target.close();
        if (draft != null) draft.close();
    }
}
