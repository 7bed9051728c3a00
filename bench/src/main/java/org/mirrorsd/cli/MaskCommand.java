package org.mirrorsd.cli;

import java.nio.file.Path;
import java.util.List;
import org.mirrorsd.bench.MaskBench;
import org.mirrorsd.bench.MemoryBandwidth;
import org.mirrorsd.config.cli.CommandLine;
import org.mirrorsd.config.cli.ParsedArgs;
import org.mirrorsd.config.cli.UsageException;
import org.mirrorsd.models.gguf.GgufFile;
import org.mirrorsd.models.tokenizer.Tokenizer;
import org.mirrorsd.models.tokenizer.Tokenizers;

/** {@code bench mask}: structured output's per-token mask cost on vocabularies, against a forward pass's bound. */
final class MaskCommand {
    static final String SUMMARY = "structured-output mask cost per token on GGUF vocabularies vs a forward pass";
    static final CommandLine CLI = CommandLine.builder("bench mask", SUMMARY)
            .option("vocab", "LIST", "GGUF files with a tokenizer, comma-separated (default: ../shared llama-spm and qwen2)")
            .option("rounds", "N", "repetitions (default 5)")
            .build();

    int run(String[] args) throws Exception {
        ParsedArgs a = CLI.parse(args);
        if (a.helpRequested()) {
            System.out.println(CLI.help());
            return 0;
        }
        List<String> files = List.of(a.value("vocab", "../shared/vocab/ggml-vocab-llama-spm.gguf,"
                + "../shared/vocab-extra/ggml-vocab-qwen2.gguf").split(","));
        int rounds = a.intValue("rounds", 5);
        double bandwidth = MemoryBandwidth.measure(1L << 30, 1, 5);
        System.out.printf("memory bandwidth (1 thread): %.1f GB/s%n", bandwidth / 1e9);
        System.out.printf("%-32s %7s %9s %8s %9s %7s %10s %10s %10s%n", "vocabulary", "tokens", "trie", "trie ms",
                "schema ms", "steps", "cold us/t", "cold max", "warm us/t");
        for (String f : files) {
            Path path = Path.of(f.strip());
            Tokenizer tok;
            try (GgufFile gguf = GgufFile.open(path)) {
                tok = Tokenizers.fromGguf(gguf);
            } catch (java.io.IOException e) {
                throw new UsageException("cannot read " + path + ": " + e.getMessage());
            }
            MaskBench.Result r = MaskBench.run(tok, rounds);
            System.out.printf("%-32s %7d %9d %8.1f %9.1f %7d %10.1f %10.1f %10.1f%n", path.getFileName(), r.vocab(),
                    r.trieNodes(), r.trieMillis(), r.compileMillis(), r.tokens(), r.coldMicros(), r.coldMaxMicros(),
                    r.warmMicros());
        }
        // A forward pass reads every weight once: its time is at least the weights' bytes over the bandwidth.
        double[][] models = {{32_000, 3.83e9}, {151_936, 0.53e9}};
        String[] names = {"Llama-2-7B Q4_0 (32k vocab, 3.83 GB)", "Qwen2-0.5B Q8_0 (152k vocab, 0.53 GB)"};
        for (int i = 0; i < models.length; i++) {
            System.out.printf("forward-pass lower bound, %s: %.0f us%n", names[i], models[i][1] / bandwidth * 1e6);
        }
        return 0;
    }
}
