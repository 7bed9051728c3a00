package org.mirrorsd.models;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.mirrorsd.models.gguf.GgufFile;
import org.mirrorsd.models.io.ModelFormatException;
import org.mirrorsd.models.tokenizer.Tokenizer;
import org.mirrorsd.models.tokenizer.Tokenizers;

/**
 * Just the tokenizer of a model, without mapping its weights: what {@code tokenize} needs, and all that a
 * vocabulary-only GGUF (llama.cpp's {@code ggml-vocab-*.gguf}, no tensors) holds. The tokenizer is built from
 * the GGUF metadata and the file is closed again.
 */
public final class TokenizerLoader {
    private TokenizerLoader() {}

    /**
     * The tokenizer {@code tokenizerPath} names (a GGUF or llama2.c {@code tokenizer.bin}), else the one inside the
     * GGUF {@code model}; llama2.c checkpoints, whose tokenizer needs the vocabulary size from the weights' header,
     * go through {@link ModelLoader}.
     */
    public static Tokenizer load(Path model, Path tokenizerPath) throws IOException {
        return load(model, tokenizerPath, null);
    }

    /** As {@link #load(Path, Path)}; {@code model} may also be a directory or Hub reference, {@code quant} picks. */
    public static Tokenizer load(Path model, Path tokenizerPath, String quant) throws IOException {
        model = ModelLoader.locate(model, quant);
        if (tokenizerPath != null && !Files.isRegularFile(tokenizerPath)) {
            throw new NoSuchFileException(tokenizerPath.toString(), null, "tokenizer file not found");
        }
        Path source = tokenizerPath != null ? tokenizerPath : model;
        if (ModelLoader.isGguf(source)) {
            try (GgufFile gguf = GgufFile.open(source)) {
                if (!gguf.has("tokenizer.ggml.tokens")) {
                    throw new ModelFormatException(source, "no tokenizer in this GGUF (no metadata key"
                            + " 'tokenizer.ggml.tokens'); pass --tokenizer PATH");
                }
                return Tokenizers.fromGguf(gguf);
            }
        }
        try (LoadedModel m = ModelLoader.load(model, tokenizerPath, null, quant)) {
            return m.tokenizer();
        }
    }
}
