package org.mirrorsd.server.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The request fields that shape what may be generated: {@code response_format} (both endpoints; on
 * {@code /v1/completions} as vLLM's {@code guided_json} is, there under the same name) and {@code logit_bias}.
 * Type and range checks here; the schema itself is checked when it is compiled, ids against the vocabulary.
 *
 * @param jsonSchema the schema of {@code {"type": "json_schema"}}, or null
 * @param jsonObject {@code {"type": "json_object"}}: any JSON object
 * @param logitBias  token id -> bias in [-100, 100] (empty when absent)
 */
public record StructuredFields(JsonNode jsonSchema, boolean jsonObject, Map<Integer, Float> logitBias) {
    public static final String SCHEMA_PARAM = "response_format.json_schema.schema";

    public boolean constrained() { return jsonSchema != null || jsonObject; }

    public static StructuredFields parse(ObjectNode body) {
        RequestFields f = new RequestFields(body);
        JsonNode schema = null;
        boolean object = false;
        JsonNode rf = f.node("response_format");
        if (rf != null) {
            if (!rf.isObject()) throw RequestFields.wrongType("response_format", "an object");
            String type = new RequestFields((ObjectNode) rf).string("type");
            if (type == null) throw ApiError.invalid("'response_format.type' is required.", "response_format.type");
            switch (type) {
                case "text" -> {}
                case "json_object" -> object = true;
                case "json_schema" -> schema = jsonSchema(rf.get("json_schema"));
                default -> throw ApiError.invalid("'response_format.type' must be 'text', 'json_object' or"
                        + " 'json_schema', got '" + type + "'.", "response_format.type");
            }
        }
        return new StructuredFields(schema, object, logitBias(f.node("logit_bias")));
    }

    private static JsonNode jsonSchema(JsonNode js) {
        String param = "response_format.json_schema";
        if (js == null || js.isNull()) throw ApiError.invalid("'" + param + "' is required.", param);
        if (!js.isObject()) throw RequestFields.wrongType(param, "an object");
        RequestFields f = new RequestFields((ObjectNode) js);
        String name = f.string("name");
        if (name == null || !name.matches("[A-Za-z0-9_-]{1,64}")) {
            throw ApiError.invalid("'" + param + ".name' is required: letters, digits, '_' and '-', at most 64.", param + ".name");
        }
        f.string("description");
        f.bool("strict"); // every schema is enforced exactly; strict only type-checked
        JsonNode schema = f.node("schema");
        if (schema == null) throw ApiError.invalid("'" + SCHEMA_PARAM + "' is required.", SCHEMA_PARAM);
        if (!schema.isObject() && !schema.isBoolean()) throw RequestFields.wrongType(SCHEMA_PARAM, "an object");
        return schema;
    }

    private static Map<Integer, Float> logitBias(JsonNode lb) {
        Map<Integer, Float> out = new LinkedHashMap<>();
        if (lb == null) return out;
        if (!lb.isObject()) throw RequestFields.wrongType("logit_bias", "an object mapping token ids to numbers");
        if (lb.size() > 1024) throw ApiError.invalid("'logit_bias' takes at most 1024 entries.", "logit_bias");
        for (Iterator<Map.Entry<String, JsonNode>> it = lb.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            int id;
            try {
                id = Integer.parseInt(e.getKey());
            } catch (NumberFormatException ex) {
                throw ApiError.invalid("'logit_bias' keys must be token ids, got '" + e.getKey() + "'.", "logit_bias");
            }
            JsonNode v = e.getValue();
            if (!v.isNumber() || !(v.doubleValue() >= -100 && v.doubleValue() <= 100)) {
                throw ApiError.invalid("'logit_bias' values must be numbers between -100 and 100, got " + v
                        + " for token " + e.getKey() + ".", "logit_bias");
            }
            out.put(id, v.floatValue());
        }
        return out;
    }

    /** Refuses ids outside the vocabulary, as OpenAI does. */
    public void checkVocabulary(int vocab) {
        for (int id : logitBias.keySet()) {
            if (id < 0 || id >= vocab) {
                throw ApiError.invalid("'logit_bias' token id " + id + " is outside the vocabulary (0.." + (vocab - 1)
                        + ").", "logit_bias");
            }
        }
    }
}
