package org.mirrorsd.server.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Typed, range-checked access to a request body's fields. Wrong types and out-of-range values become 400
 * errors naming the field, so no client value reaches the engine unchecked. {@code null} counts as absent,
 * as in OpenAI's API.
 */
public final class RequestFields {
    private final ObjectNode body;
    /** Every field a parser asked about: what is left over was neither honoured nor refused. */
    private final java.util.Set<String> read = new java.util.HashSet<>();

    public RequestFields(ObjectNode body) {
        this.body = body;
    }

    public boolean has(String name) {
        read.add(name);
        JsonNode n = body.get(name);
        return n != null && !n.isNull();
    }

    public JsonNode node(String name) {
        read.add(name);
        JsonNode n = body.get(name);
        return n == null || n.isNull() ? null : n;
    }

    public String string(String name) {
        JsonNode n = node(name);
        if (n == null) return null;
        if (!n.isTextual()) throw wrongType(name, "a string");
        return n.textValue();
    }

    public Boolean bool(String name) {
        JsonNode n = node(name);
        if (n == null) return null;
        if (!n.isBoolean()) throw wrongType(name, "a boolean");
        return n.booleanValue();
    }

    public Integer integer(String name, long min, long max) {
        JsonNode n = node(name);
        if (n == null) return null;
        if (!n.isIntegralNumber() || !n.canConvertToLong()) {
            if (!n.isNumber()) throw wrongType(name, "an integer");
            // 1e12, 2.5, 99999999999999999999: say the range, not just the type.
            throw ApiError.invalid("'" + name + "' must be an integer " + range(min, max) + ", got " + n.asText() + ".", name);
        }
        long v = n.longValue();
        if (v < min || v > max) throw outOfRange(name, v, min, max);
        return (int) v;
    }

    public Long int64(String name) {
        JsonNode n = node(name);
        if (n == null) return null;
        if (!n.isIntegralNumber() || !n.canConvertToLong()) throw wrongType(name, "an integer");
        return n.longValue();
    }

    /** A number in [min, max]; {@code minExclusive} makes the lower bound open. */
    public Double number(String name, double min, boolean minExclusive, double max) {
        JsonNode n = node(name);
        if (n == null) return null;
        if (!n.isNumber()) throw wrongType(name, "a number");
        double v = n.doubleValue();
        if (!Double.isFinite(v) || v < min || (minExclusive && v == min) || v > max) {
            throw ApiError.invalid("'" + name + "' must be " + (minExclusive ? "> " : ">= ") + fmt(min)
                    + " and <= " + fmt(max) + ", got " + n.asText() + ".", name);
        }
        return v;
    }

    /** A string or an array of up to {@code max} strings, each non-empty. */
    public List<String> strings(String name, int max) {
        JsonNode n = node(name);
        if (n == null) return List.of();
        List<String> out = new ArrayList<>();
        if (n.isTextual()) {
            out.add(n.textValue());
        } else if (n.isArray()) {
            if (n.size() > max) throw ApiError.invalid("'" + name + "' takes at most " + max + " entries.", name);
            for (JsonNode e : n) {
                if (!e.isTextual()) throw wrongType(name, "a string or an array of strings");
                out.add(e.textValue());
            }
        } else {
            throw wrongType(name, "a string or an array of strings");
        }
        for (String s : out) if (s.isEmpty()) throw ApiError.invalid("'" + name + "' entries must not be empty.", name);
        return out;
    }

    public static ApiError wrongType(String name, String expected) {
        return ApiError.invalid("'" + name + "' must be " + expected + ".", name);
    }

    /**
     * Refuses every top-level field no parser asked about, as OpenAI does: a field accepted and silently
     * ignored gives the client the wrong thing without a word. Call after parsing; {@code spared} are fields
     * read elsewhere.
     */
    public void refuseUnread(java.util.Set<String> spared) {
        for (var it = body.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!read.contains(name) && !spared.contains(name)) {
                throw ApiError.invalid("Unrecognized request argument supplied: '" + name + "'; this server does not"
                        + " support it.", name, "unsupported_parameter");
            }
        }
    }

    private static ApiError outOfRange(String name, long v, long min, long max) {
        return ApiError.invalid("'" + name + "' must be " + range(min, max) + ", got " + v + ".", name);
    }

    private static String range(long min, long max) {
        return max == Long.MAX_VALUE ? ">= " + min : "between " + min + " and " + max;
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
