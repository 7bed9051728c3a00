package org.mirrorsd.server.openai;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The server's one JSON mapper and node factory. */
public final class Json {
    /** Strict: a body with anything after its JSON value is malformed. */
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private Json() {}

    public static ObjectNode object() { return NODES.objectNode(); }

    public static ArrayNode array() { return NODES.arrayNode(); }

    public static ArrayNode bytes(byte[] bytes) {
        ArrayNode a = array();
        for (byte b : bytes) a.add(b & 0xFF);
        return a;
    }

    public static String write(Object node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a response", e);
        }
    }

    /** OpenAI's error envelope. */
    public static ObjectNode error(ApiError e) {
        ObjectNode inner = object();
        inner.put("message", e.getMessage());
        inner.put("type", e.type());
        inner.put("param", e.param());
        inner.put("code", e.code());
        ObjectNode outer = object();
        outer.set("error", inner);
        return outer;
    }
}
