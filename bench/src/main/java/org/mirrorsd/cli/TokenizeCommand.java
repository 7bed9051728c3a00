package org.mirrorsd.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mirrorsd.config.cli.CommandLine;
import org.mirrorsd.config.cli.ParsedArgs;
import org.mirrorsd.config.cli.UsageException;
import org.mirrorsd.models.TokenizerLoader;
import org.mirrorsd.models.tokenizer.Tokenizer;

/**
 * {@code tokenize}: token ids and pieces of a text, without BOS, like llama.cpp's llama-tokenize. Only the
 * tokenizer is loaded, so vocabulary-only GGUFs work. {@code --jsonl} is the batch form: one JSON string per
 * stdin line in, one JSON array of ids per line out.
 */
final class TokenizeCommand extends OptionsCommand {
    private static final CommandLine CLI = CommandLine.builder("tokenize", "print the token ids of a text (no BOS)")
            .option("model", "PATH", "model (or vocabulary-only GGUF, directory, Hub owner/repo) whose tokenizer to use")
            .option("quant", "TAG", "quant tag that picks the GGUF in a directory or repository (e.g. Q4_K_M)")
            .option("tokenizer", "PATH", "tokenizer file (default: the model's)")
            .option("text", "TEXT", "the text to tokenize")
            .option("file", "PATH", "tokenize the whole content of this UTF-8 file (like llama-tokenize --file)")
            .flag("jsonl", "read one JSON string per line from stdin, print one JSON array of ids per line")
            .flag("parse-special", "turn special-token text such as <|im_start|> into its id (default: plain text)")
            .flag("json", "print a JSON object with the ids and pieces")
            .build();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String summary() { return "print the token ids and pieces of a text"; }

    @Override
    protected CommandLine cli() { return CLI; }

    @Override
    protected int run(ParsedArgs a) throws Exception {
        Path model = a.pathValue("model").orElseThrow(() -> new UsageException("--model PATH is required"));
        int inputs = (a.has("text") ? 1 : 0) + (a.has("file") ? 1 : 0) + (a.flag("jsonl") ? 1 : 0);
        if (inputs != 1) throw new UsageException("give exactly one of --text TEXT, --file PATH, --jsonl");
        if (a.flag("jsonl") && a.flag("json")) throw new UsageException("--json and --jsonl do not combine");
        boolean parseSpecial = a.flag("parse-special");
        Tokenizer tokenizer = TokenizerLoader.load(model, a.pathValue("tokenizer").orElse(null), a.value("quant", null));
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        try {
            if (a.flag("jsonl")) {
                jsonLines(tokenizer, parseSpecial, out);
            } else {
                String text = a.has("text") ? a.value("text").orElseThrow() : readUtf8(a.pathValue("file").orElseThrow());
                print(tokenizer, tokenizer.encode(text, parseSpecial), a.flag("json"), out);
            }
        } finally {
            out.flush();
        }
        return 0;
    }

    private static void jsonLines(Tokenizer tokenizer, boolean parseSpecial, PrintStream out) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)));
        int lineNumber = 0;
        for (String line; (line = readLine(in, lineNumber + 1)) != null; ) {
            lineNumber++;
            JsonNode node;
            try {
                node = JSON.readTree(line);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("stdin line " + lineNumber + ": not JSON: "
                        + e.getOriginalMessage().lines().findFirst().orElse(""));
            }
            if (node == null || !node.isTextual()) {
                throw new IllegalArgumentException("stdin line " + lineNumber + ": expected a JSON string, got "
                        + (node == null || node.isMissingNode() ? "an empty line" : node.getNodeType().toString().toLowerCase()));
            }
            out.println(JSON.writeValueAsString(tokenizer.encode(node.textValue(), parseSpecial)));
            out.flush(); // a caller may be waiting for each answer before it writes the next line
        }
    }

    private static String readLine(BufferedReader in, int lineNumber) throws IOException {
        try {
            return in.readLine();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("stdin line " + lineNumber + ": not valid UTF-8");
        }
    }

    private static String readUtf8(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(file + ": not valid UTF-8");
        }
    }

    private static void print(Tokenizer tokenizer, int[] ids, boolean json, PrintStream out) throws IOException {
        if (json) {
            List<String> pieces = new ArrayList<>();
            for (int id : ids) pieces.add(tokenizer.piece(id));
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("tokens", ids);
            o.put("pieces", pieces);
            out.println(JSON.writeValueAsString(o));
        } else {
            for (int id : ids) out.printf("%6d -> '%s'%n", id, tokenizer.piece(id));
        }
    }
}
