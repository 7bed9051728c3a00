package org.mirrorsd.devices.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.mirrorsd.devices.onnx.export.ExportSidecar;
import org.mirrorsd.devices.onnx.export.OnnxExporter;
import org.mirrorsd.testing.Models;
import org.mirrorsd.testing.SharedFiles;

/** The command-line hook exports GGUF and llama2.c files alike, ready for {@link OnnxExecutor#openExport}. */
class ExportOnnxTest {
    @Test
    void exportsAGgufModelThatOpens() throws Exception {
        Path dir = OnnxModels.exportDir("gguf");
        ExportOnnx.run(SharedFiles.model("stories260K.gguf"), dir);
        assertTrue(Files.size(dir.resolve(OnnxExporter.MODEL_FILE)) > 1_000_000);
        ExportSidecar sidecar = ExportSidecar.read(dir.resolve(ExportSidecar.FILE_NAME));
        assertEquals(128, sidecar.config().contextLength(), "the GGUF's own context length");
        try (OnnxExecutor e = OnnxExecutor.openExport(dir, OnnxOptions.cpu(1))) {
            // Same weights as stories260K.bin: the same logits as its CPU executor.
            int[] tokens = {1, 403, 407, 261, 378};
            float[] expected, actual;
            try (var cpuCache = Models.cpu("stories260K.bin").newCache(8); var c = e.newCache(8)) {
                expected = OnnxLogitsTest.forward(Models.cpu("stories260K.bin"), tokens, 0, 5, cpuCache);
                actual = OnnxLogitsTest.forward(e, tokens, 0, 5, c);
            }
            assertTrue(OnnxLogitsTest.maxDiff(expected, 0, actual, 0, expected.length) < 1e-4f);
        }
    }
}
