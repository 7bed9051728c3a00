package org.mirrorsd.bench.specbench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.mirrorsd.cli.Main;
import org.mirrorsd.config.ConfigLoader;
import org.mirrorsd.config.MirrorSdConfig;
import org.mirrorsd.config.cli.CommandLine;
import org.mirrorsd.config.cli.ParsedArgs;
import org.mirrorsd.config.cli.UsageException;
import org.mirrorsd.decoding.sampling.SamplingParams;
import org.mirrorsd.decoding.speculative.SpecOptions;
import org.mirrorsd.models.LoadedModel;
import org.mirrorsd.models.ModelLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code bench specbench}: replays SpecBench questions with several decoding methods, in-process or against a
 * running server, and writes the report (Markdown, JSON, SVG chart, README index) into {@code --out}.
 */
public final class SpecBenchCommand implements Main.Command {
    private static final Logger LOG = LoggerFactory.getLogger(SpecBenchCommand.class);
    static final CommandLine CLI = CommandLine.builder("bench specbench",
                    "replay SpecBench questions with several decoding methods and report speedups per task")
            .option("questions", "FILE", "SpecBench question.jsonl (default ../shared/specbench/question.jsonl)")
            .option("categories", "LIST", "task groups: mt_bench,translation,summarization,qa,math_reasoning,rag (default all)")
            .option("limit", "N", "questions per task group (default all)")
            .option("server", "URL", "replay against a running server (streaming /v1/chat/completions)")
            .option("api-key", "KEY", "bearer token for --server")
            .option("model", "PATH", "target model (in-process; with --server: only to fit prompts to the context)")
            .option("draft", "PATH", "draft model for sd and mirror (in-process)")
            .option("tokenizer", "PATH", "tokenizer (default: the model's)")
            .option("config", "FILE", "take model, draft, decoding knobs and threads from a config file")
            .option("methods", "LIST", "comma-separated, the baseline ar first (default ar,sd,mirror with a draft, else ar,ngram)")
            .option("max-tokens", "N", "tokens per turn at most (default 128)")
            .option("temperature", "T", "sampling temperature (default 0 = greedy, whose outputs are checked to agree)")
            .option("warmup", "N", "questions to warm up on before timing (default 1)")
            .option("out", "DIR", "report directory (default specbench-results)")
            .option("gamma", "N", "draft window (default 7)")
            .option("kappa", "K", "Mirror-SD early-exit candidates (default 8)")
            .option("exit-layer", "L", "Mirror-SD early-exit layer (default layers/2)")
            .option("max-branches", "B", "Mirror-SD cap on branch rollouts (default all)")
            .option("calibration", "FILE", "heads fitted by `calibrate` (Mirror-SD's exit head)")
            .option("threads", "N", "target threads for every method (default: all cores, minus the draft's for mirror)")
            .option("draft-threads", "N", "draft threads (default 1)")
            .build();

    private final PrintStream out;
    private final PrintStream err;

    public SpecBenchCommand() {
        this(System.out, System.err);
    }

    public SpecBenchCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public String summary() { return "replay SpecBench questions per task group; report, JSON and chart"; }

