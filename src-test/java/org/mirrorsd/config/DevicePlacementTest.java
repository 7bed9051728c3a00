package org.mirrorsd.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DevicePlacementTest {

    @Test
    void wholeDevices() {
        assertEquals(DevicePlacement.whole(DevicePlacement.Kind.CPU), DevicePlacement.parse("cpu"));
        assertEquals(DevicePlacement.whole(DevicePlacement.Kind.CUDA), DevicePlacement.parse(" CUDA "));
        assertEquals(DevicePlacement.whole(DevicePlacement.Kind.ONNX), DevicePlacement.parse("onnx"));
        assertTrue(DevicePlacement.parse("cpu").layerRange().isEmpty());
    }

    @Test
    void openEndedRange() {
        DevicePlacement placement = DevicePlacement.parse("cuda:4-");
        DevicePlacement.LayerRange range = placement.layerRange().orElseThrow();
        assertEquals(4, range.start());
        assertEquals(OptionalInt.empty(), range.end());
        assertEquals(32, range.endOr(32));
        assertFalse(range.contains(3));
        assertTrue(range.contains(31));
        assertEquals("cuda:4-", placement.toString());
    }

    @Test
    void closedRangeIsEndExclusive() {
        DevicePlacement.LayerRange range = DevicePlacement.parse("cuda:0-8").layerRange().orElseThrow();
        assertEquals(new DevicePlacement.LayerRange(0, OptionalInt.of(8)), range);
        assertTrue(range.contains(7));
        assertFalse(range.contains(8));
        assertEquals(new DevicePlacement.LayerRange(0, OptionalInt.of(8)),
                DevicePlacement.parse("cpu:-8").layerRange().orElseThrow(), "a missing start means layer 0");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "gpu", "cuda:", "cuda:4", "cuda:-", "cuda:a-b", "cuda:8-4", "cuda:4-4", "cuda:-1-3"})
    void rejectsBadDevices(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DevicePlacement.parse(text));
        assertFalse(e.getMessage().contains("\n"), "one-line message");
    }

    @Test
    void explainsBareNumbers() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DevicePlacement.parse("cuda:1"));
        assertEquals("bad device \"cuda:1\": after ':' expected a layer range A-B, A- or -B (end exclusive), got \"1\"",
                e.getMessage());
    }
}
