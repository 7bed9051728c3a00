package org.mirrorsd.decoding.mirror;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.mirrorsd.models.ModelLoader;
import org.mirrorsd.models.scale.ModelScaler;
import org.mirrorsd.models.tensor.GgmlType;
import org.junit.jupiter.api.Test;
import org.mirrorsd.decoding.GenerationRequest;
import org.mirrorsd.decoding.speculative.SpecOptions;
import org.mirrorsd.devices.cpu.CpuExecutor;
import org.mirrorsd.models.LlamaModel;
import org.mirrorsd.testing.Models;

/** The target suffix and the draft rollouts really run at the same time, and cancelling leaks nothing. */
class MirrorConcurrencyTest {

    @Test
    void suffixAndRolloutsOverlap(@TempDir Path dir) throws Exception {
        // A scaled target, so its suffix layers take long enough to measure; own executors (one thread each)
        // so the two pipelines have disjoint threads, as in serving.
        Path scaled = dir.resolve("target.gguf");
        ModelScaler.writeGguf(Models.model("stories260K.bin"), new ModelScaler.Shape(256, 688, 12, 32), GgmlType.F32, 3, scaled);
        LlamaModel d = Models.model("llama2xs-280K.bin");
        try (LlamaModel t = ModelLoader.loadWeights(scaled);
             CpuExecutor target = new CpuExecutor(t, 1); CpuExecutor draft = new CpuExecutor(d, 1);
             MirrorEngine engine = new MirrorEngine(target, draft, SpecOptions.paper()); // every step a Mirror step
             MirrorSession s = engine.open(GenerationRequest.greedy(new int[] {1, 403}, 150))) {
            while (!s.finished()) s.step();
            List<MirrorSession.StepTimes> steps = s.timeline();
            long overlapped = steps.stream().filter(MirrorSession.StepTimes::overlapped).count();
            assertTrue(steps.size() > 10);
            // Every step starts rollouts before the suffix ends; most must overlap it.
            assertTrue(overlapped * 2 > steps.size(), overlapped + " of " + steps.size() + " steps overlapped");
        }
    }

    @Test
    void cancellingMidGenerationFreesEveryCache() {
        LlamaModel t = Models.model("stories260K.bin");
        LlamaModel d = Models.model("llama2xs-280K.bin");
        try (CpuExecutor target = new CpuExecutor(t, 1); CpuExecutor draft = new CpuExecutor(d, 1);
             MirrorEngine engine = new MirrorEngine(target, draft, SpecOptions.defaults())) {
            MirrorSession s = engine.open(GenerationRequest.greedy(new int[] {1, 403}, 150));
            for (int i = 0; i < 5; i++) s.step();
            assertTrue(draft.openCaches() > 0);
            s.close();
            assertEquals(0, target.openCaches(), "target caches leaked");
            assertEquals(0, draft.openCaches(), "draft caches (branches) leaked");
            assertTrue(s.finished());
        }
    }

    @Test
    void aDraftDeviceFailingMidStepFailsTheStepAndLeaksNothing() {
        LlamaModel t = Models.model("stories260K.bin");
        LlamaModel d = Models.model("llama2xs-280K.bin");
        for (int failOn : new int[] {3, 9, 20}) {
            try (CpuExecutor target = new CpuExecutor(t, 1); CpuExecutor draft = new CpuExecutor(d, 1);
                 MirrorEngine engine = new MirrorEngine(target, new org.mirrorsd.testing.FailingExecutor(draft, failOn),
                         SpecOptions.defaults())) {
                MirrorSession s = engine.open(GenerationRequest.greedy(new int[] {1, 403}, 150));
                IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> {
                    while (!s.finished()) s.step();
                });
                assertTrue(e.getMessage().contains("injected"), e.getMessage());
                s.close();
                assertEquals(0, target.openCaches(), "target caches leaked");
                assertEquals(0, draft.openCaches(), "draft caches leaked after failure on call " + failOn);
                // The engine still serves the next request.
                try (MirrorEngine healthy = new MirrorEngine(target, draft, SpecOptions.defaults());
                     MirrorSession next = healthy.open(GenerationRequest.greedy(new int[] {1, 403}, 20))) {
                    while (!next.finished()) next.step();
                    assertEquals(20, next.generatedCount());
                }
            }
        }
    }
}
