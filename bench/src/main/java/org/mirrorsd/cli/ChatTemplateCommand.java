package org.mirrorsd.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mirrorsd.config.cli.CommandLine;
import org.mirrorsd.config.cli.ParsedArgs;
import org.mirrorsd.config.cli.UsageException;
import org.mirrorsd.models.chat.ChatPrompt;
import org.mirrorsd.models.chat.ChatTemplate;
import org.mirrorsd.models.chat.ChatTemplateException;
import org.mirrorsd.models.chat.ChatTemplates;
import org.mirrorsd.models.chat.JinjaChatTemplate;
import org.mirrorsd.models.gguf.GgufFile;
import org.mirrorsd.models.tokenizer.Tokenizers;

/**
 * {@code chat-template}: renders conversations through a Jinja chat template exactly as Hugging Face's
 * {@code apply_chat_template} does, to check a template or see the prompt a chat request becomes.
 */
final class ChatTemplateCommand extends OptionsCommand {
    private static final CommandLine CLI = CommandLine.builder("chat-template",
                    "render conversations through a model's Jinja chat template")
            .option("model", "FILE", "GGUF model (a vocabulary-only file will do): its template and special tokens")
            .option("template", "FILE", "a .jinja template, or a folder of them chosen by each case's 'template'")
            .option("cases", "FILE", "JSON lines of {messages, tools, add_generation_prompt, bos_token, eos_token,"
                    + " extra}: one {\"text\"} or {\"error\"} line each")
            .option("messages", "FILE", "a JSON array of messages, or a chat request body: prints the prompt")
            .option("bos", "TEXT", "bos_token for --template (default: none)")
            .option("eos", "TEXT", "eos_token for --template (default: none)")
            .option("now", "DATETIME", "the clock strftime_now reads, e.g. 2026-01-15T00:00:00 (default: now)")
            .build();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String summary() { return "render conversations through a model's chat template"; }

    @Override
    protected CommandLine cli() { return CLI; }

    /** Where templates come from: a model file, one template file, or a folder of them. */
    private record Source(ChatTemplate model, Path template, Map<String, JinjaChatTemplate> loaded) {
        ChatTemplate forCase(Object name) throws java.io.IOException {
            if (model != null) return model;
            Path file = template;
            if (Files.isDirectory(template)) {
                if (!(name instanceof String n)) throw new IllegalArgumentException("a case names no 'template' in " + template);
                file = template.resolve(n);
            }
            JinjaChatTemplate t = loaded.get(file.toString());
            if (t == null) {
                if (!Files.isRegularFile(file)) throw new NoSuchFileException(file.toString(), null, "no such template");
                t = new JinjaChatTemplate(Files.readString(file), null, null);
                loaded.put(file.toString(), t);
            }
            return t;
        }
    }

