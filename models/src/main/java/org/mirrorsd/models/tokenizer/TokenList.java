package org.mirrorsd.models.tokenizer;

import java.util.Arrays;

/** A growable int array: token ids without boxing. */
final class TokenList {
    private int[] ids = new int[16];
    private int size;

    void add(int id) {
        if (size == ids.length) ids = Arrays.copyOf(ids, size * 2);
        ids[size++] = id;
    }

    int[] toArray() {
        return Arrays.copyOf(ids, size);
    }
}