    @Override
    public int run(String[] args) throws Exception {
        ParsedArgs a = CLI.parse(args);
        if (a.helpRequested()) {
            out.println(CLI.help());
            return 0;
        }
        MirrorSdConfig config = a.pathValue("config").map(f -> ConfigLoader.load(f, System.getenv(), List.of())).orElse(null);
        Path model = a.pathValue("model").orElse(config == null ? null : config.model().path());
        Path tokenizer = a.pathValue("tokenizer").orElse(config == null ? null : config.model().tokenizer());
        Path draft = a.pathValue("draft").orElse(config == null || !config.draft().configured() ? null : config.draft().path());
        String server = a.value("server").orElse(null);
        if (server == null && model == null) throw new UsageException("give --model PATH (and --draft PATH), --config FILE or --server URL");
        List<String> methods = List.of(a.value("methods", draft != null || server != null ? "ar,sd,mirror" : "ar,ngram").split(","));
        int maxTokens = a.intValue("max-tokens", 128);
        double temperature = a.doubleValue("temperature", 0);
        int limit = a.intValue("limit", 0);
        int warmup = a.intValue("warmup", 1);
        if (maxTokens < 1) throw new UsageException("--max-tokens must be >= 1");
        List<TaskGroup> groups = a.value("categories").map(s -> Arrays.stream(s.split(",")).map(TaskGroup::byKey).distinct().toList())
                .orElse(List.of(TaskGroup.values()));
        Path questionsFile = a.pathValue("questions").orElse(Path.of("..", "shared", "specbench", "question.jsonl"));
        List<Question> questions = QuestionSet.select(QuestionSet.load(questionsFile), Set.copyOf(groups), limit);
        if (questions.isEmpty()) throw new UsageException("no questions selected from " + questionsFile);
        Path outDir = a.pathValue("out").orElse(Path.of("specbench-results"));
        String command = "mirror-sd bench specbench " + String.join(" ", args);

        List<MachineInfo.ModelFile> files = new ArrayList<>();
        if (model != null) files.add(MachineInfo.file("target", model));
        if (draft != null && methods.stream().anyMatch(LocalEngines::needsDraft)) files.add(MachineInfo.file("draft", draft));
        if (tokenizer != null) files.add(MachineInfo.file("tokenizer", tokenizer));
        SamplingParams sampling = temperature == 0 ? SamplingParams.greedy() : SamplingParams.of((float) temperature, 0, 1f, 1234);

        if (server != null) {
            try (LoadedModel local = model == null ? null : ModelLoader.load(model, tokenizer, null)) {
                URI base = URI.create(server);
                HttpGenerator probe = new HttpGenerator(base, null, maxTokens, temperature, a.value("api-key").orElse(null));
                HttpGenerator.ServerModel served = probe.model();
                for (String m : methods) {
                    if (!served.methods().isEmpty() && !served.methods().contains(m)) {
                        throw new UsageException("the server does not offer method " + m + " (it offers " + served.methods() + ")");
                    }
                }
                int budget = served.contextLength() > 0 ? served.contextLength() - maxTokens : 0;
                PromptFitter fitter = local != null && budget > 0 ? new PromptFitter(local.tokenizer(), local.chatTemplate(), budget) : null;
                if (fitter == null) LOG.warn("no --model given: prompts are sent whole; those the server refuses are skipped");
                boolean loopback = "localhost".equals(base.getHost()) || "127.0.0.1".equals(base.getHost()) || "::1".equals(base.getHost());
                Generator g = new HttpGenerator(base, fitter, maxTokens, temperature, a.value("api-key").orElse(null));
                RunSettings settings = new RunSettings(methods, groups, limit, maxTokens, temperature, warmup,
                        fitter == null ? 0 : budget, g.description(), questionsFile.toString(), command, Instant.now());
                return replay(g, settings, questions, MachineInfo.measure(files, loopback), outDir);
            }
        }
        SpecOptions o = SpecOptions.defaults();
        if (config != null) {
            var d = config.decoding();
            o = o.withGamma(d.gamma()).withKappa(d.kappa()).withExitLayer(d.exitLayer() == null ? -1 : d.exitLayer())
                    .withMaxBranches(d.maxBranches() == null ? 0 : d.maxBranches());
        }
        if (a.has("gamma")) o = o.withGamma(a.intValue("gamma", 7));
        if (a.has("kappa")) o = o.withKappa(a.intValue("kappa", 8));
        if (a.has("exit-layer")) o = o.withExitLayer(a.intValue("exit-layer", -1));
        if (a.has("max-branches")) o = o.withMaxBranches(a.intValue("max-branches", 0));
        int threads = a.intValue("threads", 0);
        int draftThreads = a.intValue("draft-threads",
                config != null && config.devices().draftThreads() != null ? config.devices().draftThreads() : 1);
        try (LocalEngines local = LocalEngines.open(model, tokenizer, draft, methods, o, threads, draftThreads,
                a.has("calibration") ? org.mirrorsd.decoding.calibration.Calibration.load(a.pathValue("calibration").get()) : null)) {
            int budget = local.promptBudget(maxTokens);
            LOG.info("target {} ({}-token context), draft {}; target threads {}; prompts cut to {} tokens",
                    local.target().name(), local.target().config().contextLength(),
                    local.draft() == null ? "-" : local.draft().name() + " (" + local.draft().config().contextLength() + "-token context)",
                    local.targetThreads(), budget);
            PromptFitter fitter = new PromptFitter(local.target().tokenizer(), local.target().chatTemplate(), budget);
            Generator g = new InProcessGenerator(local.target().tokenizer(), local.engines(), fitter, maxTokens, sampling);
            RunSettings settings = new RunSettings(methods, groups, limit, maxTokens, temperature, warmup, budget,
                    g.description() + " (target threads " + local.targetThreads() + ")", questionsFile.toString(), command,
                    Instant.now());
            return replay(g, settings, questions, MachineInfo.measure(files, true), outDir);
        }
    }

    /** Runs the replay; Ctrl-C stops it after the generation in flight and still writes the report. */
    private int replay(Generator g, RunSettings settings, List<Question> questions, MachineInfo machine, Path outDir)
            throws InterruptedException, IOException {
        ReplayListener progress = System.console() != null ? new TerminalProgress(err) : new LogProgress(30);
        ReplayRunner runner = new ReplayRunner(g, settings.methods(), settings.warmupQuestions(), settings.greedy(), progress);
        CountDownLatch written = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            runner.requestStop();
            try {
                if (!written.await(10, TimeUnit.MINUTES)) err.println("specbench: gave up waiting for the report");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "specbench-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            ReplayRunner.Outcome outcome = runner.run(questions);
            Summary summary = ReportWriter.write(outDir, settings, machine, outcome);
            long mismatches = outcome.runs().stream().mapToLong(r -> r.mismatches().size()).sum();
            out.print(MarkdownReport.leaderboard(summary));
            out.println();
            if (settings.greedy()) {
                out.println(mismatches == 0 ? "greedy outputs identical across methods: yes"
                        : "WARNING: " + mismatches + " greedy output(s) differ (see " + outDir.resolve(ReportWriter.MARKDOWN) + ")");
            }
            out.println((outcome.complete() ? "report: " : "partial report: ") + outDir.resolve(ReportWriter.INDEX));
            return mismatches == 0 ? 0 : 1;
        } finally {
            written.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it returns now that the report is written
            }
        }
    }
}
