package org.mirrorsd.models.tokenizer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.mirrorsd.models.gguf.GgufFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds tokenizers from GGUF metadata or from llama2.c's {@code tokenizer.bin}. */
public final class Tokenizers {
    private static final Logger LOG = LoggerFactory.getLogger(Tokenizers.class);

    private Tokenizers() {}

    /**
     * The tokenizer stored in a GGUF file: {@code tokenizer.ggml.model} "llama" (SentencePiece) or "gpt2"
     * (byte-level BPE).
     */
    public static Tokenizer fromGguf(GgufFile gguf) {
        String model = gguf.getString("tokenizer.ggml.model");
        String[] tokens = gguf.getStringArray("tokenizer.ggml.tokens");
        int n = tokens.length;
        float[] scores = gguf.getOptionalFloatArray("tokenizer.ggml.scores").orElseGet(() -> new float[n]);
        int[] typeIds = gguf.getOptionalIntArray("tokenizer.ggml.token_type").orElse(null);
        checkLength(gguf, "tokenizer.ggml.scores", scores.length, n);
        TokenType[] types = new TokenType[n];
        if (typeIds == null) {
            Arrays.fill(types, TokenType.NORMAL);
        } else {
            checkLength(gguf, "tokenizer.ggml.token_type", typeIds.length, n);
            for (int i = 0; i < n; i++) {
                types[i] = TokenType.byId(typeIds[i]);
                if (types[i] == null) {
                    throw new IllegalArgumentException(gguf.path() + ": metadata key 'tokenizer.ggml.token_type' has"
                            + " unknown type " + typeIds[i] + " for token " + i);
                }
            }
        }
        boolean spm = switch (model) {
            case "llama" -> true;
            case "gpt2" -> false;
            default -> throw new IllegalArgumentException(gguf.path() + ": metadata key 'tokenizer.ggml.model' is '"
                    + model + "'; supported: 'llama' (SentencePiece), 'gpt2' (byte-level BPE)");
        };
        PreTokenizer pre = spm ? null : preTokenizer(gguf);

        // llama.cpp names empty tokens so that they cannot collide in the reverse lookup.
        String[] pieces = tokens.clone();
        for (int i = 0; i < n; i++) if (pieces[i].isEmpty()) pieces[i] = "[EMPTY_" + i + "]";
        SpecialTexts.fixTypes(gguf.path().toString(), pieces, types, gguf.has("tokenizer.ggml.eot_token_id"));
        Vocabulary vocab = new Vocabulary(pieces, scores, types);

        int bos = tokenId(gguf, "tokenizer.ggml.bos_token_id", spm ? 1 : -1, n);
        int eos = tokenId(gguf, "tokenizer.ggml.eos_token_id", spm ? 2 : -1, n);
        int unk = tokenId(gguf, "tokenizer.ggml.unknown_token_id", spm ? 0 : -1, n);
        int pad = tokenId(gguf, "tokenizer.ggml.padding_token_id", -1, n);
        int eot = tokenId(gguf, "tokenizer.ggml.eot_token_id", -1, n);
        int eom = tokenId(gguf, "tokenizer.ggml.eom_token_id", -1, n);
        if (eot < 0) {
            for (String text : SpecialTexts.EOT) {
                int id = vocab.id(text);
                if (id >= 0) { eot = id; break; }
            }
        }
        boolean addBos = gguf.getBoolean("tokenizer.ggml.add_bos_token", spm || pre.addBos());
        boolean addEos = gguf.getBoolean("tokenizer.ggml.add_eos_token", false);

        Set<Integer> eog = new HashSet<>();
        for (int id : new int[] {eos, eot, eom}) if (id >= 0) eog.add(id);
        for (String text : SpecialTexts.EOG) addIfPresent(vocab, text, eog);
        SpecialTokens special = new SpecialTokens(bos, eos, eot, unk, pad, addBos, addEos, controlTokens(vocab), eog);

        String name = gguf.getOptionalString("general.name").orElse("").toLowerCase(Locale.ROOT);
        SpecialTokenSplitter splitter = new SpecialTokenSplitter(vocab, rstripTokens(vocab, name));

        LOG.debug("{}: {} tokenizer, {} tokens, bos={} eos={} eot={}", gguf.path(), model, n, bos, eos, eot);
        if (spm) {
            boolean addSpacePrefix = gguf.getBoolean("tokenizer.ggml.add_space_prefix", true);
            return new SentencePieceTokenizer(vocab, special, splitter, addSpacePrefix);
        }
        boolean addSpacePrefix = gguf.getBoolean("tokenizer.ggml.add_space_prefix", false);
        return new BytePairTokenizer(vocab, special, splitter, mergeRanks(gguf), pre, addSpacePrefix);
    }

