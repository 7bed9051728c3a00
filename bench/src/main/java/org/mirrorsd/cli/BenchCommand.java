package org.mirrorsd.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mirrorsd.bench.MemoryBandwidth;
import org.mirrorsd.config.cli.CommandLine;
import org.mirrorsd.config.cli.ParsedArgs;
import org.mirrorsd.config.cli.UsageException;
import org.mirrorsd.decoding.DecodingEngine;
import org.mirrorsd.decoding.DecodingSession;
import org.mirrorsd.decoding.DecodingStats;
import org.mirrorsd.decoding.Engines;
import org.mirrorsd.decoding.GenerationRequest;
import org.mirrorsd.decoding.StepResult;
import org.mirrorsd.decoding.spec.SpecOptions;
import org.mirrorsd.devices.cpu.CpuExecutor;
import org.mirrorsd.models.LlamaModel;
import org.mirrorsd.models.LoadedModel;
import org.mirrorsd.models.ModelLoader;

/**
 * {@code bench load} is {@link LoadCommand}. {@code bench decode}: single-stream decode speed of several methods on the same prompts, measured side by
 * side in one run (interleaved, after a warm-up), with the memory-bandwidth bound of the target beside them.
 */
final class BenchCommand implements Main.Command {
    private static final CommandLine CLI = CommandLine.builder("bench decode",
                    "decode tokens/s of ar, sd, ngram and mirror side by side, against the memory-bandwidth bound")
            .option("model", "PATH", "target model")
            .option("tokenizer", "PATH", "tokenizer (default: the model's)")
            .option("draft", "PATH", "draft model (for sd and mirror)")
            .option("methods", "LIST", "comma-separated (default ar,sd,mirror when a draft is given, else ar,ngram)")
            .option("prompts", "LIST", "prompts separated by '|' (default: three story openings)")
            .option("max-tokens", "N", "tokens per prompt (default 128)")
            .option("rounds", "N", "interleaved rounds over all methods (default 2)")
            .option("gamma", "N", "draft window (default 7)")
            .option("kappa", "K", "early-exit candidates (default 8)")
            .option("exit-layer", "L", "early-exit layer (default layers/2)")
            .option("max-branches", "B", "cap on Mirror-SD rollouts (default 0 = all)")
            .option("threads", "N", "target threads (default 1)")
            .option("draft-threads", "N", "draft threads (default 1)")
            .build();

    @Override
    public String summary() {
        return "benchmarks: `bench decode` (tokens/s of each method vs the bandwidth bound), `bench load` (server soak)";
    }

