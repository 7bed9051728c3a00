package org.mirrorsd.bench.peer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.mirrorsd.bench.MemoryBandwidth;
import org.mirrorsd.config.cli.CommandLine;
import org.mirrorsd.config.cli.ParsedArgs;
import org.mirrorsd.config.cli.UsageException;
import org.mirrorsd.devices.cpu.NativeKernels;
import org.mirrorsd.decoding.ar.AutoregressiveEngine;
import org.mirrorsd.devices.cpu.CpuExecutor;
import org.mirrorsd.models.LlamaModel;
import org.mirrorsd.models.ModelLoader;

/**
 * {@code bench peer}: our CPU decode and prefill beside llama.cpp's {@code llama-bench} on the same files and
 * thread counts, interleaved in rounds so that a busy machine slows both alike; ratios, the memory-bandwidth
 * bound of decoding, the CPU, and the time to first token of the first request after start-up.
 */
public final class PeerCommand {
    public static final String SUMMARY = "our decode and prefill beside llama.cpp's llama-bench on the same files";
    private static final CommandLine CLI = CommandLine.builder("bench peer", SUMMARY)
            .repeatable("model", "GGUF", "model file (repeat for several; llama.cpp needs its tokenizer.ggml.* keys)")
            .option("threads", "LIST", "thread counts (default 1,2)")
            .option("rounds", "N", "interleaved rounds; medians are reported (default 3)")
            .option("decode", "N", "tokens decoded per decode run, llama-bench tgN (default 64)")
            .option("prompts", "LIST", "prefill lengths, llama-bench ppN (default 128,512; 0 = none)")
            .option("window", "N", "rows of the verification pass timed against one row (default 8: a window of 7 + 1)")
            .option("chunk", "N", "our prefill batch (default " + AutoregressiveEngine.PREFILL_CHUNK + ", what plain decoding uses)")
            .option("llama-bench", "PATH", "llama-bench binary (default $LLAMA_BENCH, else " + LlamaBench.DEFAULT + ")")
            .flag("no-peer", "run ours only")
            .option("ttft-prompt", "N", "prompt tokens of the cold-start TTFT request (default 128; 0 = skip)")
            .flag("cold-start", "internal: the fresh JVM's side of the TTFT measurement")
            .flag("warm-up", "internal: with --cold-start, warm the kernels at load as the server does")
            .build();

    /** One (file, threads) cell: per test, our and llama.cpp's tokens/s of every round. */
    private record Cell(Path model, String type, long bytesPerToken, int threads,
                        Map<String, List<Double>> ours, Map<String, List<Double>> theirs) {}

