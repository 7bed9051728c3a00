package org.mirrorsd.models.tokenizer;

import java.util.Arrays;

/**
 * llama.cpp's {@code clean_spaces} pass over detokenized text (Hugging Face's clean_up_tokenization_spaces):
 * drop the space before {@code ? ! . ,}, around a lone apostrophe, and before {@code 's 'm 're 've}.
 * It loses information (" ?" cannot round-trip), which is why only vocabularies that ask for it get it.
 */
final class SpaceCleaner {
    private SpaceCleaner() {}

    static byte[] clean(byte[] text) {
        int n = text.length;
        if (n == 0) return text;
        byte[] t = text.clone();

        // first pass: " ?", " !", " .", " ,"
        int total = 1;
        for (int i = 1; i < n; i++) {
            byte x = t[i];
            if (t[i - 1] == ' ' && (x == '?' || x == '!' || x == '.' || x == ',')) total--;
            t[total++] = x;
        }

        // second pass: a single apostrophe between spaces, " ' " -> "'"
        n = total;
        total = 1;
        for (int i = 1; i < n; i++) {
            byte x = t[i];
            if (x == '\'' && i + 1 < n && t[i - 1] == ' ' && t[i + 1] == ' ') {
                total--;
                t[++i] = 0; // skip the next space
            }
            t[total++] = x;
        }

        // third pass: contractions " 's", " 'm", " 're", " 've"
        n = total;
        total = 1;
        for (int i = 1; i < n; i++) {
            byte x = t[i];
            if (t[i - 1] == ' ' && x == '\'' && i + 1 < n) {
                byte x1 = t[i + 1];
                if (x1 == 's' || x1 == 'm') {
                    total--;
                } else if (i + 2 < n) {
                    byte x2 = t[i + 2];
                    if ((x1 == 'r' && x2 == 'e') || (x1 == 'v' && x2 == 'e')) total--;
                }
            }
            t[total++] = x;
        }
        return Arrays.copyOf(t, total);
    }
}
