package org.mirrorsd.models.source;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mirrorsd.config.HubReference;
import org.mirrorsd.models.LoadedModel;
import org.mirrorsd.models.ModelLoader;
import org.mirrorsd.testing.SharedFiles;

/** The Hub downloader against a local server that answers as the Hub's resolve endpoints do; no internet. */
class HubClientTest {
    private static final String REPO = "someone/tiny-stories-GGUF";

    private static HubSettings settings(FakeHub hub, Path cache, String token, boolean offline) {
        return new HubSettings(hub.endpoint(), token, cache, offline, Duration.ofSeconds(10));
    }

    private static byte[] model() throws IOException {
        return Files.readAllBytes(SharedFiles.model("stories260K.gguf"));
    }

    @Test
    void downloadsOnceIntoTheHubCacheLayoutAndTheModelLoads(@TempDir Path cache) throws Exception {
        try (FakeHub hub = new FakeHub(REPO)) {
            hub.file("README.md", "# tiny".getBytes(StandardCharsets.UTF_8)).file("stories-Q8_0.gguf", model());
            Path p = new HubClient(settings(hub, cache, null, false)).fetch(HubReference.parse(REPO).orElseThrow(), null);
            Path repoDir = cache.resolve("models--someone--tiny-stories-GGUF");
            assertEquals(repoDir.resolve("snapshots").resolve(FakeHub.COMMIT).resolve("stories-Q8_0.gguf"), p);
            assertTrue(Files.isSymbolicLink(p));
            assertEquals(repoDir.resolve("blobs").resolve(hub.etag("stories-Q8_0.gguf")), p.getParent().resolve(Files.readSymbolicLink(p)).normalize());
            assertEquals(FakeHub.COMMIT, Files.readString(repoDir.resolve("refs/main")));
            assertArrayEquals(model(), Files.readAllBytes(p));
            try (LoadedModel m = ModelLoader.load(p, null, null)) {
                assertEquals(512, m.config().vocabSize());
            }
            long gets = hub.storageGets();
            assertEquals(1, gets);
            Path again = new HubClient(settings(hub, cache, null, false)).fetch(HubReference.parse(REPO).orElseThrow(), null);
            assertEquals(p, again);
            assertEquals(gets, hub.storageGets(), "a cached file is not downloaded again");
        }
    }

    @Test
    void theQuantTagPicksTheFile(@TempDir Path cache) throws Exception {
        byte[] q8 = Files.readAllBytes(SharedFiles.file("fixtures/llamacpp/llama-Q8_0.gguf"));
        try (FakeHub hub = new FakeHub(REPO)) {
            hub.file("stories-Q4_K_M.gguf", model()).file("stories-Q8_0.gguf", q8).file("mmproj-F16.gguf", model());
            HubClient client = new HubClient(settings(hub, cache, null, false));
            Path picked = client.fetch(HubReference.parse(REPO + ":Q8_0").orElseThrow(), null);
            assertEquals("stories-Q8_0.gguf", picked.getFileName().toString());
            assertArrayEquals(q8, Files.readAllBytes(picked));
            assertEquals("stories-Q4_K_M.gguf", client.fetch(HubReference.parse(REPO).orElseThrow(), null).getFileName().toString());
            var none = assertThrows(IllegalArgumentException.class,
                    () -> client.fetch(HubReference.parse(REPO + ":Q2_K").orElseThrow(), null));
            assertTrue(none.getMessage().contains("no GGUF for quant 'Q2_K'"), none.getMessage());
        }
    }

    @Test
    void anInterruptedDownloadResumesWithARangeRequest(@TempDir Path cache) throws Exception {
        byte[] bytes = model();
        try (FakeHub hub = new FakeHub(REPO)) {
            hub.file("m.gguf", bytes);
            Path blobs = cache.resolve("models--someone--tiny-stories-GGUF/blobs");
            Files.createDirectories(blobs);
            int half = bytes.length / 2;
            Files.write(blobs.resolve(hub.etag("m.gguf") + ".incomplete"), java.util.Arrays.copyOf(bytes, half));
            Path p = new HubClient(settings(hub, cache, null, false)).fetch(HubReference.parse(REPO).orElseThrow(), null);
            assertArrayEquals(bytes, Files.readAllBytes(p));
            assertTrue(hub.seen.stream().anyMatch(s -> ("bytes=" + half + "-").equals(s.range())), hub.seen.toString());
            assertFalse(Files.exists(blobs.resolve(hub.etag("m.gguf") + ".incomplete")));
        }
    }

    @Test
    void aFileThatDoesNotMatchItsChecksumIsRefusedAndNotKept(@TempDir Path cache) throws Exception {
        try (FakeHub hub = new FakeHub(REPO)) {
            hub.file("m.gguf", model());
            String wrong = "ab".repeat(32);
            hub.etagOverride.put("m.gguf", wrong);
            var e = assertThrows(IOException.class,
                    () -> new HubClient(settings(hub, cache, null, false)).fetch(HubReference.parse(REPO).orElseThrow(), null));
            assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
            Path blobs = cache.resolve("models--someone--tiny-stories-GGUF/blobs");
            assertFalse(Files.exists(blobs.resolve(wrong)));
            assertFalse(Files.exists(blobs.resolve(wrong + ".incomplete")));
        }
    }

