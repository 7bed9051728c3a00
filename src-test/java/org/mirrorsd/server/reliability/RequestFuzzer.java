package org.mirrorsd.server.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.mirrorsd.server.TestServer;

/**
 * Mutates valid chat and completion requests, seeded so a failure can be replayed: field deletions, values of
 * the wrong type or out of range, unknown fields, nesting, and byte-level damage (truncation, stray and invalid
 * UTF-8 bytes). Valid numbers stay small, so a mutant that still parses never asks for a long generation.
 */
final class RequestFuzzer {
    static final String[] PATHS = {"/v1/chat/completions", "/v1/completions"};
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final String[] FIELDS = {"model", "messages", "prompt", "max_tokens", "max_completion_tokens", "n",
            "temperature", "top_p", "top_k", "min_p", "seed", "stop", "stream", "stream_options", "logprobs",
            "top_logprobs", "presence_penalty", "frequency_penalty", "repetition_penalty", "ignore_eos", "decoding",
            "user", "role", "content", "include_usage", "echo", "suffix", "best_of"};

    /** One mutant: where it goes and its body. */
    record Mutant(String path, byte[] body, String description) {}

    private final Random random;

    RequestFuzzer(long seed) {
        this.random = new Random(seed);
    }

    Mutant next() {
        boolean chat = random.nextBoolean();
        ObjectNode body = chat ? chat() : completion();
        List<String> applied = new ArrayList<>();
        for (int i = 0, n = 1 + random.nextInt(3); i < n; i++) applied.add(mutate(body));
        byte[] bytes = TestServer.JSON.valueToTree(body).toString().getBytes(StandardCharsets.UTF_8);
        if (random.nextInt(5) == 0) {
            bytes = damage(bytes);
            applied.add("bytes");
        }
        return new Mutant(PATHS[chat ? 0 : 1], bytes, String.join("+", applied));
    }

    private ObjectNode chat() {
        ObjectNode b = F.objectNode();
        ArrayNode messages = b.putArray("messages");
        messages.addObject().put("role", "system").put("content", "Be brief.");
        messages.addObject().put("role", "user").put("content", "Tell me a story.");
        b.put("max_tokens", 4);
        if (random.nextBoolean()) b.put("stream", true);
        return b;
    }

    private ObjectNode completion() {
        ObjectNode b = F.objectNode();
        b.put("prompt", "Once upon a time");
        b.put("max_tokens", 4);
        b.put("temperature", 0.7);
        if (random.nextBoolean()) b.put("stream", true);
        return b;
    }

    /** Applies one structural mutation somewhere in the tree; returns its name. */
    private String mutate(ObjectNode root) {
        ObjectNode target = pickObject(root);
        String field = random.nextInt(3) == 0 && target.size() > 0 ? existingField(target) : FIELDS[random.nextInt(FIELDS.length)];
        switch (random.nextInt(4)) {
            case 0 -> {
                target.remove(field);
                return "delete " + field;
            }
            case 1 -> {
                target.set(field, value(0));
                return "set " + field;
            }
            case 2 -> {
                target.set("x_" + random.nextInt(1000), value(0));
                return "unknown field";
            }
            default -> {
                target.set(field, nest(random.nextInt(200)));
                return "nest " + field;
            }
        }
    }

    private ObjectNode pickObject(ObjectNode root) {
        JsonNode messages = root.get("messages");
        if (messages instanceof ArrayNode a && !a.isEmpty() && random.nextBoolean() && a.get(random.nextInt(a.size())) instanceof ObjectNode m) {
            return m;
        }
        return root;
    }

    private String existingField(ObjectNode o) {
        Iterator<String> names = o.fieldNames();
        String name = names.next();
        for (int skip = random.nextInt(o.size()); skip > 0 && names.hasNext(); skip--) name = names.next();
        return name;
    }

    private JsonNode value(int depth) {
        return switch (random.nextInt(depth > 2 ? 12 : 15)) {
            case 0 -> F.nullNode();
            case 1 -> F.booleanNode(random.nextBoolean());
            case 2 -> F.numberNode(new long[] {-1, 0, 1, 2, 3, 16, 17, 2147483648L, Long.MIN_VALUE}[random.nextInt(9)]);
            case 3 -> F.numberNode(new double[] {-0.5, 0.0, 0.5, 1.5, 2.5, 1e308, -1e308, 4.9e-324}[random.nextInt(8)]);
            case 4 -> F.numberNode(new java.math.BigInteger("123456789012345678901234567890"));
            case 5 -> F.textNode("");
            case 6 -> F.textNode("NaN");
            case 7 -> F.textNode("/etc/passwd");
            case 8 -> F.textNode("\uD800 lone surrogate \u0000 nul");
            case 9 -> F.textNode("x".repeat(random.nextInt(2000)));
            case 10 -> F.textNode(new String[] {"user", "assistant", "system", "tool", "ar", "ngram", "mirror", "text"}[random.nextInt(8)]);
            case 11 -> F.numberNode(random.nextInt(512));
            case 12 -> {
                ArrayNode a = F.arrayNode();
                for (int i = random.nextInt(4); i > 0; i--) a.add(value(depth + 1));
                yield a;
            }
            case 13 -> {
                ObjectNode o = F.objectNode();
                for (int i = random.nextInt(3); i > 0; i--) o.set(FIELDS[random.nextInt(FIELDS.length)], value(depth + 1));
                yield o;
            }
            default -> {
                ArrayNode tokens = F.arrayNode();
                for (int i = 1 + random.nextInt(8); i > 0; i--) tokens.add(random.nextInt(600) - 50);
                yield tokens;
            }
        };
    }

    private JsonNode nest(int depth) {
        JsonNode n = value(3);
        for (int i = 0; i < depth; i++) n = random.nextBoolean() ? F.arrayNode().add(n) : F.objectNode().set("a", n);
        return n;
    }

    private byte[] damage(byte[] b) {
        if (b.length == 0) return b;
        byte[] out = b.clone();
        switch (random.nextInt(4)) {
            case 0 -> out = java.util.Arrays.copyOf(b, random.nextInt(b.length));
            case 1 -> out[random.nextInt(out.length)] = (byte) (0x80 + random.nextInt(0x80));
            case 2 -> out[random.nextInt(out.length)] = (byte) random.nextInt(0x20);
            default -> out[random.nextInt(out.length)] = "{}[]\",:"
                    .getBytes(StandardCharsets.US_ASCII)[random.nextInt(7)];
        }
        return out;
    }
}
