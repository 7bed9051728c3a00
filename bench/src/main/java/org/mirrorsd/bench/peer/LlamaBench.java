package org.mirrorsd.bench.peer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * llama.cpp's {@code llama-bench}, run as a peer on the same file: never a dependency, only found when installed
 * ({@code --llama-bench PATH}, {@code $LLAMA_BENCH}, or {@code /opt/llama.cpp/usr/bin/llama-bench}).
 */
final class LlamaBench {
    static final Path DEFAULT = Path.of("/opt/llama.cpp/usr/bin/llama-bench");
    private final Path binary;

    private LlamaBench(Path binary) { this.binary = binary; }

    /** The peer, if an executable is found at the given path, else $LLAMA_BENCH, else the default location. */
    static Optional<LlamaBench> find(String explicit) {
        String env = System.getenv("LLAMA_BENCH");
        Path p = explicit != null ? Path.of(explicit) : env != null && !env.isBlank() ? Path.of(env) : DEFAULT;
        return Files.isExecutable(p) ? Optional.of(new LlamaBench(p)) : Optional.empty();
    }

    Path binary() { return binary; }

    /**
     * One repetition of each test ({@code tgN} decode, {@code ppN} prefill) on {@code threads} threads, after
     * llama-bench's own warm-up run. Returns tokens/s by test name ("tg64", "pp128", ...).
     */
    Map<String, Double> run(Path model, int threads, int decodeTokens, List<Integer> prompts) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(binary.toString(), "-m", model.toString(), "-t", String.valueOf(threads),
                "-r", "1", "-o", "json", "-n", String.valueOf(decodeTokens)));
        cmd.add("-p");
        cmd.add(prompts.isEmpty() ? "0" : String.join(",", prompts.stream().map(String::valueOf).toList()));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = p.getInputStream().readAllBytes();
        try {
            if (!p.waitFor(10, TimeUnit.MINUTES)) p.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted while running " + binary);
        }
        if (p.exitValue() != 0) throw new IOException(binary + " exited with " + p.exitValue() + " on " + model);
        return parse(new String(out, StandardCharsets.UTF_8));
    }

    /** llama-bench's JSON: one object per test, {@code n_prompt}/{@code n_gen} naming it, {@code avg_ts} its speed. */
    static Map<String, Double> parse(String json) throws IOException {
        Map<String, Double> speeds = new LinkedHashMap<>();
        for (JsonNode test : new ObjectMapper().readTree(json)) {
            int pp = test.path("n_prompt").asInt(), tg = test.path("n_gen").asInt();
            speeds.put(tg > 0 ? "tg" + tg : "pp" + pp, test.path("avg_ts").asDouble());
        }
        return speeds;
    }
}