    public int run(String[] args) throws Exception {
        ParsedArgs a = CLI.parse(args);
        if (a.helpRequested()) {
            System.out.println(CLI.help());
            return 0;
        }
        List<Path> models = a.values("model").stream().map(Path::of).toList();
        if (models.isEmpty()) throw new UsageException("--model GGUF is required");
        List<Integer> threads = ints(a.value("threads", "1,2"), "threads", 1);
        int ttftPrompt = a.intValue("ttft-prompt", 128);
        if (a.flag("cold-start")) {
            ColdStart.Result r = ColdStart.measure(models.get(0), threads.get(0), ttftPrompt, a.flag("warm-up"));
            System.out.printf(java.util.Locale.ROOT, "%.1f %.1f %.1f%n", r.loadMs(), r.firstTtftMs(), r.secondTtftMs());
            return 0;
        }
        int rounds = a.intValue("rounds", 3);
        int decode = a.intValue("decode", 64);
        List<Integer> prompts = ints(a.value("prompts", "128,512"), "prompts", 0).stream().filter(p -> p > 0).toList();
        int chunk = a.intValue("chunk", AutoregressiveEngine.PREFILL_CHUNK);
        if (rounds < 1 || decode < 1 || chunk < 1) throw new UsageException("--rounds, --decode and --chunk must be >= 1");
        Optional<LlamaBench> peer = a.flag("no-peer") ? Optional.empty() : LlamaBench.find(a.value("llama-bench").orElse(null));

        System.out.println("CPU: " + CpuModel.describe());
        System.out.println("kernels: " + NativeKernels.describe());
        System.out.println("peer: " + peer.map(p -> "llama.cpp " + p.binary()).orElse(a.flag("no-peer")
                ? "skipped (--no-peer)" : "llama-bench not found (--llama-bench PATH or $LLAMA_BENCH): ours only"));
        Map<Integer, Double> bandwidth = new LinkedHashMap<>();
        for (int t : threads) bandwidth.put(t, MemoryBandwidth.measure(1L << 30, t, 5));
        bandwidth.forEach((t, bw) -> System.out.printf("read bandwidth, %d thread(s): %.1f GB/s%n", t, bw / 1e9));

        int window = a.intValue("window", 8);
        if (window < 2) throw new UsageException("--window must be >= 2");
        List<String> tests = new ArrayList<>();
        tests.add("tg" + decode);
        for (int p : prompts) tests.add("pp" + p);
        List<Cell> cells = new ArrayList<>();
        List<LlamaModel> loaded = new ArrayList<>();
        List<CpuExecutor> executors = new ArrayList<>();
        try {
            for (Path m : models) {
                LlamaModel model = ModelLoader.loadWeights(m);
                loaded.add(model);
                int longest = Math.max(decode, prompts.stream().mapToInt(Integer::intValue).max().orElse(0));
                if (longest > model.config().contextLength()) {
                    throw new UsageException(m + ": a " + longest + "-token test exceeds its context of " + model.config().contextLength());
                }
                for (int t : threads) {
                    executors.add(new CpuExecutor(model, t));
                    cells.add(new Cell(m, model.weights().layers()[0].wq().ggmlType().toString(),
                            model.weights().bytesPerToken(), t, new LinkedHashMap<>(), new LinkedHashMap<>()));
                }
            }
            // Warm-up: every kernel JIT-compiled at every batch shape before anything is timed.
            for (CpuExecutor e : executors) measureOurs(e, chunk, decode, prompts, tests, window, new LinkedHashMap<>());
            for (int r = 0; r < rounds; r++) {
                for (int i = 0; i < cells.size(); i++) {
                    Cell c = cells.get(i);
                    // Alternate who goes first, so that a trend in the machine's load favours neither.
                    boolean peerFirst = (r + i) % 2 == 1;
                    if (peerFirst && peer.isPresent()) measurePeer(peer.get(), c, decode, prompts);
                    measureOurs(executors.get(i), chunk, decode, prompts, tests, window, c.ours());
                    if (!peerFirst && peer.isPresent()) measurePeer(peer.get(), c, decode, prompts);
                }
                // The table so far after every round: a long run on a busy machine still leaves figures if cut short.
                printTable(cells, tests, window, bandwidth, r + 1);
            }
        } finally {
            for (CpuExecutor e : executors) e.close();
            for (LlamaModel m : loaded) m.close();
        }
        if (ttftPrompt > 0) printColdStart(cells, ttftPrompt);
        return 0;
    }

    private static void measureOurs(CpuExecutor e, int chunk, int decode, List<Integer> prompts, List<String> tests, int window,
                                    Map<String, List<Double>> into) {
        OwnRuns runs = new OwnRuns(e, chunk);
        into.computeIfAbsent(tests.get(0), k -> new ArrayList<>()).add(runs.decode(decode));
        for (int p : prompts) into.computeIfAbsent("pp" + p, k -> new ArrayList<>()).add(runs.prefill(p));
        // Verification windows (ms per pass, not tok/s) at position 64, where a request's decoding has got to.
        int at = Math.min(WINDOW_POSITION, e.config().contextLength() / 2);
        for (int rows : new int[] {1, window}) {
            into.computeIfAbsent(windowKey(rows), k -> new ArrayList<>()).add(runs.windowMs(rows, at, 9));
        }
    }

    private static void measurePeer(LlamaBench peer, Cell c, int decode, List<Integer> prompts) throws java.io.IOException {
        peer.run(c.model(), c.threads(), decode, prompts).forEach((test, speed) ->
                c.theirs().computeIfAbsent(test, k -> new ArrayList<>()).add(speed));
    }

    /** Where the verification passes run: a request's decoding has got this far (or half the context, if shorter). */
    private static final int WINDOW_POSITION = 64;

