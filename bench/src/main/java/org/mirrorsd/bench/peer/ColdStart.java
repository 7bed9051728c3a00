package org.mirrorsd.bench.peer;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.mirrorsd.decoding.DecodingEngine;
import org.mirrorsd.decoding.DecodingSession;
import org.mirrorsd.decoding.Engines;
import org.mirrorsd.decoding.GenerationRequest;
import org.mirrorsd.decoding.speculative.SpecOptions;
import org.mirrorsd.devices.cpu.CpuExecutor;
import org.mirrorsd.models.LlamaModel;
import org.mirrorsd.models.ModelLoader;

/**
 * Time to first token of the first request after start-up, which is what a user waits for and what no warm
 * benchmark shows: the JIT has compiled nothing yet. Measured in a fresh JVM (this class's {@link #main}
 * mode), started with this JVM's own flags and class path.
 */
final class ColdStart {
    /** Load = model file opened and executor made (the warm-up included, when asked); TTFT of request 1 and 2. */
    record Result(double loadMs, double firstTtftMs, double secondTtftMs) {}

    private ColdStart() {}

    /** Runs {@link #measure} in a child JVM and parses its one line of output. */
    static Result inFreshJvm(Path model, int threads, int promptTokens, boolean warmUp) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "org.mirrorsd.cli.Main", "bench", "peer",
                "--cold-start", "--model", model.toString(), "--threads", String.valueOf(threads),
                "--ttft-prompt", String.valueOf(promptTokens)));
        if (warmUp) cmd.add("--warm-up");
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        try {
            if (!p.waitFor(5, TimeUnit.MINUTES)) p.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
        }
        String[] f = out.substring(out.lastIndexOf('\n') + 1).split(" ");
        if (p.exitValue() != 0 || f.length != 3) throw new IOException("cold-start run failed on " + model + ": " + out);
        return new Result(Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]));
    }

    /** The child's side: load (and warm up, as the server does), then two requests of {@code promptTokens} tokens, each until its first token. */
    static Result measure(Path model, int threads, int promptTokens, boolean warmUp) throws IOException {
        long t0 = System.nanoTime();
        try (LlamaModel m = ModelLoader.loadWeights(model); CpuExecutor exec = new CpuExecutor(m, threads)) {
            if (warmUp) exec.warmUp();
            double load = (System.nanoTime() - t0) / 1e6;
            try (DecodingEngine ar = Engines.create("ar", exec, null, SpecOptions.defaults())) {
                int[] prompt = OwnRuns.prompt(Math.min(promptTokens, m.config().contextLength() - 1), m.config().vocabSize());
                return new Result(load, ttft(ar, prompt), ttft(ar, prompt));
            }
        }
    }

    private static double ttft(DecodingEngine engine, int[] prompt) {
        long t0 = System.nanoTime();
        try (DecodingSession s = engine.open(GenerationRequest.greedy(prompt, 1))) {
            while (!s.finished() && s.step().tokens().length == 0) { }
            return (System.nanoTime() - t0) / 1e6;
        }
    }
}