    @Override
    public int run(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("load")) {
            return new LoadCommand().run(java.util.Arrays.copyOfRange(args, 1, args.length));
        }
        if (args.length == 0 || !args[0].equals("decode")) {
            System.out.println("usage: mirror-sd bench decode|load [options]   (mirror-sd bench decode --help, "
                    + "mirror-sd bench load --help)");
            return args.length == 0 ? 2 : (args[0].equals("--help") ? 0 : 2);
        }
        ParsedArgs a = CLI.parse(java.util.Arrays.copyOfRange(args, 1, args.length));
        if (a.helpRequested()) {
            System.out.println(CLI.help());
            return 0;
        }
        var modelPath = a.pathValue("model").orElseThrow(() -> new UsageException("--model PATH is required"));
        boolean haveDraft = a.has("draft");
        List<String> methods = List.of(a.value("methods", haveDraft ? "ar,sd,mirror" : "ar,ngram").split(","));
        for (String m : methods) if (!Engines.METHODS.contains(m)) throw new UsageException("unknown method " + m);
        SpecOptions o = SpecOptions.defaults().withGamma(a.intValue("gamma", 7)).withKappa(a.intValue("kappa", 8))
                .withExitLayer(a.intValue("exit-layer", -1)).withMaxBranches(a.intValue("max-branches", 0));
        int maxTokens = a.intValue("max-tokens", 128);
        int rounds = a.intValue("rounds", 2);
        String[] prompts = a.value("prompts", "Once upon a time|Lily and Tom went to the park.|One day, a big bear").split("\\|");
        int threads = a.intValue("threads", 1);
        try (LoadedModel target = ModelLoader.load(modelPath, a.pathValue("tokenizer").orElse(null), null);
             LlamaModel draft = haveDraft ? ModelLoader.loadWeights(a.pathValue("draft").get()) : null;
             CpuExecutor te = new CpuExecutor(target.model(), threads);
             CpuExecutor de = draft == null ? null : new CpuExecutor(draft, a.intValue("draft-threads", 1))) {
            Map<String, DecodingEngine> engines = new LinkedHashMap<>();
            for (String m : methods) engines.put(m, Engines.create(m, te, de, o));
            double bandwidth = MemoryBandwidth.measure(1L << 30, threads, 5);
            long bytesPerToken = target.model().weights().bytesPerToken();
            System.out.printf("target %s: %.1f MB/token; draft %s; %d target thread(s); measured read bandwidth %.1f GB/s "
                            + "-> AR bound %.1f tokens/s%n", target.name(), bytesPerToken / 1e6,
                    draft == null ? "-" : draft.name(), threads, bandwidth / 1e9, bandwidth / bytesPerToken);
            // Warm-up: JIT-compile every path once.
            for (DecodingEngine e : engines.values()) run(e, target, prompts[0], Math.min(32, maxTokens));
            Map<String, DecodingStats> totals = new LinkedHashMap<>();
            Map<String, Long> tokens = new LinkedHashMap<>();
            Map<String, Long> nanos = new LinkedHashMap<>();
            List<String> outputs = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                for (String p : prompts) {
                    String reference = null;
                    for (Map.Entry<String, DecodingEngine> e : engines.entrySet()) {
                        long t0 = System.nanoTime();
                        Result res = run(e.getValue(), target, p, maxTokens);
                        nanos.merge(e.getKey(), System.nanoTime() - t0, Long::sum);
                        tokens.merge(e.getKey(), (long) res.generated, Long::sum);
                        totals.computeIfAbsent(e.getKey(), k -> new DecodingStats()).add(res.stats);
                        if (reference == null) reference = res.text;
                        else if (!reference.equals(res.text)) outputs.add(e.getKey() + " differs on \"" + p + "\"");
                    }
                }
            }
            double arSpeed = tokens.containsKey("ar") ? tokens.get("ar") / (nanos.get("ar") / 1e9) : Double.NaN;
            System.out.println();
            System.out.println("| method | tokens/s | speedup vs ar | mean accepted length | acceptance | branch hits | "
                    + "prefix ms | suffix ms | draft ms | wait ms |");
            System.out.println("|---|---|---|---|---|---|---|---|---|---|");
            for (String m : engines.keySet()) {
                double speed = tokens.get(m) / (nanos.get(m) / 1e9);
                DecodingStats s = totals.get(m);
                System.out.printf("| %s | %.1f | %.2fx | %.2f | %.2f | %.2f | %.0f | %.0f | %.0f | %.0f |%n", m, speed,
                        speed / arSpeed, s.meanAcceptedLength(), s.acceptanceRate(), s.branchHitRate(),
                        s.targetPrefixNanos / 1e6, s.targetSuffixNanos / 1e6, s.draftNanos / 1e6, s.waitNanos / 1e6);
            }
            System.out.println(outputs.isEmpty() ? "\ngreedy outputs identical across methods: yes"
                    : "\nWARNING: outputs differ: " + outputs);
            for (DecodingEngine e : engines.values()) e.close();
            return outputs.isEmpty() ? 0 : 1;
        }
    }

    private record Result(int generated, String text, DecodingStats stats) {}

    private static Result run(DecodingEngine engine, LoadedModel target, String prompt, int maxTokens) {
        int[] ids = target.encodePrompt(prompt);
        GenerationRequest req = GenerationRequest.greedy(ids, Math.min(maxTokens, target.config().contextLength() - ids.length));
        List<Integer> out = new ArrayList<>();
        try (DecodingSession s = engine.open(req)) {
            while (!s.finished()) {
                StepResult r = s.step();
                for (int t : r.tokens()) out.add(t);
            }
            int[] arr = out.stream().mapToInt(Integer::intValue).toArray();
            return new Result(arr.length, target.tokenizer().decode(arr), s.stats());
        }
    }
}
