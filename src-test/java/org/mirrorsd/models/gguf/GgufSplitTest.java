package org.mirrorsd.models.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mirrorsd.decoding.GreedyOracle;
import org.mirrorsd.decoding.ar.AutoregressiveEngine;
import org.mirrorsd.devices.cpu.CpuExecutor;
import org.mirrorsd.models.LlamaModel;
import org.mirrorsd.models.ModelLoader;
import org.mirrorsd.testing.SharedFiles;

/** Split GGUFs as llama.cpp's gguf-split writes them open as one model, from the first shard. */
class GgufSplitTest {

    @Test
    void aSplitModelGeneratesWhatTheWholeFileGenerates(@TempDir Path dir) throws Exception {
        Path whole = SharedFiles.model("stories260K.gguf");
        List<Path> shards = GgufSplitTestSupport.split(whole, dir, "stories", 3);
        int[] prompt = {1, 403, 407, 261, 378};
        try (LlamaModel a = ModelLoader.loadWeights(whole); LlamaModel b = ModelLoader.loadWeights(shards.get(0));
             CpuExecutor ea = new CpuExecutor(a, 1); CpuExecutor eb = new CpuExecutor(b, 1)) {
            assertEquals(a.config(), b.config());
            assertArrayEquals(GreedyOracle.run(new AutoregressiveEngine(ea), prompt, 24),
                    GreedyOracle.run(new AutoregressiveEngine(eb), prompt, 24));
        }
        try (GgufFile joined = GgufFile.open(shards.get(0)); GgufFile original = GgufFile.open(whole)) {
            assertEquals(original.tensors().size(), joined.tensors().size());
            assertEquals(original.metadata().get("tokenizer.ggml.model"), joined.metadata().get("tokenizer.ggml.model"));
        }
    }

    @Test
    void aLaterShardOrAMissingShardIsAClearError(@TempDir Path dir) throws Exception {
        List<Path> shards = GgufSplitTestSupport.split(SharedFiles.model("stories260K.gguf"), dir, "m", 3);
        var later = assertThrows(GgufFormatException.class, () -> GgufFile.open(shards.get(1)));
        assertTrue(later.getMessage().contains("open the first shard"), later.getMessage());
        Files.delete(shards.get(2));
        var missing = assertThrows(GgufFormatException.class, () -> GgufFile.open(shards.get(0)));
        assertTrue(missing.getMessage().contains("shard 3 of 3 is missing"), missing.getMessage());
    }

    @Test
    void shardNamesAreRecognised() {
        var n = GgufSplit.parseName("Llama-3.1-8B-Q4_K_M-00002-of-00004.gguf").orElseThrow();
        assertEquals("Llama-3.1-8B-Q4_K_M", n.prefix());
        assertEquals(2, n.number());
        assertEquals("Llama-3.1-8B-Q4_K_M-00001-of-00004.gguf", n.fileName(1));
        assertTrue(GgufSplit.parseName("model.gguf").isEmpty());
        assertTrue(GgufSplit.parseName("m-00005-of-00004.gguf").isEmpty());
    }
}
