package org.mirrorsd.models;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.mirrorsd.models.chat.ChatTemplate;
import org.mirrorsd.models.chat.ChatTemplates;
import org.mirrorsd.models.gguf.GgufFile;
import org.mirrorsd.models.gguf.GgufLlamaLoader;
import org.mirrorsd.models.io.ModelFormatException;
import org.mirrorsd.models.llama2c.Llama2cLoader;
import org.mirrorsd.models.source.ModelLocator;
import org.mirrorsd.models.tokenizer.Tokenizer;
import org.mirrorsd.models.tokenizer.Tokenizers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens any supported model file: GGUF (by its magic) or a llama2.c checkpoint, with its tokenizer (inside
 * the GGUF, or a llama2.c {@code tokenizer.bin}: the one given, else {@code tokenizer.bin} or
 * {@code tok<vocab>.bin} beside the model) and its chat template.
 */
public final class ModelLoader {
    private static final Logger log = LoggerFactory.getLogger(ModelLoader.class);
    private static final int GGUF_MAGIC = 0x46554747; // "GGUF" little-endian

    private ModelLoader() {}

    /** Just the weights; {@code path} may also be a directory or a Hub reference ({@link ModelLocator}). */
    public static LlamaModel loadWeights(Path path) throws IOException {
        return loadWeights(path, null);
    }

    /** @param quant the quant tag that picks the GGUF in a directory or repository; null for the default */
    public static LlamaModel loadWeights(Path path, String quant) throws IOException {
        Path file = locate(path, quant);
        return isGguf(file) ? GgufLlamaLoader.load(file) : Llama2cLoader.load(file);
    }

    /** The local model file {@code path} names: itself, a GGUF in that directory, or a Hub download. */
    public static Path locate(Path path, String quant) throws IOException {
        if (Files.isRegularFile(path)) return path;
        return ModelLocator.fromEnvironment().locate(path.toString(), quant);
    }

    /** Weights, tokenizer and chat template; {@code tokenizerPath} may be null. */
    public static LoadedModel load(Path path, Path tokenizerPath, String chatTemplateName) throws IOException {
        return load(path, tokenizerPath, chatTemplateName, null);
    }

    /** As {@link #load(Path, Path, String)}, choosing among several GGUFs by {@code quant}. */
    public static LoadedModel load(Path path, Path tokenizerPath, String chatTemplateName, String quant) throws IOException {
        long t0 = System.nanoTime();
        path = locate(path, quant);
        LlamaModel model = loadWeights(path);
        try {
            Tokenizer tokenizer = tokenizer(model, path, tokenizerPath);
            if (tokenizer.vocabularySize() != model.config().vocabSize()) {
                throw new ModelFormatException(path, "tokenizer has " + tokenizer.vocabularySize()
                        + " tokens but the model's vocabulary is " + model.config().vocabSize());
            }
            ChatTemplate template = chatTemplateName != null ? ChatTemplates.byName(chatTemplateName)
                    : ChatTemplates.detect((String) model.metadata().get("tokenizer.chat_template"), tokenizer);
            log.info("loaded {} ({}, {} layers, dim {}, vocab {}, context {}, {} MB of weights) in {} ms", path,
                    model.format(), model.config().layers(), model.config().dim(), model.config().vocabSize(),
                    model.config().contextLength(), model.weights().bytesPerToken() >> 20,
                    (System.nanoTime() - t0) / 1_000_000);
            return new LoadedModel(model, tokenizer, template);
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
    }

    private static Tokenizer tokenizer(LlamaModel model, Path path, Path explicit) throws IOException {
        if (explicit != null) return fromFile(explicit, model.config().vocabSize());
        if (model.format() == ModelFormat.GGUF && model.resources() instanceof GgufFile gguf
                && gguf.has("tokenizer.ggml.tokens")) {
            return Tokenizers.fromGguf(gguf);
        }
        Path dir = path.toAbsolutePath().getParent();
        List<Path> tried = new ArrayList<>();
        for (String name : List.of("tokenizer.bin", "tok" + model.config().vocabSize() + ".bin",
                model.config().vocabSize() == 32000 ? "llama2-tokenizer.bin" : "tokenizer.bin")) {
            Path candidate = dir.resolve(name);
            if (Files.isRegularFile(candidate)) return fromFile(candidate, model.config().vocabSize());
            tried.add(candidate);
        }
        throw new NoSuchFileException(path.toString(), null,
                "no tokenizer inside the model and none beside it (tried " + tried + "); pass --tokenizer PATH");
    }

    private static Tokenizer fromFile(Path p, int vocab) throws IOException {
        if (isGguf(p)) {
            GgufFile g = GgufFile.open(p);
            return Tokenizers.fromGguf(g); // small vocab-only file: kept mapped for the process lifetime
        }
        return Tokenizers.fromLlama2cFile(p, vocab);
    }

    static boolean isGguf(Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(path)) {
            ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
            return ch.read(b, 0) == 4 && b.getInt(0) == GGUF_MAGIC;
        }
    }
}
