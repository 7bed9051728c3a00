package org.mirrorsd.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ValueFormatsTest {

    @Test
    void durations() {
        assertEquals(Duration.ofSeconds(30), DurationText.parse("30s"));
        assertEquals(Duration.ofSeconds(30), DurationText.parse("30"));
        assertEquals(Duration.ofMillis(250), DurationText.parse("250ms"));
        assertEquals(Duration.ofMinutes(5), DurationText.parse("5m"));
        assertEquals(Duration.ofHours(1), DurationText.parse("1H"));
        assertEquals(Duration.ofSeconds(90), DurationText.parse("PT1M30S"));
        assertThrows(IllegalArgumentException.class, () -> DurationText.parse("5 minutes"));
        assertThrows(IllegalArgumentException.class, () -> DurationText.parse("PTx"));
    }

    @Test
    void durationsFormatToTheirShortestExactForm() {
        assertEquals("30s", DurationText.format(Duration.ofSeconds(30)));
        assertEquals("90s", DurationText.format(Duration.ofSeconds(90)));
        assertEquals("5m", DurationText.format(Duration.ofMinutes(5)));
        assertEquals("2h", DurationText.format(Duration.ofHours(2)));
        assertEquals("1500ms", DurationText.format(Duration.ofMillis(1500)));
        assertEquals("0s", DurationText.format(Duration.ZERO));
    }

    @Test
    void byteSizes() {
        assertEquals(1024, ByteSize.parse("1024"));
        assertEquals(4L << 20, ByteSize.parse("4MiB"));
        assertEquals(512_000, ByteSize.parse("512 kb"));
        assertEquals(2L << 30, ByteSize.parse("2GiB"));
        assertThrows(IllegalArgumentException.class, () -> ByteSize.parse("4 megs"));
        assertThrows(IllegalArgumentException.class, () -> ByteSize.parse("-1"));
    }
}