    /** Our results' key for the pass of {@code rows} rows (kept beside the tests' tok/s, as ms per pass). */
    private static String windowKey(int rows) { return "window" + rows; }

    private static void printTable(List<Cell> cells, List<String> tests, int window, Map<Integer, Double> bandwidth, int rounds) {
        System.out.printf("%nafter %d interleaved round(s): medians; spread = (max - min) / median over the rounds; "
                + "bound = read bandwidth / weight bytes per token (decode only)%n%n", rounds);
        System.out.println("| file | type | MB/token | threads | test | mirror-sd tok/s | llama.cpp tok/s | ratio | bound tok/s | spread ours / theirs |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|");
        for (Cell c : cells) {
            for (String test : tests) {
                List<Double> ours = c.ours().getOrDefault(test, List.of()), theirs = c.theirs().getOrDefault(test, List.of());
                double o = median(ours), t = median(theirs);
                String bound = test.startsWith("tg") ? fmt(bandwidth.get(c.threads()) / c.bytesPerToken()) : "–";
                System.out.printf("| %s | %s | %.1f | %d | %s | %s | %s | %s | %s | %s / %s |%n", c.model().getFileName(), c.type(),
                        c.bytesPerToken() / 1e6, c.threads(), test, fmt(o), theirs.isEmpty() ? "–" : fmt(t),
                        theirs.isEmpty() ? "–" : String.format("%.2fx", o / t), bound, spread(ours), spread(theirs));
            }
        }
        System.out.printf("%nverification: one forward pass with every row's logits, at position %d (ours; medians of the "
                + "rounds' medians of 9 passes)%n%n", WINDOW_POSITION);
        System.out.println("| file | threads | 1 row ms | " + window + " rows ms | " + window + " rows / 1 row |");
        System.out.println("|---|---|---|---|---|");
        for (Cell c : cells) {
            double one = median(c.ours().getOrDefault(windowKey(1), List.of()));
            double w = median(c.ours().getOrDefault(windowKey(window), List.of()));
            System.out.printf("| %s | %d | %.1f | %.1f | %.2fx |%n", c.model().getFileName(), c.threads(), one, w, w / one);
        }
    }

    private static void printColdStart(List<Cell> cells, int ttftPrompt) throws java.io.IOException {
        System.out.printf("%ntime to first token of a %d-token prompt in a fresh JVM (load = file opened, executor made, "
                + "kernels warmed up when so; the server warms up)%n%n", ttftPrompt);
        System.out.println("| file | threads | warm-up at load | load ms | first request TTFT ms | load + TTFT ms | second request TTFT ms |");
        System.out.println("|---|---|---|---|---|---|---|");
        for (Cell c : cells) {
            for (boolean warm : new boolean[] {false, true}) {
                ColdStart.Result r = ColdStart.inFreshJvm(c.model(), c.threads(), ttftPrompt, warm);
                System.out.printf("| %s | %d | %s | %.0f | %.0f | %.0f | %.0f |%n", c.model().getFileName(), c.threads(),
                        warm ? "yes" : "no", r.loadMs(), r.firstTtftMs(), r.loadMs() + r.firstTtftMs(), r.secondTtftMs());
            }
        }
    }

    private static String fmt(double v) { return Double.isNaN(v) ? "–" : String.format(v >= 100 ? "%.0f" : "%.1f", v); }

    private static String spread(List<Double> xs) {
        if (xs.size() < 2) return "–";
        double min = xs.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        double max = xs.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        return String.format("%.0f%%", 100 * (max - min) / median(xs));
    }

    static double median(List<Double> xs) {
        if (xs.isEmpty()) return Double.NaN;
        double[] s = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static List<Integer> ints(String list, String option, int min) {
        List<Integer> out = new ArrayList<>();
        for (String s : list.split(",")) {
            try {
                int v = Integer.parseInt(s.trim());
                if (v < min) throw new UsageException("--" + option + ": " + v + " is below " + min);
                out.add(v);
            } catch (NumberFormatException e) {
                throw new UsageException("--" + option + ": '" + s + "' is not a number");
            }
        }
        return out;
    }
}
