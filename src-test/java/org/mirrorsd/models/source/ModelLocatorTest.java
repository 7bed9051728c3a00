package org.mirrorsd.models.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mirrorsd.models.LoadedModel;
import org.mirrorsd.models.ModelLoader;
import org.mirrorsd.testing.SharedFiles;

/** What {@code --model} accepts besides a file: a directory of GGUFs (by quant tag) and a Hub reference. */
class ModelLocatorTest {
    private static final ModelLocator OFFLINE = new ModelLocator(
            new HubSettings("http://127.0.0.1:9", null, Path.of("/nonexistent-cache"), true, Duration.ofSeconds(1)));

    @Test
    void aDirectoryWithOneModelLoadsIt(@TempDir Path dir) throws Exception {
        Files.copy(SharedFiles.model("stories260K.gguf"), dir.resolve("stories.gguf"));
        Files.writeString(dir.resolve("README.md"), "hello");
        assertEquals(dir.resolve("stories.gguf"), OFFLINE.locate(dir.toString(), null));
        try (LoadedModel m = ModelLoader.load(dir, null, null)) {
            assertEquals(512, m.config().vocabSize());
        }
    }

    @Test
    void aDirectoryOfSeveralQuantsIsPickedByTag(@TempDir Path dir) throws Exception {
        for (String n : List.of("tiny-Q4_K_M.gguf", "tiny-Q8_0.gguf", "mmproj-tiny-f16.gguf")) {
            Files.copy(SharedFiles.model("stories260K.gguf"), dir.resolve(n));
        }
        assertEquals(dir.resolve("tiny-Q8_0.gguf"), OFFLINE.locate(dir.toString(), "q8_0"));
        assertEquals(dir.resolve("tiny-Q4_K_M.gguf"), OFFLINE.locate(dir.toString(), null), "Q4_K_M by default, as llama.cpp");
        var e = assertThrows(NoSuchFileException.class, () -> OFFLINE.locate(dir.toString(), "Q6_K"));
        assertTrue(e.getMessage().contains("no GGUF for quant 'Q6_K'") && e.getMessage().contains("tiny-Q8_0.gguf"), e.getMessage());
    }

    @Test
    void aSplitModelInADirectoryIsPickedByItsFirstShard(@TempDir Path dir) throws Exception {
        org.mirrorsd.models.gguf.GgufSplitTestSupport.split(SharedFiles.model("stories260K.gguf"), dir, "big-Q8_0", 3);
        assertEquals(dir.resolve("big-Q8_0-00001-of-00003.gguf"), OFFLINE.locate(dir.toString(), null));
    }

    @Test
    void anEmptyDirectoryOrAMissingPathIsAClearError(@TempDir Path dir) {
        var empty = assertThrows(NoSuchFileException.class, () -> OFFLINE.locate(dir.toString(), null));
        assertTrue(empty.getMessage().contains("no .gguf"), empty.getMessage());
        var missing = assertThrows(NoSuchFileException.class, () -> OFFLINE.locate(dir.resolve("x.gguf").toString(), null));
        assertTrue(missing.getMessage().contains("not found"), missing.getMessage());
        var offline = assertThrows(java.io.IOException.class, () -> OFFLINE.locate("owner/repo:Q4_K_M", null));
        assertTrue(offline.getMessage().contains("HF_HUB_OFFLINE"), offline.getMessage());
    }

    @Test
    void quantTagsMatchWholeWords() {
        assertTrue(GgufChoice.hasQuant("Llama-3.2-1B-Instruct-Q4_K_M.gguf", "Q4_K_M"));
        assertTrue(GgufChoice.hasQuant("llama-3.2-1b-instruct.q4_k_m.gguf", "Q4_K_M"));
        assertTrue(GgufChoice.hasQuant("m-Q4_K_M-00001-of-00002.gguf", "Q4_K_M"));
        assertTrue(GgufChoice.hasQuant("Q8_0/m-00001-of-00002.gguf", "Q8_0"));
        assertTrue(!GgufChoice.hasQuant("m-Q4_K_M.gguf", "Q4_K"));
        assertTrue(!GgufChoice.hasQuant("m-IQ4_NL.gguf", "Q4_NL"));
    }
}
