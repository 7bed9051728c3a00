package org.mirrorsd.bench.specbench;

import java.util.List;

/** One method's answers to every turn of one question. */
public record MethodRun(String method, List<TurnResult> turns) {
    public MethodRun {
        turns = List.copyOf(turns);
    }

    public long tokens() { return turns.stream().mapToLong(TurnResult::tokens).sum(); }

    public long nanos() { return turns.stream().mapToLong(TurnResult::nanos).sum(); }

    /** SpecBench's per-question speed: all generated tokens over all wall time of the question. */
    public double tokensPerSecond() { return nanos() == 0 ? 0 : tokens() / (nanos() / 1e9); }

    /** Mean time to first token over the turns. */
    public double meanFirstTokenNanos() { return turns.stream().mapToLong(TurnResult::firstTokenNanos).average().orElse(0); }

    public Counts counts() { return turns.stream().map(TurnResult::counts).reduce(Counts.ZERO, Counts::plus); }

    public int truncatedTurns() { return (int) turns.stream().filter(TurnResult::truncated).count(); }
}
