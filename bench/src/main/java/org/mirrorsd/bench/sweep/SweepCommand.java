package org.mirrorsd.bench.sweep;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mirrorsd.bench.GreedyRun;
import org.mirrorsd.config.cli.CommandLine;
import org.mirrorsd.config.cli.ParsedArgs;
import org.mirrorsd.config.cli.UsageException;
import org.mirrorsd.decoding.DecodingEngine;
import org.mirrorsd.decoding.DecodingStats;
import org.mirrorsd.decoding.Engines;
import org.mirrorsd.decoding.calibration.Calibration;
import org.mirrorsd.decoding.speculative.SpecOptions;
import org.mirrorsd.devices.cpu.CpuExecutor;
import org.mirrorsd.models.LlamaModel;
import org.mirrorsd.models.LoadedModel;
import org.mirrorsd.models.ModelLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code bench sweep}: Mirror-SD over a grid of γ, κ, ℓₑ and branch caps, each point measured beside AR and
 * SD (same γ) on the same prompts, written as a table, raw JSON and a heat map of which settings win.
 */
public final class SweepCommand {
    public static final String SUMMARY = "Mirror-SD over a grid of γ, κ, ℓₑ and branch caps, with a heat map";
    private static final Logger log = LoggerFactory.getLogger(SweepCommand.class);
    private static final CommandLine CLI = CommandLine.builder("bench sweep", SUMMARY)
            .option("model", "PATH", "target model")
            .option("tokenizer", "PATH", "tokenizer (default: the model's)")
            .option("draft", "PATH", "draft model")
            .option("gammas", "LIST", "windows γ (default 3,5,7)")
            .option("kappas", "LIST", "early-exit candidates κ (default 4,8)")
            .option("exit-layers", "LIST", "early-exit layers (default L/4,L/2,3L/4)")
            .option("branches", "LIST", "branch caps, 0 = all (default 8,16)")
            .repeatable("calibration", "FILE", "calibration files; one whose exit layer matches a point is used there")
            .option("prompts", "LIST", "prompts separated by '|' (default: three story openings)")
            .option("max-tokens", "N", "tokens per prompt (default 64)")
            .option("threads", "N", "target threads (default 1)")
            .option("out", "DIR", "output folder (default sweep-results)")
            .build();

    public int run(String[] args) throws Exception {
        ParsedArgs a = CLI.parse(args);
        if (a.helpRequested()) {
            System.out.println(CLI.help());
            return 0;
        }
        Path model = a.pathValue("model").orElseThrow(() -> new UsageException("--model PATH is required"));
        Path draftPath = a.pathValue("draft").orElseThrow(() -> new UsageException("--draft PATH is required"));
        Path out = a.pathValue("out").orElse(Path.of("sweep-results"));
        int maxTokens = a.intValue("max-tokens", 64);
        String[] prompts = a.value("prompts", "Once upon a time|Lily and Tom went to the park.|One day, a big bear").split("\\|");
        List<Calibration> calibrations = new ArrayList<>();
        for (String f : a.values("calibration")) calibrations.add(Calibration.load(Path.of(f)));
        try (LoadedModel target = ModelLoader.load(model, a.pathValue("tokenizer").orElse(null), null);
             LlamaModel draft = ModelLoader.loadWeights(draftPath);
             CpuExecutor te = new CpuExecutor(target.model(), a.intValue("threads", 1));
             CpuExecutor de = new CpuExecutor(draft, 1)) {
            int layers = target.config().layers();
            List<Integer> gammas = ints(a.value("gammas", "3,5,7"));
            List<Integer> kappas = ints(a.value("kappas", "4,8"));
            List<Integer> exits = ints(a.value("exit-layers", Math.max(1, layers / 4) + "," + layers / 2 + "," + (3 * layers / 4)));
            List<Integer> branches = ints(a.value("branches", "8,16"));
            Files.createDirectories(out);
            // Warm-up: every code path JIT-compiled before anything is timed.
            for (String m : List.of("ar", "sd", "mirror", "ar", "sd", "mirror")) {
                measure(Engines.create(m, te, de, SpecOptions.defaults().withMaxBranches(8)), target, prompts, maxTokens);
            }
            // Baselines are measured before and after the grid and averaged, so drift hits them like the grid.
            double ar = measure(Engines.create("ar", te, de, SpecOptions.defaults()), target, prompts, maxTokens).speed;
            Map<Integer, Double> sd = new LinkedHashMap<>();
            for (int g : gammas) {
                sd.put(g, measure(Engines.create("sd", te, de, SpecOptions.defaults().withGamma(g)), target, prompts, maxTokens).speed);
            }
            List<SweepPoint> points = new ArrayList<>();
            int total = gammas.size() * kappas.size() * exits.size() * branches.size(), done = 0;
            for (int g : gammas) for (int e : exits) for (int k : kappas) for (int b : branches) {
                SpecOptions o = SpecOptions.defaults().withGamma(g).withKappa(k).withExitLayer(e).withMaxBranches(b);
                Calibration c = calibrations.stream().filter(x -> x.exitLayer() == e).findFirst().orElse(null);
                Measured m = measure(Engines.create("mirror", te, de, o, c), target, prompts, maxTokens);
                points.add(new SweepPoint(g, k, e, b, m.speed, m.speed / ar, m.speed / sd.get(g), m.stats));
                log.info("sweep {}/{}: γ={} κ={} ℓₑ={} B={} -> {} tokens/s ({}x AR, {}x SD)", ++done, total, g, k, e, b,
                        fmt(m.speed), fmt(m.speed / ar), fmt(m.speed / sd.get(g)));
            }
            double arAfter = measure(Engines.create("ar", te, de, SpecOptions.defaults()), target, prompts, maxTokens).speed;
            ar = (ar + arAfter) / 2;
            for (int g : gammas) {
                double after = measure(Engines.create("sd", te, de, SpecOptions.defaults().withGamma(g)), target, prompts, maxTokens).speed;
                sd.put(g, (sd.get(g) + after) / 2);
            }
            List<SweepPoint> rescaled = new ArrayList<>();
            for (SweepPoint p : points) {
                rescaled.add(new SweepPoint(p.gamma(), p.kappa(), p.exitLayer(), p.maxBranches(), p.tokensPerSecond(),
                        p.tokensPerSecond() / ar, p.tokensPerSecond() / sd.get(p.gamma()), p.stats()));
            }
            points = rescaled;
            write(out, target, draft, ar, sd, points, gammas, exits, !calibrations.isEmpty());
            System.out.println("wrote " + out.resolve("README.md"));
            return 0;
        }
    }