    @Test
    void theTokenGoesToTheHubButNeverToTheStorageHost(@TempDir Path cache) throws Exception {
        try (FakeHub hub = new FakeHub(REPO)) {
            hub.file("m.gguf", model());
            hub.requiredToken = "hf_secret";
            var denied = assertThrows(IOException.class,
                    () -> new HubClient(settings(hub, cache, null, false)).fetch(HubReference.parse(REPO).orElseThrow(), null));
            assertTrue(denied.getMessage().contains("HF_TOKEN"), denied.getMessage());
            new HubClient(settings(hub, cache, "hf_secret", false)).fetch(HubReference.parse(REPO).orElseThrow(), null);
            assertTrue(hub.seen.stream().anyMatch(s -> s.server().equals("hub") && "Bearer hf_secret".equals(s.authorization())));
            hub.seen.stream().filter(s -> s.server().equals("storage")).forEach(s -> assertNull(s.authorization(), s.toString()));
        }
    }

    @Test
    void offlineTheCachedSnapshotIsUsed(@TempDir Path cache) throws Exception {
        Path first;
        try (FakeHub hub = new FakeHub(REPO)) {
            hub.file("m.gguf", model());
            first = new HubClient(settings(hub, cache, null, false)).fetch(HubReference.parse(REPO).orElseThrow(), null);
            long before = hub.seen.size();
            Path offline = new HubClient(settings(hub, cache, null, true)).fetch(HubReference.parse(REPO).orElseThrow(), null);
            assertEquals(first, offline);
            assertEquals(before, hub.seen.size(), "offline means no request at all");
        }
        // The Hub gone altogether: the cache still serves.
        HubSettings gone = new HubSettings("http://127.0.0.1:9", null, cache, false, Duration.ofSeconds(5));
        assertEquals(first, new HubClient(gone).fetch(HubReference.parse(REPO).orElseThrow(), null));
        var e = assertThrows(IOException.class,
                () -> new HubClient(gone).fetch(HubReference.parse("other/repo").orElseThrow(), null));
        assertTrue(e.getMessage().contains("cannot be reached") && e.getMessage().contains("cache"), e.getMessage());
    }

    @Test
    void everyShardOfASplitModelIsDownloaded(@TempDir Path cache, @TempDir Path work) throws Exception {
        var shards = org.mirrorsd.models.gguf.GgufSplitTestSupport.split(SharedFiles.model("stories260K.gguf"), work, "st-Q8_0", 3);
        try (FakeHub hub = new FakeHub(REPO)) {
            for (Path s : shards) hub.file(s.getFileName().toString(), Files.readAllBytes(s));
            Path p = new HubClient(settings(hub, cache, null, false)).fetch(HubReference.parse(REPO).orElseThrow(), null);
            assertEquals("st-Q8_0-00001-of-00003.gguf", p.getFileName().toString());
            assertEquals(3, hub.storageGets());
            try (LoadedModel m = ModelLoader.load(p, null, null)) {
                assertEquals(512, m.config().vocabSize());
            }
        }
    }

    @Test
    void settingsAreReadAsHuggingfaceHubReadsThem(@TempDir Path home) throws Exception {
        HubSettings d = HubSettings.from(Map.of(), home);
        assertEquals("https://huggingface.co", d.endpoint());
        assertEquals(home.resolve(".cache/huggingface/hub"), d.cache());
        assertNull(d.token());
        assertFalse(d.offline());
        Files.createDirectories(home.resolve("hf"));
        Files.writeString(home.resolve("hf/token"), "hf_fromfile\n");
        HubSettings s = HubSettings.from(Map.of("HF_HOME", home.resolve("hf").toString(), "HF_ENDPOINT", "https://mirror.example/",
                "HF_HUB_OFFLINE", "1"), home);
        assertEquals("https://mirror.example", s.endpoint());
        assertEquals(home.resolve("hf/hub"), s.cache());
        assertEquals("hf_fromfile", s.token());
        assertTrue(s.offline());
        assertEquals("hf_env", HubSettings.from(Map.of("HF_TOKEN", "hf_env", "HF_HUB_CACHE", "/c"), home).token());
        assertEquals(Path.of("/c"), HubSettings.from(Map.of("HF_HUB_CACHE", "/c"), home).cache());
    }

    @Test
    void referencesParseAsLlamaCppsHfFlagTakesThem() {
        HubReference r = HubReference.parse("bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M").orElseThrow();
        assertEquals("bartowski/Llama-3.2-1B-Instruct-GGUF", r.repo());
        assertEquals("Q4_K_M", r.quant());
        assertEquals("main", r.revision());
        assertEquals("models--bartowski--Llama-3.2-1B-Instruct-GGUF", r.cacheName());
        assertNull(HubReference.parse("owner/repo").orElseThrow().quant());
        assertTrue(HubReference.parse("model.gguf").isEmpty());
        assertTrue(HubReference.parse("/abs/path.gguf").isEmpty());
        assertTrue(HubReference.parse("a/b/c").isEmpty());
    }
}
