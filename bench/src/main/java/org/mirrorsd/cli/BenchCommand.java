package org.mirrorsd.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mirrorsd.bench.GreedyRun;
import org.mirrorsd.bench.MemoryBandwidth;
import org.mirrorsd.bench.peer.PeerCommand;
import org.mirrorsd.bench.specbench.SpecBenchCommand;
import org.mirrorsd.bench.sweep.SweepCommand;
import org.mirrorsd.config.cli.CommandLine;
import org.mirrorsd.config.cli.ParsedArgs;
import org.mirrorsd.config.cli.UsageException;
import org.mirrorsd.decoding.DecodingEngine;
import org.mirrorsd.decoding.DecodingStats;
import org.mirrorsd.decoding.Engines;
import org.mirrorsd.decoding.calibration.Calibration;
import org.mirrorsd.decoding.speculative.SpecOptions;
import org.mirrorsd.config.DevicePlacement;
import org.mirrorsd.devices.Devices;
import org.mirrorsd.devices.LayerExecutor;
import org.mirrorsd.devices.cpu.CpuExecutor;
import org.mirrorsd.devices.cuda.CudaExecutor;
import org.mirrorsd.models.LlamaModel;
import org.mirrorsd.models.LoadedModel;
import org.mirrorsd.models.ModelLoader;

/**
 * {@code bench decode}: single-stream decode speed of several methods on the same prompts, measured side by
 * side in one run (interleaved, after a warm-up), with the memory-bandwidth bound of the target beside them.
 */
final class BenchCommand implements Main.Command {
    private static final String DECODE_SUMMARY =
            "decode tokens/s of ar, sd, ngram and mirror side by side, against the memory-bandwidth bound";
    private static final CommandLine CLI = CommandLine.builder("bench decode", DECODE_SUMMARY)
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
            .option("calibration", "FILE", "heads fitted by `calibrate`")
            .option("plan", "MODE", "auto (default: each step planned from measured costs) | paper (γ 7, κ 8, ℓₑ L/2, all branches, fixed) | fixed (the given γ/κ/caps every step); a method written m:paper or m:auto overrides it")
            .option("threads", "N", "target threads (default 1)")
            .option("draft-threads", "N", "draft threads (default 1)")
            .option("target-device", "DEVICE", "cpu (default) | onnx | cuda (falls back to cpu when unavailable)")
            .build();

    @Override
    public String summary() {
        return "benchmarks: `bench decode`, `bench specbench`, `bench load`, `bench mask`, `bench peer` (mirror-sd bench lists them)";
    }

    @Override
    public int run(String[] args) throws Exception {
        Map<String, String> benchmarks = new LinkedHashMap<>();
        benchmarks.put("decode", DECODE_SUMMARY);
        benchmarks.put("specbench", new SpecBenchCommand().summary());
        benchmarks.put("sweep", SweepCommand.SUMMARY);
        benchmarks.put("load", LoadCommand.SUMMARY);
        benchmarks.put("peer", PeerCommand.SUMMARY);
        if (args.length > 0 && args[0].equals("peer")) {
            return new PeerCommand().run(java.util.Arrays.copyOfRange(args, 1, args.length));
        }
        benchmarks.put("mask", MaskCommand.SUMMARY);
        if (args.length > 0 && args[0].equals("mask")) {
            return new MaskCommand().run(java.util.Arrays.copyOfRange(args, 1, args.length));
        }
        if (args.length > 0 && args[0].equals("load")) {
            return new LoadCommand().run(java.util.Arrays.copyOfRange(args, 1, args.length));
        }
        if (args.length > 0 && args[0].equals("specbench")) {
            return new SpecBenchCommand().run(java.util.Arrays.copyOfRange(args, 1, args.length));
        }
        if (args.length > 0 && args[0].equals("sweep")) {
            return new SweepCommand().run(java.util.Arrays.copyOfRange(args, 1, args.length));
        }
        if (args.length == 0 || !args[0].equals("decode")) {
            boolean help = args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"));
            if (args.length > 0 && !help) System.err.println("mirror-sd bench: unknown benchmark '" + args[0] + "'");
            System.out.println("usage: mirror-sd bench BENCHMARK [options]   (mirror-sd bench BENCHMARK --help)\n");
            benchmarks.forEach((name, summary) -> System.out.printf("  %-10s %s%n", name, summary));
            return help ? 0 : 2;
        }
        return decode(java.util.Arrays.copyOfRange(args, 1, args.length));
    }