    private record Measured(double speed, DecodingStats stats) {}

    /** Warm-up once, then every prompt; speed = generated tokens / wall time. Closes the engine. */
    private static Measured measure(DecodingEngine engine, LoadedModel target, String[] prompts, int maxTokens) {
        try (engine) {
            GreedyRun.of(engine, target, prompts[0], Math.min(16, maxTokens));
            long tokens = 0, nanos = 0;
            DecodingStats stats = new DecodingStats();
            for (String p : prompts) {
                GreedyRun r = GreedyRun.of(engine, target, p, maxTokens);
                tokens += r.generated();
                nanos += r.nanos();
                stats.add(r.stats());
            }
            return new Measured(tokens / (nanos / 1e9), stats);
        }
    }

    private static void write(Path out, LoadedModel target, LlamaModel draft, double ar, Map<Integer, Double> sd,
                              List<SweepPoint> points, List<Integer> gammas, List<Integer> exits, boolean calibrated)
            throws java.io.IOException {
        StringBuilder md = new StringBuilder();
        md.append("# Mirror-SD sweep\n\n");
        md.append(String.format(Locale.ROOT, "Target `%s` (%d layers), draft `%s`%s. AR: %.1f tokens/s. SD: %s.%n%n",
                target.name(), target.config().layers(), draft.name(), calibrated ? ", calibrated exit heads" : "", ar,
                sd.entrySet().stream().map(e -> String.format(Locale.ROOT, "γ=%d %.1f tokens/s", e.getKey(), e.getValue()))
                        .toList()));
        md.append("| γ | κ | ℓₑ | branches | tokens/s | vs AR | vs SD | τ̄ | hit rate | prefix ms | suffix ms | draft ms | wait ms |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (SweepPoint p : points) {
            DecodingStats s = p.stats();
            md.append(String.format(Locale.ROOT, "| %d | %d | %d | %s | %.1f | %.2fx | %.2fx | %.2f | %.2f | %.0f | %.0f | %.0f | %.0f |%n",
                    p.gamma(), p.kappa(), p.exitLayer(), p.maxBranches() == 0 ? "all" : p.maxBranches(), p.tokensPerSecond(),
                    p.speedupVsAr(), p.speedupVsSd(), s.meanAcceptedLength(), s.branchHitRate(), s.targetPrefixNanos / 1e6,
                    s.targetSuffixNanos / 1e6, s.draftNanos / 1e6, s.waitNanos / 1e6));
        }
        Files.writeString(out.resolve("sweep.md"), md);
        List<Map<String, Object>> raw = new ArrayList<>();
        for (SweepPoint p : points) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("gamma", p.gamma());
            m.put("kappa", p.kappa());
            m.put("exit_layer", p.exitLayer());
            m.put("max_branches", p.maxBranches());
            m.put("tokens_per_second", p.tokensPerSecond());
            m.put("speedup_vs_ar", p.speedupVsAr());
            m.put("speedup_vs_sd", p.speedupVsSd());
            m.put("stats", p.stats().toMap("mirror"));
            raw.add(m);
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("ar_tokens_per_second", ar);
        json.put("sd_tokens_per_second", sd);
        json.put("points", raw);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.resolve("sweep.json").toFile(), json);
        Files.writeString(out.resolve("heatmap.svg"), HeatMap.svg(gammas, exits, points, "Mirror-SD speedup over AR"));
        Files.writeString(out.resolve("README.md"), "# Benchmark results\n\n- [sweep.md](sweep.md): every setting\n"
                + "- [sweep.json](sweep.json): raw figures\n- [heatmap.svg](heatmap.svg): which γ and ℓₑ win\n");
    }

    private static List<Integer> ints(String csv) {
        List<Integer> out = new ArrayList<>();
        for (String s : csv.split(",")) {
            try {
                out.add(Integer.parseInt(s.trim()));
            } catch (NumberFormatException e) {
                throw new UsageException("expected a comma-separated list of integers, got '" + csv + "'");
            }
        }
        return out;
    }

    private static String fmt(double v) { return String.format(Locale.ROOT, "%.2f", v); }
}
