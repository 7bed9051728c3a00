package org.mirrorsd.devices.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mirrorsd.devices.ForwardBatch;
import org.mirrorsd.models.LoadedModel;
import org.mirrorsd.models.ModelLoader;
import org.mirrorsd.testing.SharedFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every {@code *.gguf} in {@code fixtures/llamacpp/} (found at run time: a new file there is tested without new
 * code) against llama.cpp's own numbers, as that folder's README explains: llama.cpp's tokens are
 * teacher-forced (the prompt as one batch, then each reference token alone), and at every position the
 * log-probabilities of the ten ids llama.cpp lists are compared, and our arg-max with its first id; a different
 * arg-max is allowed only where llama.cpp's own top-2 margin is below the file's tolerance. The prompt text,
 * tokenized as {@code generate --prompt} does, must give the record's prompt tokens.
 */
public class LlamaCppFixtureTest {
    private static final Logger log = LoggerFactory.getLogger(LlamaCppFixtureTest.class);

    /** llama.cpp's references for one prompt. */
    record Reference(String promptText, int[] promptTokens, int[] completion, int[][] topIds, double[][] topLogprobs) {}

    /**
     * What a file must meet. Float files: every listed log-prob within {@code maxDelta}. Quantized files (llama.cpp
     * rounds activations before quantized matmuls, these random models amplify it): the mean within
     * {@code meanDelta}, the largest within {@code maxDelta}, and at least {@code argmaxShare} of arg-maxes equal.
     */
    record Tolerance(double maxDelta, double meanDelta, double argmaxShare) {
        static Tolerance of(String file) {
            String name = file.substring(0, file.length() - ".gguf".length());
            String arch = name.substring(0, name.indexOf('-'));
            String type = name.substring(name.indexOf('-') + 1);
            boolean gemma = arch.startsWith("gemma");
            if (type.equals("F32") || type.equals("F16") || type.equals("BF16")) {
                return gemma ? new Tolerance(2e-2, 2e-2, 1.0) : new Tolerance(1e-3, 1e-3, 1.0);
            }
            if (arch.equals("gemma3")) return new Tolerance(2.5, 0.35, 0.75);
            return new Tolerance(1.0, 0.15, 0.9);
        }

        /** A different arg-max is allowed where llama.cpp's top-2 margin is below this. */
        double argmaxMargin() { return maxDelta; }
    }

    static Stream<String> files() throws IOException {
        try (Stream<Path> s = Files.list(SharedFiles.file("fixtures/llamacpp"))) {
            List<String> names = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".gguf")).sorted().toList();
            assertFalse(names.isEmpty(), "no GGUF fixtures");
            return names.stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("files")
    void matchesLlamaCpp(String file) throws Exception {
        Path dir = SharedFiles.file("fixtures/llamacpp");
        Tolerance tol = Tolerance.of(file);
        List<Reference> refs = references(dir.resolve(file.replace(".gguf", ".jsonl")));
        try (LoadedModel m = ModelLoader.load(dir.resolve(file), null, null);
             CpuExecutor exec = new CpuExecutor(m.model(), 2)) {
            double sum = 0, max = 0;
            int compared = 0, positions = 0, argmaxEqual = 0;
            List<String> failures = new ArrayList<>();
            for (int ri = 0; ri < refs.size(); ri++) {
                Reference ref = refs.get(ri);
                assertArrayEquals(ref.promptTokens(), m.encodePrompt(ref.promptText()),
                        file + " prompt " + ri + ": tokens of \"" + ref.promptText() + "\"");
                List<double[]> ours = teacherForce(exec, ref.promptTokens(), ref.completion());
                for (int k = 0; k < ours.size(); k++) {
                    double[] lp = ours.get(k);
                    positions++;
                    for (int j = 0; j < ref.topIds()[k].length; j++) {
                        double d = Math.abs(lp[ref.topIds()[k][j]] - ref.topLogprobs()[k][j]);
                        sum += d;
                        compared++;
                        max = Math.max(max, d);
                        if (tol.meanDelta() == tol.maxDelta() && d > tol.maxDelta()) {
                            failures.add("prompt " + ri + " position " + k + " token " + ref.topIds()[k][j] + ": "
                                    + lp[ref.topIds()[k][j]] + " vs llama.cpp " + ref.topLogprobs()[k][j]);
                        }
                    }
                    int argmax = argmax(lp);
                    double margin = ref.topLogprobs()[k][0] - ref.topLogprobs()[k][1];
                    if (argmax == ref.topIds()[k][0]) {
                        argmaxEqual++;
                    } else if (margin >= tol.argmaxMargin()) {
                        failures.add("prompt " + ri + " position " + k + ": arg-max " + argmax + " but llama.cpp's is "
                                + ref.topIds()[k][0] + " with a margin of " + margin);
                    }
                }
            }
            double mean = sum / compared;
            log.info("{}: max |d| {} mean |d| {} arg-max equal at {}/{} positions", file, String.format("%.2e", max),
                    String.format("%.2e", mean), argmaxEqual, positions);
            assertTrue(failures.isEmpty(), file + ": " + failures.size() + " mismatches, first: "
                    + failures.subList(0, Math.min(5, failures.size())));
            assertTrue(max <= tol.maxDelta(), file + ": max |delta| " + max + " above " + tol.maxDelta());
            assertTrue(mean <= tol.meanDelta(), file + ": mean |delta| " + mean + " above " + tol.meanDelta());
            assertTrue(argmaxEqual >= tol.argmaxShare() * positions,
                    file + ": arg-max equal at only " + argmaxEqual + " of " + positions + " positions");
        }
    }

