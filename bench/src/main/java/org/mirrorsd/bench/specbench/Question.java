package org.mirrorsd.bench.specbench;

import java.util.List;

/** One SpecBench question: its user turns, asked in order within one conversation. */
public record Question(int id, String category, List<String> turns) {
    public Question {
        if (turns.isEmpty()) throw new IllegalArgumentException("question " + id + " has no turns");
        turns = List.copyOf(turns);
    }

    public TaskGroup group() { return TaskGroup.ofCategory(category); }
}
