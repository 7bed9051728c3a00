package org.mirrorsd.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mirrorsd.config.cli.CommandLine;
import org.mirrorsd.config.cli.ParsedArgs;
import org.mirrorsd.config.cli.UsageException;
import org.mirrorsd.models.LoadedModel;
import org.mirrorsd.models.ModelLoader;

/** {@code tokenize}: token ids and pieces of a text, without BOS, like llama.cpp's llama-tokenize. */
final class TokenizeCommand extends OptionsCommand {
    private static final CommandLine CLI = CommandLine.builder("tokenize", "print the token ids of a text (no BOS)")
            .option("model", "PATH", "model whose tokenizer to use")
            .option("tokenizer", "PATH", "tokenizer file (default: the model's)")
            .option("text", "TEXT", "the text to tokenize")
            .flag("json", "print a JSON object")
            .build();

    @Override
    public String summary() { return "print the token ids and pieces of a text"; }

    @Override
    protected CommandLine cli() { return CLI; }

    @Override
    protected int run(ParsedArgs a) throws Exception {
        Path model = a.pathValue("model").orElseThrow(() -> new UsageException("--model PATH is required"));
        String text = a.value("text").orElseThrow(() -> new UsageException("--text TEXT is required"));
        try (LoadedModel m = ModelLoader.load(model, a.pathValue("tokenizer").orElse(null), null)) {
            int[] ids = m.tokenizer().encode(text, false);
            if (a.flag("json")) {
                List<String> pieces = new ArrayList<>();
                for (int id : ids) pieces.add(m.tokenizer().piece(id));
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("tokens", ids);
                out.put("pieces", pieces);
                System.out.println(new ObjectMapper().writeValueAsString(out));
            } else {
                for (int id : ids) System.out.printf("%6d -> '%s'%n", id, m.tokenizer().piece(id));
            }
        }
        return 0;
    }
}