    private int decode(String[] args) throws Exception {
        ParsedArgs a = CLI.parse(args);
        if (a.helpRequested()) {
            System.out.println(CLI.help());
            return 0;
        }
        var modelPath = a.pathValue("model").orElseThrow(() -> new UsageException("--model PATH is required"));
        boolean haveDraft = a.has("draft");
        List<String> methods = List.of(a.value("methods", haveDraft ? "ar,sd,mirror" : "ar,ngram").split(","));
        for (String m : methods) if (!Engines.METHODS.contains(baseMethod(m))) throw new UsageException("unknown method " + m);
        SpecOptions o = SpecOptions.defaults().withGamma(a.intValue("gamma", 7)).withKappa(a.intValue("kappa", 8))
                .withExitLayer(a.intValue("exit-layer", -1)).withMaxBranches(a.intValue("max-branches", 0))
                .withPlan(planMode(a.value("plan", "auto")));
        int maxTokens = a.intValue("max-tokens", 128);
        int rounds = a.intValue("rounds", 2);
        String[] prompts = a.value("prompts", "Once upon a time|Lily and Tom went to the park.|One day, a big bear").split("\\|");
        int threads = a.intValue("threads", 1);
        try (LoadedModel target = ModelLoader.load(modelPath, a.pathValue("tokenizer").orElse(null), null);
             LlamaModel draft = haveDraft ? ModelLoader.loadWeights(a.pathValue("draft").get()) : null;
             LayerExecutor te = Devices.open("target", targetDevice(a), target.model(), threads, List.of(), false);
             CpuExecutor de = draft == null ? null : new CpuExecutor(draft, a.intValue("draft-threads", 1))) {
            Map<String, DecodingEngine> engines = new LinkedHashMap<>();
            Calibration calibration = a.has("calibration") ? Calibration.load(a.pathValue("calibration").get()) : null;
            for (String m : methods) {
                SpecOptions mo = m.contains(":") ? o.withPlan(planMode(m.substring(m.indexOf(':') + 1))) : o;
                engines.put(m, Engines.create(baseMethod(m), te, de, mo, calibration));
            }
            boolean onGpu = te instanceof CudaExecutor cu && cu.gpuInfo().peakBandwidth() > 0;
            double bandwidth = onGpu ? ((CudaExecutor) te).gpuInfo().peakBandwidth()
                    : MemoryBandwidth.measure(1L << 30, threads, 5);
            long bytesPerToken = target.model().weights().bytesPerToken();
            System.out.printf("target %s: %.1f MB/token; draft %s; %d target thread(s); %s %.1f GB/s "
                            + "-> AR bound %.1f tokens/s%n", target.name(), bytesPerToken / 1e6,
                    draft == null ? "-" : draft.name(), threads, onGpu ? "the GPU's nominal bandwidth" : "measured read bandwidth",
                    bandwidth / 1e9, bandwidth / bytesPerToken);
            // Warm-up: JIT-compile every path once.
            for (DecodingEngine e : engines.values()) GreedyRun.of(e, target, prompts[0], Math.min(32, maxTokens));
            Map<String, DecodingStats> totals = new LinkedHashMap<>();
            Map<String, Long> tokens = new LinkedHashMap<>();
            Map<String, Long> nanos = new LinkedHashMap<>();
            List<String> outputs = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                for (String p : prompts) {
                    String reference = null;
                    for (Map.Entry<String, DecodingEngine> e : engines.entrySet()) {
                        GreedyRun res = GreedyRun.of(e.getValue(), target, p, maxTokens);
                        nanos.merge(e.getKey(), res.nanos(), Long::sum);
                        tokens.merge(e.getKey(), (long) res.generated(), Long::sum);
                        totals.computeIfAbsent(e.getKey(), k -> new DecodingStats()).add(res.stats());
                        if (reference == null) reference = res.text();
                        else if (!reference.equals(res.text())) outputs.add(e.getKey() + " differs on \"" + p + "\"");
                    }
                }
            }
            LatencyLaw.print(engines, totals, tokens, nanos);
            double arSpeed = tokens.containsKey("ar") ? tokens.get("ar") / (nanos.get("ar") / 1e9) : Double.NaN;
            System.out.println();
            System.out.println("| method | tokens/s | speedup vs ar | mean accepted length | acceptance | branch hits | "
                    + "prefix ms | suffix ms | draft ms | wait ms |");
            System.out.println("|---|---|---|---|---|---|---|---|---|---|");
            for (String m : engines.keySet()) {
                double speed = tokens.get(m) / (nanos.get(m) / 1e9);
                DecodingStats s = totals.get(m);
                String speedup = Double.isNaN(arSpeed) ? "–" : String.format("%.2fx", speed / arSpeed);
                System.out.printf("| %s | %.1f | %s | %.2f | %.2f | %.2f | %.0f | %.0f | %.0f | %.0f |%n", m, speed,
                        speedup, s.meanAcceptedLength(), s.acceptanceRate(), s.branchHitRate(),
                        s.targetPrefixNanos / 1e6, s.targetSuffixNanos / 1e6, s.draftNanos / 1e6, s.waitNanos / 1e6);
            }
            if (te instanceof CudaExecutor cuda) {
                System.out.println("\ntarget on " + cuda.describe());
                System.out.println("host<->device traffic: " + cuda.stats());
                for (int rows : new int[] {1, 8}) System.out.println(cuda.timeGemv(rows, 20));
            }
            System.out.println(outputs.isEmpty() ? "\ngreedy outputs identical across methods: yes"
                    : "\nWARNING: outputs differ: " + outputs);
            for (DecodingEngine e : engines.values()) e.close();
            return outputs.isEmpty() ? 0 : 1;
        }
    }

    /** "mirror:paper" -> "mirror". */
    private static String baseMethod(String m) {
        return m.contains(":") ? m.substring(0, m.indexOf(':')) : m;
    }

    private static org.mirrorsd.decoding.planning.PlanMode planMode(String s) {
        try {
            return org.mirrorsd.decoding.planning.PlanMode.parse(s);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--plan: " + e.getMessage());
        }
    }

    private static DevicePlacement targetDevice(ParsedArgs a) {
        try {
            return DevicePlacement.parse(a.value("target-device", "cpu"));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--target-device: " + e.getMessage());
        }
    }
}
