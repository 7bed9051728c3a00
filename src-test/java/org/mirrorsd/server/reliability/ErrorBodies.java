package org.mirrorsd.server.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.mirrorsd.server.TestServer;

/** Checks that a raw response is an OpenAI error: JSON, the four fields, no internals. */
final class ErrorBodies {
    private ErrorBodies() {}

    /** Returns the inner error object. */
    static JsonNode check(RawHttp.Response r, String context) {
        assertTrue(String.valueOf(r.header("content-type")).startsWith("application/json"),
                context + ": content-type " + r.header("content-type"));
        JsonNode e = TestServer.parse(r.body()).get("error");
        assertNotNull(e, context + ": no error object in " + r.body());
        for (String field : new String[] {"message", "type", "param", "code"}) assertTrue(e.has(field), context + ": " + field);
        assertTrue(e.get("message").asText().length() > 5, context);
        assertFalse(r.body().contains("Exception") || r.body().contains("\tat "), context + ": internals in " + r.body());
        if (r.status() < 500) assertEquals(r.status() == 429 ? "rate_limit_error" : "invalid_request_error",
                e.get("type").asText(), context);
        return e;
    }
}
