package org.mirrorsd.decoding.constraint;

/**
 * A schema (or pattern) the compiler cannot turn into an automaton, or one that allows no value. {@link #param}
 * names where in the request it sits, in OpenAI's dotted form
 * ({@code response_format.json_schema.schema.properties.x.not}), so the server can answer 400 naming it.
 */
public final class SchemaException extends RuntimeException {
    private final String param;

    public SchemaException(String message, String param) {
        super(message);
        this.param = param;
    }

    public String param() { return param; }
}
