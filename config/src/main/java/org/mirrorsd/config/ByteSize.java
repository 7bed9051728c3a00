package org.mirrorsd.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;

import java.io.IOException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Byte counts written as a plain number or with a unit: {@code 4194304}, {@code 4MiB}, {@code 512KB}. */
public final class ByteSize {

    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([KMG]i?B|B)?", Pattern.CASE_INSENSITIVE);

    private ByteSize() {
    }

    /** @throws IllegalArgumentException when the text is not a size */
    public static long parse(String text) {
        Matcher match = SIZE.matcher(text.strip());
        if (!match.matches()) {
            throw new IllegalArgumentException("expected a size like 4194304, 4MiB or 512KB, got \"" + text + "\"");
        }
        long number = Long.parseLong(match.group(1));
        String unit = match.group(2) == null ? "B" : match.group(2).toUpperCase(Locale.ROOT);
        long factor = switch (unit) {
            case "KIB" -> 1L << 10;
            case "MIB" -> 1L << 20;
            case "GIB" -> 1L << 30;
            case "KB" -> 1_000L;
            case "MB" -> 1_000_000L;
            case "GB" -> 1_000_000_000L;
            default -> 1L;
        };
        return Math.multiplyExact(number, factor);
    }

    /** Accepts JSON integers as bytes, and strings with units. */
    static final class Deserializer extends JsonDeserializer<Long> {
        @Override
        public Long deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            if (parser.currentToken() == JsonToken.VALUE_NUMBER_INT) {
                return parser.getLongValue();
            }
            if (parser.currentToken() == JsonToken.VALUE_STRING) {
                String text = parser.getText();
                try {
                    return parse(text);
                } catch (IllegalArgumentException | ArithmeticException e) {
                    throw context.weirdStringException(text, ByteSize.class, "not a byte size");
                }
            }
            return (Long) context.handleUnexpectedToken(ByteSize.class, parser);
        }
    }
}
