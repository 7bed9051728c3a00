package org.mirrorsd.server.structured;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dk.brics.automaton.Automaton;
import dk.brics.automaton.BasicAutomata;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mirrorsd.decoding.constraint.JsonSchemaCompiler;
import org.mirrorsd.models.chat.ChatTemplate;

/**
 * How a model family writes tool calls, chosen from its chat template's markers: Hermes/Qwen
 * {@code <tool_call>{"name":..., "arguments":...}</tool_call>} (also what the built-in styles' default tool
 * prompt asks for), Llama 3.x {@code {"name":..., "parameters":...}} (after {@code <|python_tag|>} or bare), and
 * Mistral {@code [TOOL_CALLS][{"name":..., "arguments":...}]}. Parses a finished output into calls, and builds
 * the automaton that forces calls when {@code tool_choice} is {@code required} or names a function.
 */
public enum ToolCallSyntax {
    HERMES("<tool_call>", "</tool_call>", "\n", "arguments", true),
    LLAMA3("", "", "", "parameters", false),
    MISTRAL("[TOOL_CALLS][", "]", ",", "arguments", true);

    private static final ObjectMapper JSON = new ObjectMapper();
    private final String open;
    private final String close;
    private final String separator;
    private final String argumentsKey;
    private final boolean parallel;

    ToolCallSyntax(String open, String close, String separator, String argumentsKey, boolean parallel) {
        this.open = open;
        this.close = close;
        this.separator = separator;
        this.argumentsKey = argumentsKey;
        this.parallel = parallel;
    }

    /** The syntax the template's source asks for; Hermes for built-in styles and unknown templates. */
    public static ToolCallSyntax of(ChatTemplate template) {
        String src = template.source();
        if (src == null) return HERMES;
        if (src.contains("[TOOL_CALLS]")) return MISTRAL;
        if (src.contains("<tool_call>")) return HERMES;
        if (src.contains("<|python_tag|>") || src.contains("ipython")) return LLAMA3;
        return HERMES;
    }

    /** One parsed call: the function's name and its arguments as JSON text. */
    public record Call(String name, String arguments) {}

    /** A function offered to the model: its name, parameter schema (null = any object), place in {@code tools}. */
    public record Function(String name, JsonNode parameters, int index) {}

    /**
     * The calls in {@code text}, or an empty list when it holds none that parse (then it is an ordinary reply).
     * Only calls of offered functions count.
     */
    public List<Call> parse(String text, List<Function> offered) {
        List<Call> out = new ArrayList<>();
        String t = text.strip();
        List<String> objects = new ArrayList<>();
        switch (this) {
            case HERMES -> {
                Matcher m = Pattern.compile("<tool_call>\\s*(.*?)\\s*</tool_call>", Pattern.DOTALL).matcher(t);
                while (m.find()) objects.add(m.group(1));
            }
            case LLAMA3 -> {
                if (t.startsWith("<|python_tag|>")) t = t.substring("<|python_tag|>".length()).strip();
                for (String part : t.split(";")) if (part.strip().startsWith("{")) objects.add(part.strip());
            }
            case MISTRAL -> {
                int at = t.indexOf("[TOOL_CALLS]");
                if (at >= 0) {
                    try {
                        JsonNode arr = JSON.readTree(t.substring(at + "[TOOL_CALLS]".length()).strip());
                        if (arr.isArray()) for (JsonNode e : arr) objects.add(e.toString());
                    } catch (Exception ignored) {
                        // not a call list: the text stays content
                    }
                }
            }
        }
        for (String o : objects) {
            try {
                JsonNode n = JSON.readTree(o);
                JsonNode name = n.get("name");
                JsonNode args = n.has(argumentsKey) ? n.get(argumentsKey) : n.get("arguments");
                if (name == null || !name.isTextual() || args == null || !args.isObject()) continue;
                if (offered.stream().noneMatch(f -> f.name().equals(name.textValue()))) continue;
                out.add(new Call(name.textValue(), JSON.writeValueAsString(args)));
            } catch (Exception ignored) {
                // a malformed block is left out; if none parse, the text is content
            }
        }
        return out;
    }

    /**
     * Text that is exactly one or more calls (more only with {@code parallel} and a syntax that has them) of
     * the given functions, arguments following each one's parameter schema.
     */
    public Automaton automaton(List<Function> functions, boolean parallel, String param) {
        List<Automaton> calls = new ArrayList<>();
        for (Function f : functions) {
            Automaton args = f.parameters() == null ? JsonSchemaCompiler.anyObject()
                    : JsonSchemaCompiler.compile(f.parameters(), param + "[" + f.index() + "].function.parameters");
            String head;
            try {
                head = "{\"name\":" + JSON.writeValueAsString(f.name()) + ",\"" + argumentsKey + "\":";
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            calls.add(BasicAutomata.makeString(head).concatenate(args).concatenate(BasicAutomata.makeChar('}')));
        }
        Automaton call = Automaton.union(calls);
        Automaton body = parallel && this.parallel
                ? call.concatenate(BasicAutomata.makeString(sepBetween()).concatenate(call).repeat(0, 7))
                : call;
        Automaton a = BasicAutomata.makeString(open).concatenate(body).concatenate(BasicAutomata.makeString(close));
        a.minimize();
        return a;
    }

    /** Between two calls: Hermes closes one tag and opens the next; Mistral separates list entries. */
    private String sepBetween() {
        return this == HERMES ? close + separator + open : separator;
    }
}
