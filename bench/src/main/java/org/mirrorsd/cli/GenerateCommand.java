package org.mirrorsd.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.mirrorsd.config.cli.CommandLine;
import org.mirrorsd.config.cli.ParsedArgs;
import org.mirrorsd.config.cli.UsageException;
import org.mirrorsd.decoding.DecodingSession;
import org.mirrorsd.decoding.GenerationRequest;
import org.mirrorsd.decoding.StepResult;
import org.mirrorsd.decoding.sampling.SamplingParams;
import org.mirrorsd.models.tokenizer.Tokenizer;

/** {@code generate}: prints a continuation of the prompt as it is produced. */
final class GenerateCommand extends OptionsCommand {
    private static final CommandLine CLI = EngineOptions.declare(CommandLine.builder("generate",
                    "generate text from a prompt (prints the continuation as it is produced)"))
            .option("prompt", "TEXT", "the prompt (default: empty, BOS only)")
            .option("max-tokens", "N", "most tokens to generate (default 256)")
            .option("temperature", "T", "0 = greedy (default 0)")
            .option("top-p", "P", "nucleus sampling (default 1)")
            .option("top-k", "K", "top-k sampling (default 0 = off)")
            .option("min-p", "P", "min-p sampling (default 0 = off)")
            .option("seed", "S", "random seed (default 0)")
            .flag("json", "print one JSON object at the end instead of streaming text")
            .build();

    @Override
    public String summary() { return "generate text from a prompt (ar, sd, ngram or mirror decoding)"; }

    @Override
    protected CommandLine cli() { return CLI; }

    @Override
    protected int run(ParsedArgs a) throws Exception {
        int maxTokens = a.intValue("max-tokens", 256);
        if (maxTokens < 0) throw new UsageException("--max-tokens must be >= 0");
        SamplingParams sampling;
        try {
            sampling = new SamplingParams((float) a.doubleValue("temperature", 0), a.intValue("top-k", 0),
                    (float) a.doubleValue("top-p", 1), (float) a.doubleValue("min-p", 0), 1f, 0f, 0f,
                    Long.parseLong(a.value("seed", "0")));
        } catch (NumberFormatException e) {
            throw new UsageException("--seed must be an integer");
        }
        boolean json = a.flag("json");
        PrintStream out = System.out;
        try (EngineOptions e = new EngineOptions(a)) {
            Tokenizer tok = e.target.tokenizer();
            int[] prompt = e.target.encodePrompt(a.value("prompt", ""));
            int room = e.target.config().contextLength() + 1 - prompt.length;
            if (room <= 0) throw new UsageException("the prompt has " + prompt.length + " tokens; the context holds " + e.target.config().contextLength());
            maxTokens = Math.min(maxTokens, room);
            int[] stop = tok.special().eos() >= 0 ? new int[] {tok.special().eos()} : new int[0];
            GenerationRequest req = new GenerationRequest(prompt, maxTokens, sampling, stop, 0);
            int[] all = Arrays.copyOf(prompt, prompt.length + maxTokens);
            int n = prompt.length;
            Utf8Stream text = new Utf8Stream();
            long t0 = System.nanoTime();
            long firstToken = 0;
            DecodingSession s = e.engine.open(req);
            try (s) {
                while (!s.finished()) {
                    StepResult r = s.step();
                    if (firstToken == 0 && r.size() > 0) firstToken = System.nanoTime();
                    for (int t : r.tokens()) {
                        all[n++] = t;
                        if (json || tok.special().isControl(t)) continue;
                        byte[] bytes = tok.tokenBytes(t);
                        // After BOS, SentencePiece's first piece carries the dummy-prefix space: drop it.
                        if (n - 1 == 1 && prompt.length == 1 && bytes.length > 0 && bytes[0] == ' ') {
                            bytes = Arrays.copyOfRange(bytes, 1, bytes.length);
                        }
                        out.print(text.add(bytes));
                    }
                    out.flush();
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            int generated = n - prompt.length;
            if (!json) {
                out.println(text.flush());
                System.err.printf("%n[%d tokens in %.2f s: %.1f tokens/s, %s]%n", generated, seconds, generated / seconds,
                        e.method);
                return 0;
            }
            int[] tokens = Arrays.copyOf(all, n);
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("model", e.target.name());
            result.put("tokens", tokens);
            result.put("text", tok.decode(Arrays.copyOfRange(tokens, 1, tokens.length)));
            result.put("completion", tok.decode(Arrays.copyOfRange(tokens, prompt.length, tokens.length)));
            result.put("prompt_tokens", prompt.length);
            result.put("completion_tokens", generated);
            result.put("finish_reason", s.finishReason().apiName());
            result.put("seconds", seconds);
            result.put("time_to_first_token_ms", firstToken == 0 ? null : (firstToken - t0) / 1e6);
            result.put("tokens_per_second", generated / seconds);
            result.put("speculative", s.stats().toMap(e.method));
            out.println(new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS).writeValueAsString(result));
            return 0;
        }
    }
}
