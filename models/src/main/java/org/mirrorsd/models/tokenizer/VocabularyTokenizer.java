package org.mirrorsd.models.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * What the SentencePiece and byte-level BPE tokenizers share: the vocabulary, special-token splitting and
 * llama.cpp's detokenizer ({@code llama_detokenize} with remove_special=false, unparse_special=false).
 */
abstract sealed class VocabularyTokenizer implements Tokenizer permits SentencePieceTokenizer, BytePairTokenizer {
    final Vocabulary vocab;
    private final SpecialTokens special;
    private final SpecialTokenSplitter splitter;
    private final boolean addSpacePrefix;
    private final boolean cleanSpaces;
    private final byte[][] tokenBytes; // precomputed: decoding is on the generation hot path

    VocabularyTokenizer(Vocabulary vocab, SpecialTokens special, SpecialTokenSplitter splitter,
                        boolean addSpacePrefix, boolean cleanSpaces) {
        this.vocab = vocab;
        this.special = special;
        this.splitter = splitter;
        this.addSpacePrefix = addSpacePrefix;
        this.cleanSpaces = cleanSpaces;
        this.tokenBytes = new byte[vocab.size()][];
    }

    SpecialTokenSplitter splitter() { return splitter; }

    boolean addSpacePrefix() { return addSpacePrefix; }

    /** The bytes of a token of type NORMAL, BYTE or USER_DEFINED. */
    abstract byte[] computeTokenBytes(int token);

    /** Tokenizes one stretch of text that holds no special tokens; {@code afterSpecial} is true at the start too. */
    abstract void encodeText(String text, boolean afterSpecial, TokenList out);

    @Override
    public final int vocabularySize() {
        return vocab.size();
    }

    @Override
    public final int[] encode(String text, boolean parseSpecial) {
        TokenList out = new TokenList();
        boolean afterSpecial = true;
        for (SpecialTokenSplitter.Fragment f : splitter.split(text, parseSpecial)) {
            if (f.isText()) {
                encodeText(f.text(), afterSpecial, out);
                afterSpecial = false;
            } else {
                out.add(f.token());
                afterSpecial = true;
            }
        }
        return out.toArray();
    }

    @Override
    public final byte[] tokenBytes(int token) {
        vocab.checkId(token);
        byte[] bytes = tokenBytes[token];
        if (bytes == null) {
            bytes = switch (vocab.type(token)) {
                case NORMAL, BYTE, USER_DEFINED -> computeTokenBytes(token);
                // Control, unknown and unused tokens print nothing, as llama.cpp's token_to_piece(special=false).
                default -> new byte[0];
            };
            tokenBytes[token] = bytes; // benign race: every thread computes the same bytes
        }
        return bytes.clone();
    }

    /**
     * Concatenates token bytes. When the vocabulary adds a space prefix (SentencePiece), the first token loses one
     * leading space, because encoding put it there. Byte-level BPE vocabularies may also "clean" spaces before
     * punctuation and contractions, as Hugging Face's clean_up_tokenization_spaces and llama.cpp do.
     */
    @Override
    public String decode(int[] tokens) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(tokens.length * 4);
        boolean removeSpace = addSpacePrefix;
        for (int token : tokens) {
            vocab.checkId(token);
            byte[] bytes = tokenBytes[token] != null ? tokenBytes[token] : tokenBytes(token);
            int start = removeSpace && bytes.length > 0 && bytes[0] == ' ' ? 1 : 0;
            removeSpace = false;
            out.write(bytes, start, bytes.length - start);
        }
        byte[] text = out.toByteArray();
        if (cleanSpaces) text = SpaceCleaner.clean(text);
        return new String(text, StandardCharsets.UTF_8);
    }

    @Override
    public final String piece(int token) {
        return vocab.piece(token);
    }

    @Override
    public final SpecialTokens special() {
        return special;
    }

    /** The token for one raw byte: {@code <0xAB>}, else the byte as a one-character token, else unknown. */
    int byteToken(int b) {
        int id = vocab.id(String.format("<0x%02X>", b & 0xFF));
        if (id < 0 && b >= 0 && b < 0x80) id = vocab.id(String.valueOf((char) b));
        if (id < 0) id = special.unk();
        if (id < 0) {
            throw new IllegalStateException("vocabulary has no token for byte 0x" + Integer.toHexString(b & 0xFF)
                    + " and no unknown token");
        }
        return id;
    }

    /** Parses a byte token's {@code <0xAB>} text; null when the text has another shape. */
    static byte[] parseByteToken(String piece) {
        if (piece.length() == 6 && piece.startsWith("<0x") && piece.endsWith(">")) {
            try {
                return new byte[] {(byte) Integer.parseInt(piece.substring(3, 5), 16)};
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

}
