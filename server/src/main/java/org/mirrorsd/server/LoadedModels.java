package org.mirrorsd.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.mirrorsd.config.ConfigException;
import org.mirrorsd.config.MirrorSdConfig;
import org.mirrorsd.devices.cpu.CpuExecutor;
import org.mirrorsd.models.LlamaModel;
import org.mirrorsd.models.chat.ChatTemplate;
import org.mirrorsd.models.chat.ChatTemplates;
import org.mirrorsd.models.llama2c.Llama2cLoader;
import org.mirrorsd.models.tokenizer.Tokenizer;
import org.mirrorsd.models.tokenizer.Tokenizers;

/**
 * Loads the target (and the draft, when configured) with their tokenizer and chat template. The only place
 * that knows model file formats: llama2.c {@code .bin} for now; a general loader (GGUF) replaces
 * {@link #loadModel} here.
 *
 * @param draft      null without a draft model
 * @param draftCpu   null without a draft model
 */
public record LoadedModels(LlamaModel target, CpuExecutor targetCpu, LlamaModel draft, CpuExecutor draftCpu,
                           ServedModel served) implements AutoCloseable {

    public static LoadedModels load(MirrorSdConfig config) throws IOException {
        var mc = config.model();
        LlamaModel target = loadModel(mc.path());
        if (mc.contextLength() != null && mc.contextLength() != target.config().contextLength()) {
            target.close();
            throw new ConfigException("model.context_length: overriding the context length is not supported for "
                    + "llama2.c models (the file says " + target.config().contextLength() + ")");
        }
        Tokenizer tokenizer = Tokenizers.fromLlama2cFile(tokenizerPath(mc.path(), mc.tokenizer()),
                target.config().vocabSize());
        ChatTemplate template = mc.chatTemplate() != null
                ? ChatTemplates.byName(mc.chatTemplate().key())
                : ChatTemplates.detect(null, tokenizer);
        CpuExecutor targetCpu = new CpuExecutor(target, config.devices().cpuThreads());
        LlamaModel draft = null;
        CpuExecutor draftCpu = null;
        if (config.draft().configured()) {
            draft = loadModel(config.draft().path());
            draftCpu = new CpuExecutor(draft, config.devices().effectiveDraftThreads());
        }
        var served = new ServedModel(mc.servedName(), tokenizer, template, target.config(),
                decodingStripsLeadingSpace(tokenizer), Instant.now().getEpochSecond());
        return new LoadedModels(target, targetCpu, draft, draftCpu, served);
    }

    private static LlamaModel loadModel(Path path) throws IOException {
        return Llama2cLoader.load(path);
    }

    /** The configured tokenizer, else llama2.c's {@code tokenizer.bin} beside the model. */
    private static Path tokenizerPath(Path model, Path configured) {
        if (configured != null) return configured;
        Path sibling = model.toAbsolutePath().resolveSibling("tokenizer.bin");
        if (!Files.exists(sibling)) {
            throw new ConfigException("model.tokenizer: llama2.c models need a tokenizer file (--tokenizer); "
                    + "no tokenizer.bin beside " + model);
        }
        return sibling;
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

    @Override
    public void close() {
        targetCpu.close();
        if (draftCpu != null) draftCpu.close();
        target.close();
        if (draft != null) draft.close();
    }
}