    /** {@code tokenizer.ggml.pre}; a file without one gets llama.cpp's default, with its warning. */
    private static PreTokenizer preTokenizer(GgufFile gguf) {
        String name = gguf.getOptionalString("tokenizer.ggml.pre").orElse(null);
        if (name == null || name.isEmpty()) {
            LOG.warn("{}: no pre-tokenizer type (tokenizer.ggml.pre); using 'default' as llama.cpp does:"
                    + " tokenization may differ from the model's training", gguf.path());
            return PreTokenizer.missing();
        }
        try {
            return PreTokenizer.forName(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(gguf.path() + ": " + e.getMessage(), e);
        }
    }

    /**
     * llama2.c's {@code tokenizer.bin}: int32 max token length, then per token float32 score, int32 length and
     * the UTF-8 bytes. The vocabulary size is not stored, so the caller passes it (from the model header); a file
     * with bytes left over or missing is refused. Ids 0, 1, 2 are {@code <unk>}, {@code <s>}, {@code </s>}.
     */
    public static Tokenizer fromLlama2cFile(Path path, int vocabSize) throws IOException {
        if (vocabSize < 3) {
            throw new IllegalArgumentException(path + ": vocabulary size " + vocabSize + " is too small");
        }
        ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(path)).order(ByteOrder.LITTLE_ENDIAN);
        String[] pieces = new String[vocabSize];
        float[] scores = new float[vocabSize];
        TokenType[] types = new TokenType[vocabSize];
        need(path, in, 4, "max_token_length");
        int maxTokenLength = in.getInt();
        for (int i = 0; i < vocabSize; i++) {
            need(path, in, 8, "token " + i + " score and length");
            scores[i] = in.getFloat();
            int length = in.getInt();
            if (length < 0 || length > maxTokenLength) {
                throw new IllegalArgumentException(path + ": token " + i + " has length " + length
                        + " (max_token_length is " + maxTokenLength + ")");
            }
            need(path, in, length, "token " + i + " bytes");
            byte[] bytes = new byte[length];
            in.get(bytes);
            // llama2.c's export turned SentencePiece's '▁' into ' '; turn it back so the SPM algorithm applies.
            pieces[i] = new String(bytes, StandardCharsets.UTF_8).replace(' ', '\u2581');
            types[i] = VocabularyTokenizer.parseByteToken(pieces[i]) != null ? TokenType.BYTE : TokenType.NORMAL;
        }
        if (in.hasRemaining()) {
            throw new IllegalArgumentException(path + ": " + in.remaining() + " bytes left after " + vocabSize
                    + " tokens: is the vocabulary size right?");
        }
        // The export wrote BOS/EOS as "\n<s>\n" and "\n</s>\n"; give them their SentencePiece names.
        pieces[0] = "<unk>";
        pieces[1] = "<s>";
        pieces[2] = "</s>";
        types[0] = TokenType.UNKNOWN;
        types[1] = TokenType.CONTROL;
        types[2] = TokenType.CONTROL;
        Vocabulary vocab = new Vocabulary(pieces, scores, types);
        SpecialTokens special = new SpecialTokens(1, 2, -1, 0, -1, true, false, Set.of(1, 2), Set.of(2));
        return new SentencePieceTokenizer(vocab, special, new SpecialTokenSplitter(vocab, Set.of()), true);
    }

    private static void need(Path path, ByteBuffer in, int bytes, String what) {
        if (in.remaining() < bytes) {
            throw new IllegalArgumentException(path + ": truncated file: reading " + what + " needs " + bytes
                    + " bytes at offset " + in.position() + ", " + in.remaining() + " left");
        }
    }

    private static void checkLength(GgufFile gguf, String key, int length, int tokens) {
        if (length != tokens) {
            throw new IllegalArgumentException(gguf.path() + ": metadata key '" + key + "' has " + length
                    + " entries but there are " + tokens + " tokens");
        }
    }

    /** A token id from metadata; ids outside the vocabulary are ignored with a warning, as llama.cpp does. */
    private static int tokenId(GgufFile gguf, String key, int defaultId, int vocabSize) {
        long id = gguf.has(key) ? gguf.getLong(key) : defaultId;
        if (id >= vocabSize) {
            LOG.warn("{}: {} = {} is outside the vocabulary ({} tokens); ignored", gguf.path(), key, id, vocabSize);
            return -1;
        }
        return (int) id;
    }

    private static void addIfPresent(Vocabulary vocab, String text, Set<Integer> into) {
        int id = vocab.id(text);
        if (id >= 0) into.add(id);
    }

    private static Set<Integer> controlTokens(Vocabulary vocab) {
        Set<Integer> control = new HashSet<>();
        for (int i = 0; i < vocab.size(); i++) if (vocab.type(i) == TokenType.CONTROL) control.add(i);
        return control;
    }

    /**
     * llama.cpp makes Phi-3's special tokens swallow the whitespace after them, keyed on the model name since
     * nothing in the vocabulary says so; {@code <unk>}, {@code <s>} and {@code <|endoftext|>} are exempt.
     */
    private static Set<Integer> rstripTokens(Vocabulary vocab, String lowerCaseModelName) {
        if (!lowerCaseModelName.contains("phi-3") && !lowerCaseModelName.contains("phi3")) return Set.of();
        Set<Integer> rstrip = new HashSet<>();
        for (int i = 0; i < vocab.size(); i++) if (vocab.type(i).isSpecial()) rstrip.add(i);
        addIfPresent(vocab, "</s>", rstrip);
        for (String exempt : List.of("<unk>", "<s>", "<|endoftext|>")) rstrip.remove(vocab.id(exempt));
        return rstrip;
    }

    private static Map<String, Integer> mergeRanks(GgufFile gguf) {
        String[] merges = gguf.getStringArray("tokenizer.ggml.merges");
        Map<String, Integer> ranks = HashMap.newHashMap(merges.length);
        for (int rank = 0; rank < merges.length; rank++) {
            // Split at the first space after the first character, as llama.cpp does.
            if (merges[rank].indexOf(' ', 1) < 1) {
                throw new IllegalArgumentException(gguf.path() + ": metadata key 'tokenizer.ggml.merges' entry "
                        + rank + " ('" + merges[rank] + "') is not two tokens separated by a space");
            }
            ranks.putIfAbsent(merges[rank], rank);
        }
        return ranks;
    }
}
