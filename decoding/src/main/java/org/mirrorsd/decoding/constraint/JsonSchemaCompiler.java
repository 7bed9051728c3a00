package org.mirrorsd.decoding.constraint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dk.brics.automaton.Automaton;
import dk.brics.automaton.BasicAutomata;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * JSON Schema to a character automaton over the compact JSON text of every instance it generates. Supported:
 * {@code type} (one or a list), {@code properties}/{@code required} (written in the declared order, optional ones
 * may be left out), {@code additionalProperties} (false or absent: only the declared properties; a schema: a
 * map when no properties are declared), {@code enum}/{@code const}, {@code anyOf}, {@code oneOf} (exactly one
 * branch), {@code allOf} (intersection), arrays with {@code items}/{@code minItems}/{@code maxItems}, strings with
 * {@code minLength}/{@code maxLength}/{@code pattern}/{@code format} (date, time, date-time, uuid, email, ipv4,
 * hostname), {@code $ref} into {@code $defs}/{@code definitions} (not recursive), integer bounds exactly and number
 * bounds soundly (a fraction only where every fraction fits). Untyped values nest at most
 * {@link #ANY_DEPTH} deep. Anything else is a {@link SchemaException} naming its place, never silently dropped.
 */
public final class JsonSchemaCompiler {
    /** Nesting allowed in values the schema leaves free (any object, any array item, ...). */
    public static final int ANY_DEPTH = 4;
    private static final long MAX_BOUND = 1_000_000_000_000_000L;
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Set<String> ANNOTATIONS = Set.of("title", "description", "default", "examples", "$schema",
            "$id", "$comment", "deprecated", "readOnly", "writeOnly", "$defs", "definitions");
    private static final Set<String> KEYWORDS = Set.of("type", "properties", "required", "additionalProperties",
            "enum", "const", "anyOf", "oneOf", "allOf", "items", "minItems", "maxItems", "minLength", "maxLength",
            "pattern", "format", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "$ref",
            "minProperties", "maxProperties", "propertyNames");
    private static final List<String> ALL_TYPES = List.of("string", "number", "boolean", "null", "object", "array");

    private final JsonNode root;
    private final String rootParam;
    private final Map<String, Automaton> refs = new HashMap<>();
    private final Deque<String> resolving = new ArrayDeque<>();

    private JsonSchemaCompiler(JsonNode root, String rootParam) {
        this.root = root;
        this.rootParam = rootParam;
    }

    /**
     * The automaton of {@code schema}'s instances; {@code param} is where the schema sits in the request (for
     * errors). Throws {@link SchemaException} for what is not supported, or when no value satisfies the schema.
     */
    public static Automaton compile(JsonNode schema, String param) {
        JsonSchemaCompiler c = new JsonSchemaCompiler(schema, param);
        Automaton a = c.node(schema, param);
        if (!a.isDeterministic()) {
            a = a.clone();
            a.minimize(); // dk.brics' minimisation is costly on these alphabets: only where not minimal already
        }
        if (a.isEmpty()) throw new SchemaException("No JSON value satisfies this schema as structured output writes it.", param);
        return a;
    }

    /** {@code json_object}: any JSON object. */
    public static Automaton anyObject() {
        return JsonAutomata.anyObject(ANY_DEPTH);
    }

    private Automaton node(JsonNode s, String param) {
        if (s.isBoolean()) {
            if (s.booleanValue()) return JsonAutomata.anyValue(ANY_DEPTH);
            throw new SchemaException("The schema 'false' allows no value.", param);
        }
        if (!s.isObject()) throw new SchemaException("A schema must be an object or a boolean.", param);
        for (Iterator<String> it = s.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!KEYWORDS.contains(k) && !ANNOTATIONS.contains(k)) {
                throw new SchemaException("The JSON Schema keyword '" + k + "' is not supported for structured output.",
                        param + "." + k);
            }
        }
        boolean free = true;
        for (Iterator<String> it = s.fieldNames(); it.hasNext(); ) free &= ANNOTATIONS.contains(it.next());
        if (free) return JsonAutomata.anyValue(ANY_DEPTH); // {} (or only annotations): any value, built once
        List<Automaton> all = new ArrayList<>();
        if (s.has("$ref")) all.add(ref(s.get("$ref"), param + ".$ref"));
        if (s.has("anyOf")) all.add(Automaton.union(branches(s.get("anyOf"), param + ".anyOf")));
        if (s.has("oneOf")) all.add(exactlyOne(branches(s.get("oneOf"), param + ".oneOf")));
        if (s.has("allOf")) {
            Automaton a = null;
            for (Automaton b : branches(s.get("allOf"), param + ".allOf")) a = a == null ? b : a.intersection(b);
            all.add(a);
        }
        if (s.has("enum")) all.add(literals(s.get("enum"), param + ".enum"));
        if (s.has("const")) all.add(literal(s.get("const"), param + ".const"));
        // Untyped and nothing else: any value. Beside enum/const/anyOf/... an untyped node adds nothing.
        boolean typed = s.has("type") || hasTypeKeywords(s) || all.isEmpty();
        if (typed) all.add(typed(s, param));
        if (all.size() == 1) return all.get(0); // may be shared (cached any-values, refs): never minimised in place
        Automaton a = all.get(0);
        for (int i = 1; i < all.size(); i++) a = a.intersection(all.get(i));
        a.minimize(); // an intersection is deterministic but may hold dead states: always minimised
        return a;
    }

    private static boolean hasTypeKeywords(JsonNode s) {
        for (String k : List.of("properties", "required", "additionalProperties", "items", "minItems", "maxItems",
                "minLength", "maxLength", "pattern", "format", "minimum", "maximum", "exclusiveMinimum",
                "exclusiveMaximum", "minProperties", "maxProperties", "propertyNames")) {
            if (s.has(k)) return true;
        }
        return false;
    }

    private List<Automaton> branches(JsonNode list, String param) {
        if (!list.isArray() || list.isEmpty()) throw new SchemaException("Must be a non-empty array of schemas.", param);
        List<Automaton> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) out.add(node(list.get(i), param + "[" + i + "]"));
        return out;
    }

    /** oneOf: values of exactly one branch (each branch minus the union of the others). */
    private static Automaton exactlyOne(List<Automaton> branches) {
        List<Automaton> parts = new ArrayList<>();
        for (int i = 0; i < branches.size(); i++) {
            Automaton only = branches.get(i);
            for (int j = 0; j < branches.size(); j++) if (j != i) only = only.minus(branches.get(j));
            parts.add(only);
        }
        return Automaton.union(parts);
    }

    private Automaton ref(JsonNode ref, String param) {
        if (!ref.isTextual() || !ref.textValue().startsWith("#")) {
            throw new SchemaException("Only local references ('#/$defs/...') are supported.", param);
        }
        String pointer = ref.textValue().substring(1);
        Automaton known = refs.get(pointer);
        if (known != null) return known;
        if (resolving.contains(pointer)) {
            throw new SchemaException("Recursive references ('" + ref.textValue() + "') describe unbounded nesting,"
                    + " which structured output does not support.", param);
        }
        JsonNode target = root.at(pointer);
        if (target.isMissingNode()) throw new SchemaException("The reference '" + ref.textValue() + "' resolves to nothing.", param);
        resolving.push(pointer);
        String targetParam = rootParam + pointer.replace('/', '.');
        Automaton a = node(target, targetParam);
        resolving.pop();
        refs.put(pointer, a);
        return a;
    }

    private Automaton typed(JsonNode s, String param) {
        List<String> types = new ArrayList<>();
        JsonNode t = s.get("type");
        if (t == null) {
            types.addAll(ALL_TYPES);
        } else if (t.isTextual()) {
            types.add(t.textValue());
        } else if (t.isArray() && !t.isEmpty()) {
            for (JsonNode e : t) {
                if (!e.isTextual()) throw new SchemaException("'type' entries must be strings.", param + ".type");
                types.add(e.textValue());
            }
        } else {
            throw new SchemaException("'type' must be a string or an array of strings.", param + ".type");
        }
        List<Automaton> parts = new ArrayList<>();
        for (String type : new LinkedHashSet<>(types)) {
            parts.add(switch (type) {
                case "string" -> string(s, param);
                case "integer" -> integer(s, param);
                case "number" -> number(s, param);
                case "boolean" -> BasicAutomata.makeStringUnion("true", "false");
                case "null" -> BasicAutomata.makeString("null");
                case "object" -> object(s, param);
                case "array" -> array(s, param);
                default -> throw new SchemaException("Unknown type '" + type + "'.", param + ".type");
            });
        }
        return Automaton.union(parts);
    }

    private Automaton string(JsonNode s, String param) {
        int min = count(s, "minLength", param, 0);
        int max = count(s, "maxLength", param, -1);
        if (max >= 0 && max < min) throw new SchemaException("'maxLength' is below 'minLength'.", param + ".maxLength");
        Automaton decoded = null;
        if (s.has("pattern")) {
            JsonNode p = s.get("pattern");
            if (!p.isTextual()) throw new SchemaException("'pattern' must be a string.", param + ".pattern");
            decoded = PatternCompiler.compile(p.textValue(), param + ".pattern");
        }
        if (s.has("format")) {
            JsonNode f = s.get("format");
            Automaton fa = Formats.of(f.isTextual() ? f.textValue() : "", param + ".format");
            decoded = decoded == null ? fa : decoded.intersection(fa);
        }
        if (decoded == null) return JsonAutomata.string(min, max);
        if (min > 0 || max >= 0) {
            Automaton any = JsonAutomata.anyChar();
            decoded = decoded.intersection(max < 0 ? any.repeat(min) : any.repeat(min, max));
        }
        return JsonAutomata.quoted(JsonAutomata.escaped(decoded));
    }

    private Automaton integer(JsonNode s, String param) {
        Long lo = bound(s, "minimum", param, true, false);
        Long ex = bound(s, "exclusiveMinimum", param, true, true);
        Long hi = bound(s, "maximum", param, false, false);
        Long exh = bound(s, "exclusiveMaximum", param, false, true);
        if (ex != null) lo = lo == null ? ex : Math.max(lo, ex);
        if (exh != null) hi = hi == null ? exh : Math.min(hi, exh);
        if (lo == null && hi == null) return JsonAutomata.integer();
        long limit = 9_999_999_999_999_999L; // 16 digits, as for unbounded numbers
        if (lo == null || lo < -limit) lo = -limit;
        if (hi == null || hi > limit) hi = limit;
        if (lo > hi) throw new SchemaException("No integer lies within the bounds.", param);
        return IntegerRanges.range(lo, hi);
    }

    /**
     * A bound as the integer it implies: for integers, minimum 2.5 means >= 3 and exclusiveMinimum 2 means >= 3;
     * {@code lower} says which side, {@code exclusive} whether the bound itself is excluded.
     */
    private static Long bound(JsonNode s, String key, String param, boolean lower, boolean exclusive) {
        JsonNode b = s.get(key);
        if (b == null) return null;
        if (!b.isNumber()) throw new SchemaException("'" + key + "' must be a number.", param + "." + key);
        double v = b.doubleValue();
        if (Math.abs(v) > MAX_BOUND) throw new SchemaException("'" + key + "' is beyond +-1e18.", param + "." + key);
        if (lower) {
            double c = Math.ceil(v);
            return (long) (exclusive && c == v ? c + 1 : c);
        }
        double f = Math.floor(v);
        return (long) (exclusive && f == v ? f - 1 : f);
    }

    /**
     * Numbers in the bounds: the integers in range, and a fraction after integer part m only where the whole
     * interval (m, m + 1) lies within the bounds, so every value written satisfies them. No exponents when bounded.
     */
    private Automaton number(JsonNode s, String param) {
        boolean bounded = s.has("minimum") || s.has("maximum") || s.has("exclusiveMinimum") || s.has("exclusiveMaximum");
        if (!bounded) return JsonAutomata.number();
        Double lo = real(s, "minimum", param);
        Double exLo = real(s, "exclusiveMinimum", param);
        Double hi = real(s, "maximum", param);
        Double exHi = real(s, "exclusiveMaximum", param);
        double low = Math.max(lo == null ? -1e16 : lo, exLo == null ? -1e16 : exLo);
        double high = Math.min(hi == null ? 1e16 : hi, exHi == null ? 1e16 : exHi);
        Automaton integers = integer(s, param);
        List<Automaton> parts = new ArrayList<>();
        parts.add(integers);
        // Positive fractions m.f with m >= 0: need m >= low (m.f > m) and m + 1 <= high (strictly below if exclusive).
        long pmLo = (long) Math.max(0, Math.ceil(low));
        long pmHi = (long) Math.floor(high) - 1;
        if (pmHi >= pmLo) parts.add(IntegerRanges.nonNegative(pmLo, pmHi).concatenate(JsonAutomata.fraction()));
        // Negative fractions -m.f in (-(m+1), -m): need -(m+1) >= low and -m <= high.
        long nmLo = (long) Math.max(0, Math.ceil(-high));
        long nmHi = (long) Math.floor(-low) - 1;
        if (nmHi >= nmLo) parts.add(BasicAutomata.makeChar('-').concatenate(IntegerRanges.nonNegative(nmLo, nmHi))
                .concatenate(JsonAutomata.fraction()));
        return Automaton.union(parts);
    }

    private static Double real(JsonNode s, String key, String param) {
        JsonNode b = s.get(key);
        if (b == null) return null;
        if (!b.isNumber()) throw new SchemaException("'" + key + "' must be a number.", param + "." + key);
        if (Math.abs(b.doubleValue()) > MAX_BOUND) throw new SchemaException("'" + key + "' is beyond +-1e18.", param + "." + key);
        return b.doubleValue();
    }

    private Automaton object(JsonNode s, String param) {
        JsonNode props = s.get("properties");
        if (props != null && !props.isObject()) throw new SchemaException("'properties' must be an object.", param + ".properties");
        List<String> names = new ArrayList<>();
        if (props != null) props.fieldNames().forEachRemaining(names::add);
        Set<String> required = new LinkedHashSet<>();
        JsonNode req = s.get("required");
        if (req != null) {
            if (!req.isArray()) throw new SchemaException("'required' must be an array of names.", param + ".required");
            for (JsonNode r : req) {
                if (!r.isTextual() || !names.contains(r.textValue())) {
                    throw new SchemaException("Required property " + r + " is not declared in 'properties'.", param + ".required");
                }
                required.add(r.textValue());
            }
        }
        JsonNode additional = s.get("additionalProperties");
        boolean dictionary = additional != null && additional.isObject();
        int minProps = count(s, "minProperties", param, 0);
        int maxProps = count(s, "maxProperties", param, -1);
        if (dictionary || (names.isEmpty() && (additional == null || additional.asBoolean(true)))) {
            if (!names.isEmpty()) {
                throw new SchemaException("'additionalProperties' as a schema beside 'properties' is not supported.",
                        param + ".additionalProperties");
            }
            if (!dictionary && !s.has("propertyNames") && minProps == 0 && maxProps < 0) return JsonAutomata.anyObject(ANY_DEPTH);
            Automaton value = dictionary ? node(additional, param + ".additionalProperties") : JsonAutomata.anyValue(ANY_DEPTH - 1);
            Automaton key = s.has("propertyNames")
                    ? node(s.get("propertyNames"), param + ".propertyNames").intersection(JsonAutomata.string(0, -1))
                    : JsonAutomata.string(0, -1);
            Automaton member = key.concatenate(BasicAutomata.makeChar(':')).concatenate(value);
            // Keys are not checked for duplicates: a caller's parser keeps the last.
            return JsonAutomata.list('{', member, '}', minProps, maxProps);
        }
        if (additional != null && !additional.isBoolean()) {
            throw new SchemaException("'additionalProperties' must be a boolean or a schema.", param + ".additionalProperties");
        }
        if (s.has("propertyNames")) {
            throw new SchemaException("'propertyNames' is supported on maps only.", param + ".propertyNames");
        }
        if (s.has("minProperties") || s.has("maxProperties")) {
            throw new SchemaException("'minProperties'/'maxProperties' are supported on maps only.",
                    param + (s.has("minProperties") ? ".minProperties" : ".maxProperties"));
        }
        List<Automaton> members = new ArrayList<>();
        for (String name : names) {
            members.add(literalText(name).concatenate(BasicAutomata.makeChar(':'))
                    .concatenate(node(props.get(name), param + ".properties." + name)));
        }
        // rest[i][comma]: properties i.. in order, optional ones skippable; comma = one is already written.
        Automaton[][] rest = new Automaton[names.size() + 1][2];
        rest[names.size()][0] = BasicAutomata.makeEmptyString();
        rest[names.size()][1] = BasicAutomata.makeEmptyString();
        for (int i = names.size() - 1; i >= 0; i--) {
            for (int comma = 0; comma < 2; comma++) {
                Automaton with = (comma == 1 ? BasicAutomata.makeChar(',').concatenate(members.get(i)) : members.get(i))
                        .concatenate(rest[i + 1][1]);
                // Only an optional property branches; minimising there keeps the chain from doubling per level.
                Automaton a = required.contains(names.get(i)) ? with : with.union(rest[i + 1][comma]);
                if (!required.contains(names.get(i))) a.minimize();
                rest[i][comma] = a;
            }
        }
        return BasicAutomata.makeChar('{').concatenate(rest[0][0]).concatenate(BasicAutomata.makeChar('}'));
    }

    private Automaton array(JsonNode s, String param) {
        int min = count(s, "minItems", param, 0);
        int max = count(s, "maxItems", param, -1);
        if (max >= 0 && max < min) throw new SchemaException("'maxItems' is below 'minItems'.", param + ".maxItems");
        JsonNode items = s.get("items");
        if (items != null && items.isArray()) {
            throw new SchemaException("Tuple 'items' (an array of schemas) is not supported.", param + ".items");
        }
        Automaton item = items == null ? JsonAutomata.anyValue(ANY_DEPTH - 1) : node(items, param + ".items");
        return JsonAutomata.list('[', item, ']', min, max);
    }

    /** Lengths and counts become repetitions in the automaton, whose size (and compile time) grows with them. */
    static final int MAX_COUNT = 256;

    private static int count(JsonNode s, String key, String param, int absent) {
        JsonNode n = s.get(key);
        if (n == null) return absent;
        if (!n.canConvertToInt() || !n.isIntegralNumber() || n.intValue() < 0) {
            throw new SchemaException("'" + key + "' must be a non-negative integer.", param + "." + key);
        }
        if (n.intValue() > MAX_COUNT) {
            throw new SchemaException("'" + key + "' above " + MAX_COUNT + " is not supported for structured output"
                    + " (leave it out for no bound).", param + "." + key);
        }
        return n.intValue();
    }

    private static Automaton literals(JsonNode list, String param) {
        if (!list.isArray() || list.isEmpty()) throw new SchemaException("'enum' must be a non-empty array.", param);
        List<Automaton> out = new ArrayList<>();
        for (JsonNode v : list) out.add(literal(v, param));
        return Automaton.union(out);
    }

    private static Automaton literal(JsonNode v, String param) {
        try {
            return BasicAutomata.makeString(MAPPER.writeValueAsString(v));
        } catch (JsonProcessingException e) {
            throw new SchemaException("Cannot write this value as JSON.", param);
        }
    }

    private static Automaton literalText(String name) {
        try {
            return BasicAutomata.makeString(MAPPER.writeValueAsString(name));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
