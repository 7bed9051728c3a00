package org.mirrorsd.decoding.planning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.mirrorsd.devices.cpu.CpuExecutor;
import org.mirrorsd.testing.Models;

/** CPU placements: all cores one after the other, or disjoint threads side by side. */
class CorePlacementTest {

    @Test
    void twoCoresSplitOneAndOneAndRunSeriallyOnBoth() {
        try (CpuExecutor target = new CpuExecutor(Models.model("stories260K.bin"), 2);
             CpuExecutor draft = new CpuExecutor(Models.model("llama2xs-280K.bin"), 1);
             CorePlacement p = CorePlacement.derive(target, draft, 2)) {
            assertSame(target, p.target(Placement.SERIAL));
            assertEquals(2, ((CpuExecutor) p.draft(Placement.SERIAL)).threads(), "serial: the draft on both cores");
            assertEquals(1, ((CpuExecutor) p.target(Placement.SPLIT)).threads(), "split: 1 + 1");
            assertSame(draft, p.draft(Placement.SPLIT));
            assertTrue(p.disjoint(), p.describe());
        }
    }

    @Test
    void oneCoreCannotBeSplit() {
        try (CpuExecutor target = new CpuExecutor(Models.model("stories260K.bin"), 1);
             CpuExecutor draft = new CpuExecutor(Models.model("llama2xs-280K.bin"), 1);
             CorePlacement p = CorePlacement.derive(target, draft, 1)) {
            assertSame(target, p.target(Placement.SPLIT));
            assertFalse(p.disjoint(), "both pipelines share the one core: the planner measures the contention");
        }
    }
}