    /** Log-softmax (double) after the prompt, then after each of llama.cpp's completion tokens but the last. */
    static List<double[]> teacherForce(CpuExecutor exec, int[] prompt, int[] completion) {
        int vocab = exec.config().vocabSize();
        int n = prompt.length;
        List<double[]> out = new ArrayList<>();
        try (CpuKvCache cache = exec.newCache(exec.config().contextLength())) {
            ForwardBatch batch = exec.newBatch(n);
            batch.addSequence(prompt, 0, n, cache, 0);
            float[] logits = new float[vocab];
            forward(exec, batch);
            exec.logits(batch, n - 1, logits, 0);
            out.add(logSoftmax(logits));
            for (int k = 0; k + 1 < completion.length; k++) {
                batch.clear();
                batch.add(completion[k], cache, n + k);
                forward(exec, batch);
                exec.logits(batch, logits);
                out.add(logSoftmax(logits));
            }
        }
        return out;
    }

    private static void forward(CpuExecutor exec, ForwardBatch batch) {
        exec.embed(batch);
        exec.runLayers(0, exec.config().layers(), batch);
    }

    static double[] logSoftmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) max = Math.max(max, v);
        double sum = 0;
        for (float v : logits) sum += Math.exp(v - max);
        double lse = max + Math.log(sum);
        double[] out = new double[logits.length];
        for (int i = 0; i < logits.length; i++) out[i] = logits[i] - lse;
        return out;
    }

    private static int argmax(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
        return best;
    }

    static List<Reference> references(Path jsonl) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<Reference> out = new ArrayList<>();
        for (String line : Files.readAllLines(jsonl)) {
            if (line.isBlank()) continue;
            JsonNode n = json.readTree(line);
            JsonNode top = n.get("top_logprobs");
            int[][] ids = new int[top.size()][];
            double[][] lps = new double[top.size()][];
            for (int k = 0; k < top.size(); k++) {
                ids[k] = new int[top.get(k).size()];
                lps[k] = new double[top.get(k).size()];
                for (int j = 0; j < ids[k].length; j++) {
                    ids[k][j] = top.get(k).get(j).get(0).asInt();
                    lps[k][j] = top.get(k).get(j).get(1).asDouble();
                }
            }
            out.add(new Reference(n.get("prompt_text").asText(), ints(n.get("prompt_tokens")),
                    ints(n.get("completion_tokens")), ids, lps));
        }
        return out;
    }

    private static int[] ints(JsonNode a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) out[i] = a.get(i).asInt();
        return out;
    }
}
