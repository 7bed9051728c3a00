package org.mirrorsd.config;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;

import java.io.IOException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people write them in config files: {@code 30s}, {@code 500ms}, {@code 5m}, {@code 1h},
 * a bare number of seconds, or ISO-8601 ({@code PT30S}). Done here because jackson-databind alone
 * cannot read {@link Duration}.
 */
public final class DurationText {

    private static final Pattern SHORT = Pattern.compile("(\\d+)\\s*(ms|s|m|h)?", Pattern.CASE_INSENSITIVE);

    private DurationText() {
    }

    /** @throws IllegalArgumentException when the text is not a duration */
    public static Duration parse(String text) {
        String trimmed = text.strip();
        if (trimmed.regionMatches(true, 0, "PT", 0, 2)) {
            try {
                return Duration.parse(trimmed);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("bad ISO-8601 duration \"" + text + "\"");
            }
        }
        Matcher match = SHORT.matcher(trimmed);
        if (!match.matches()) {
            throw new IllegalArgumentException("expected a duration like 30s, 500ms or 5m, got \"" + text + "\"");
        }
        long amount = Long.parseLong(match.group(1));
        String unit = match.group(2) == null ? "s" : match.group(2).toLowerCase(Locale.ROOT);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofSeconds(amount);
        };
    }

    /** The shortest exact form, so a dumped config reads back to the same value. */
    public static String format(Duration duration) {
        if (duration.isNegative() || duration.toNanosPart() % 1_000_000 != 0) {
            return duration.toString();
        }
        long millis = duration.toMillis();
        if (millis % 1000 != 0) {
            return millis + "ms";
        }
        long seconds = duration.toSeconds();
        if (seconds != 0 && seconds % 3600 == 0) {
            return seconds / 3600 + "h";
        }
        if (seconds != 0 && seconds % 60 == 0) {
            return seconds / 60 + "m";
        }
        return seconds + "s";
    }

    static final class Deserializer extends JsonDeserializer<Duration> {
        @Override
        public Duration deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            if (parser.currentToken() == JsonToken.VALUE_NUMBER_INT) {
                return Duration.ofSeconds(parser.getLongValue());
            }
            if (parser.currentToken() == JsonToken.VALUE_STRING) {
                String text = parser.getText();
                try {
                    return parse(text);
                } catch (IllegalArgumentException | ArithmeticException e) {
                    throw context.weirdStringException(text, Duration.class, "not a duration");
                }
            }
            return (Duration) context.handleUnexpectedToken(Duration.class, parser);
        }
    }

    static final class Serializer extends JsonSerializer<Duration> {
        @Override
        public void serialize(Duration value, JsonGenerator generator, SerializerProvider provider) throws IOException {
            generator.writeString(format(value));
        }
    }
}
