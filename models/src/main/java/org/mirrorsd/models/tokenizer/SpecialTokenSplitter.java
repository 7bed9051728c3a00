package org.mirrorsd.models.tokenizer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Cuts special-token strings out of the text before the tokenizer proper sees it: a port of llama.cpp's
 * {@code tokenizer_st_partition}. Longer specials are matched first, so {@code <|im_start|>} wins over a shorter
 * token that is a prefix of it. Control and unknown tokens are matched only when parsing specials; user-defined
 * tokens always (as Hugging Face tokenizers do for added tokens).
 */
final class SpecialTokenSplitter {

    /** A piece of the input: either text still to tokenize, or an already decided token. */
    record Fragment(String text, int token) {
        static Fragment text(String text) { return new Fragment(text, -1); }
        static Fragment token(int token) { return new Fragment(null, token); }
        boolean isText() { return text != null; }
    }

    private final Vocabulary vocab;
    private final int[] specials;          // longest first
    private final Set<Integer> rstrip;     // specials that swallow whitespace after them (Phi-3)

    SpecialTokenSplitter(Vocabulary vocab, Set<Integer> rstrip) {
        this.vocab = vocab;
        this.rstrip = Set.copyOf(rstrip);
        List<Integer> ids = new ArrayList<>();
        for (int id = 0; id < vocab.size(); id++) {
            if (vocab.type(id).isSpecial() && !vocab.piece(id).isEmpty()) ids.add(id);
        }
        ids.sort(Comparator.comparingInt((Integer id) -> -vocab.piece(id).length()).thenComparingInt(id -> id));
        this.specials = ids.stream().mapToInt(Integer::intValue).toArray();
    }

    List<Fragment> split(String text, boolean parseSpecial) {
        List<Fragment> fragments = new ArrayList<>();
        if (text.isEmpty()) return fragments;
        fragments.add(Fragment.text(text));
        for (int id : specials) {
            TokenType type = vocab.type(id);
            if (!parseSpecial && (type == TokenType.CONTROL || type == TokenType.UNKNOWN)) continue;
            fragments = splitOn(fragments, id, vocab.piece(id));
        }
        return fragments;
    }

    private List<Fragment> splitOn(List<Fragment> fragments, int id, String special) {
        List<Fragment> out = new ArrayList<>(fragments.size() + 2);
        for (Fragment f : fragments) {
            if (!f.isText()) {
                out.add(f);
                continue;
            }
            String rest = f.text();
            int at;
            while ((at = rest.indexOf(special)) >= 0) {
                if (at > 0) out.add(Fragment.text(rest.substring(0, at)));
                out.add(Fragment.token(id));
                int right = at + special.length();
                if (rstrip.contains(id)) {
                    while (right < rest.length() && isCSpace(rest.charAt(right))) right++;
                }
                rest = rest.substring(right);
            }
            if (!rest.isEmpty()) out.add(Fragment.text(rest));
        }
        return out;
    }

    /** C's isspace in the "C" locale, which is what llama.cpp strips with. */
    private static boolean isCSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r';
    }
}
