package org.mirrorsd.cli;

import java.nio.file.Path;
import org.mirrorsd.config.cli.CommandLine;
import org.mirrorsd.config.cli.ParsedArgs;
import org.mirrorsd.config.cli.UsageException;
import org.mirrorsd.models.LlamaModel;
import org.mirrorsd.models.ModelLoader;
import org.mirrorsd.models.scale.ModelScaler;
import org.mirrorsd.models.tensor.GgmlType;

/** {@code scale}: a function-preserving enlargement of a real model (see {@link ModelScaler}). */
final class ScaleCommand extends OptionsCommand {
    private static final CommandLine CLI = CommandLine.builder("scale",
                    "write a bigger model that generates exactly what the input generates")
            .option("model", "IN", "the real model")
            .option("out", "OUT", "output file")
            .option("dim", "D", "residual width")
            .option("layers", "L", "layers (real ones are interleaved)")
            .option("hidden", "F", "feed-forward width")
            .option("heads", "H", "query heads (must keep the head size: D/H = d/h)")
            .option("format", "FORMAT", "gguf (default; bin is not written: llama2.c files cannot store the rescaled epsilon)")
            .option("type", "TYPE", "f32 (default) or q8_0")
            .option("seed", "S", "seed of the added random weights (default 1)")
            .build();

    @Override
    public String summary() { return "enlarge a model without changing what it generates (for speed tests)"; }

    @Override
    protected CommandLine cli() { return CLI; }

    @Override
    protected int run(ParsedArgs a) throws Exception {
        Path in = a.pathValue("model").orElseThrow(() -> new UsageException("--model IN is required"));
        Path out = a.pathValue("out").orElseThrow(() -> new UsageException("--out OUT is required"));
        if (!a.value("format", "gguf").equals("gguf")) throw new UsageException("--format: only gguf is written");
        GgmlType type = switch (a.value("type", "f32")) {
            case "f32" -> GgmlType.F32;
            case "q8_0" -> GgmlType.Q8_0;
            default -> throw new UsageException("--type must be f32 or q8_0");
        };
        for (String req : new String[] {"dim", "layers", "hidden", "heads"}) {
            if (!a.has(req)) throw new UsageException("--" + req + " is required");
        }
        ModelScaler.Shape shape = new ModelScaler.Shape(a.intValue("dim", 0), a.intValue("hidden", 0),
                a.intValue("layers", 0), a.intValue("heads", 0));
        try (LlamaModel m = ModelLoader.loadWeights(in)) {
            ModelScaler.writeGguf(m, shape, type, a.intValue("seed", 1), out);
        }
        try (LlamaModel scaled = ModelLoader.loadWeights(out)) {
            System.err.printf("wrote %s: %,d parameters, %.1f MB of weights per token%n", out, scaled.parameterCount(),
                    scaled.weights().bytesPerToken() / 1e6);
        }
        return 0;
    }
}