    @Override
    protected int run(ParsedArgs a) throws Exception {
        if (a.has("model") == a.has("template")) throw new UsageException("give one of --model FILE and --template FILE");
        if (a.has("cases") == a.has("messages")) throw new UsageException("give one of --cases FILE and --messages FILE");
        Clock clock = clock(a.value("now").orElse(null));
        Source source = a.pathValue("model").isPresent()
                ? new Source(fromModel(a.pathValue("model").get()), null, Map.of())
                : new Source(null, a.pathValue("template").get(), new HashMap<>());
        String bos = a.value("bos").orElse(null);
        String eos = a.value("eos").orElse(null);
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        try {
            if (a.has("messages")) {
                Path file = a.pathValue("messages").get();
                ChatTemplate t = source.forCase(null);
                if (source.model() == null) t = ((JinjaChatTemplate) t).withTokens(bos, eos);
                out.print(render(t, clock, request(file, read(file, Files.readString(file)))));
                return 0;
            }
            Path file = a.pathValue("cases").get();
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).isBlank()) continue;
                String where = file + ":" + (i + 1);
                if (!(read(where, lines.get(i)) instanceof Map<?, ?> record)) throw new IllegalArgumentException(where + ": not a JSON object");
                ChatTemplate t = source.forCase(record.get("template"));
                if (t instanceof JinjaChatTemplate j) {
                    t = j.withTokens(token(record.get("bos_token"), source.model() != null ? j.bosToken() : bos),
                            token(record.get("eos_token"), source.model() != null ? j.eosToken() : eos));
                }
                Map<String, Object> result = new LinkedHashMap<>();
                try {
                    result.put("text", render(t, clock, prompt(where, record.get("messages"), record.get("tools"),
                            record.get("add_generation_prompt"), record.get("extra"))));
                } catch (ChatTemplateException e) {
                    result.put("error", e.getMessage());
                    result.put("error_type", e.kind());
                }
                out.println(JSON.writeValueAsString(result));
            }
            return 0;
        } finally {
            out.flush();
        }
    }

    /** A Jinja template's exact text (BOS included), or a built-in style's prompt. */
    private static String render(ChatTemplate t, Clock clock, ChatPrompt prompt) {
        return t instanceof JinjaChatTemplate j ? j.withClock(clock).renderText(prompt) : t.render(prompt);
    }

    private static String token(Object fromCase, String fallback) {
        return fromCase instanceof String s ? s : fallback;
    }

    /** A messages file: an array of messages, or a request body with messages, tools, chat_template_kwargs. */
    private static ChatPrompt request(Path file, Object json) {
        if (json instanceof List<?>) return prompt(file.toString(), json, null, true, null);
        if (!(json instanceof Map<?, ?> body)) throw new IllegalArgumentException(file + ": expected a JSON array of messages or an object");
        Object kwargs = body.containsKey("chat_template_kwargs") ? body.get("chat_template_kwargs") : body.get("extra");
        return prompt(file.toString(), body.get("messages"), body.get("tools"),
                body.containsKey("add_generation_prompt") ? body.get("add_generation_prompt") : true, kwargs);
    }

    @SuppressWarnings("unchecked")
    private static ChatPrompt prompt(String where, Object messages, Object tools, Object addGenerationPrompt, Object extra) {
        if (!(messages instanceof List<?> list) || !list.stream().allMatch(m -> m instanceof Map)) {
            throw new IllegalArgumentException(where + ": 'messages' must be an array of objects");
        }
        if (tools != null && !(tools instanceof List<?>)) throw new IllegalArgumentException(where + ": 'tools' must be an array or null");
        if (extra != null && !(extra instanceof Map<?, ?>)) throw new IllegalArgumentException(where + ": 'extra' must be an object");
        if (addGenerationPrompt != null && !(addGenerationPrompt instanceof Boolean)) {
            throw new IllegalArgumentException(where + ": 'add_generation_prompt' must be true or false");
        }
        return new ChatPrompt((List<Map<String, Object>>) list, (List<Map<String, Object>>) tools,
                Boolean.TRUE.equals(addGenerationPrompt), (Map<String, Object>) extra);
    }

    private static Object read(Object where, String json) {
        try {
            return JSON.readValue(json, Object.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(where + ": not valid JSON (" + e.getOriginalMessage() + ")");
        }
    }

    /**
     * The template and special tokens of a GGUF; only its metadata is read, so a vocabulary-only file is enough.
     * Without a template, the built-in style the server would choose from the vocabulary.
     */
    private static ChatTemplate fromModel(Path path) throws java.io.IOException {
        if (!Files.isRegularFile(path)) throw new NoSuchFileException(path.toString(), null, "model file not found");
        try (GgufFile gguf = GgufFile.open(path)) {
            String source = gguf.getOptionalString("tokenizer.chat_template").orElse(null);
            if (source == null) {
                ChatTemplate builtIn = ChatTemplates.detect(null, Tokenizers.fromGguf(gguf));
                System.err.println("mirror-sd chat-template: " + path + " carries no tokenizer.chat_template;"
                        + " rendering the built-in '" + builtIn.name() + "' style the server uses for it");
                return builtIn;
            }
            String[] tokens = gguf.getOptionalStringArray("tokenizer.ggml.tokens").orElse(new String[0]);
            return new JinjaChatTemplate(source, piece(gguf, tokens, "tokenizer.ggml.bos_token_id"),
                    piece(gguf, tokens, "tokenizer.ggml.eos_token_id"));
        }
    }

    private static String piece(GgufFile gguf, String[] tokens, String key) {
        if (!gguf.has(key)) return null;
        int id = gguf.getInt(key);
        return id >= 0 && id < tokens.length ? tokens[id] : null;
    }

    private static Clock clock(String now) throws UsageException {
        if (now == null) return Clock.systemDefaultZone();
        try {
            return Clock.fixed(LocalDateTime.parse(now).toInstant(ZoneOffset.UTC), ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new UsageException("--now wants a date and time like 2026-01-15T00:00:00, not '" + now + "'");
        }
    }
}
