package org.mirrorsd.bench.specbench;

import java.util.Locale;

/**
 * SpecBench's six task groups. MT-bench questions carry their own categories (writing, math, ...), which all
 * belong to the multi-turn conversation group; the other groups are named by their category.
 */
public enum TaskGroup {
    MT_BENCH("mt_bench", "Multi-turn conversation"),
    TRANSLATION("translation", "Translation"),
    SUMMARIZATION("summarization", "Summarization"),
    QA("qa", "Question answering"),
    MATH_REASONING("math_reasoning", "Mathematical reasoning"),
    RAG("rag", "Retrieval-augmented generation");

    private final String key;
    private final String title;

    TaskGroup(String key, String title) {
        this.key = key;
        this.title = title;
    }

    /** The short name used on the command line and in the JSON report. */
    public String key() { return key; }

    /** The name the SpecBench leaderboard uses. */
    public String title() { return title; }

    /** The group of a question's category (any MT-bench category maps to {@link #MT_BENCH}). */
    public static TaskGroup ofCategory(String category) {
        for (TaskGroup g : values()) if (g.key.equals(category) && g != MT_BENCH) return g;
        return MT_BENCH;
    }

    /** By key ({@code mt_bench}, {@code qa}, ...), also accepting the enum name in any case. */
    public static TaskGroup byKey(String key) {
        String k = key.trim().toLowerCase(Locale.ROOT);
        for (TaskGroup g : values()) if (g.key.equals(k) || g.name().toLowerCase(Locale.ROOT).equals(k)) return g;
        throw new IllegalArgumentException("unknown SpecBench task group '" + key + "' (one of mt_bench, translation,"
                + " summarization, qa, math_reasoning, rag)");
    }
}
