package org.mirrorsd.models.scale;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mirrorsd.models.LlamaModel;
import org.mirrorsd.models.tensor.GgmlType;
import org.mirrorsd.testing.LlamaCppFixtures;

/** scale writes Llama's tensors only, so a model of another family is refused rather than silently changed. */
class ScaleArchitectureTest {
    @TempDir
    Path dir;

    @Test
    void otherArchitecturesAreRefused() {
        LlamaModel qwen3 = LlamaCppFixtures.model("qwen3-F16.gguf");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelScaler.writeGguf(qwen3,
                new ModelScaler.Shape(512, 1536, 4, 8), GgmlType.F32, 1, dir.resolve("out.gguf")));
        assertTrue(e.getMessage().contains("'qwen3'"), e.getMessage());
    }
}
