package org.mirrorsd.bench.specbench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mirrorsd.config.ConfigFlags;
import org.mirrorsd.server.MirrorSdServer;
import org.mirrorsd.server.ServerMain;
import org.mirrorsd.testing.SharedFiles;

/**
 * The HTTP mode against the real server (streaming chat completions with the "decoding" extension): the
 * answers must be those of the in-process replay, and the decoding counters must come through.
 */
class SpecBenchHttpTest {
    private static final List<String> METHODS = List.of("ar", "sd", "mirror");

    @Test
    void replaysAgainstTheServerWithTheSameAnswersAsInProcess(@TempDir Path http, @TempDir Path local) throws Exception {
        String model = SharedFiles.model("stories260K.bin").toString();
        String draft = SharedFiles.model("llama2xs-280K.bin").toString();
        String tokenizer = SharedFiles.model("tok512.bin").toString();
        String questions = SharedFiles.file("specbench/question.jsonl").toString();
        List<String> common = List.of("--questions", questions, "--categories", "mt_bench,qa", "--limit", "1",
                "--methods", String.join(",", METHODS), "--max-tokens", "16", "--warmup", "0");
        MirrorSdServer server = MirrorSdServer.start(ConfigFlags.load(ServerMain.commandLine().parse(
                "--model", model, "--tokenizer", tokenizer, "--draft", draft, "--host", "127.0.0.1", "--port", "0",
                "--threads", "1"), Map.of()));
        ReportFiles viaHttp;
        try {
            viaHttp = ReportFiles.run(http, concat(common, "--server", "http://127.0.0.1:" + server.port(),
                    "--model", model, "--tokenizer", tokenizer));
        } finally {
            server.shutdown();
        }
        ReportFiles inProcess = ReportFiles.run(local, concat(common, "--model", model, "--draft", draft,
                "--tokenizer", tokenizer, "--threads", "1"));

        assertEquals(0, viaHttp.exitCode, viaHttp.stdout);
        viaHttp.assertFilesWritten(METHODS);
        JsonNode j = viaHttp.json;
        assertTrue(j.get("complete").asBoolean());
        assertTrue(j.get("greedy_outputs_identical").asBoolean());
        assertTrue(j.at("/settings/source").asText().startsWith("http://127.0.0.1:"));
        assertEquals(2, j.get("questions").size());
        for (int q = 0; q < 2; q++) {
            JsonNode a = j.get("questions").get(q), b = inProcess.json.get("questions").get(q);
            for (String m : METHODS) {
                JsonNode ta = a.at("/methods/" + m + "/turns"), tb = b.at("/methods/" + m + "/turns");
                assertEquals(tb.size(), ta.size());
                for (int t = 0; t < ta.size(); t++) {
                    assertEquals(tb.get(t).get("text").asText(), ta.get(t).get("text").asText(), m + " turn " + (t + 1));
                    assertEquals(tb.get(t).get("tokens").asInt(), ta.get(t).get("tokens").asInt());
                    assertEquals(tb.get(t).get("prompt_tokens").asInt(), ta.get(t).get("prompt_tokens").asInt());
                }
            }
        }
        JsonNode mirror = j.at("/summary/overall/mirror");
        assertTrue(mirror.at("/counts/drafted").asLong() > 0, "the server reports its decoding counters");
        assertTrue(mirror.get("mean_accepted_length").asDouble() >= 1.0);
        assertEquals(1.0, j.at("/summary/overall/ar/mean_accepted_length").asDouble(), 1e-9);
    }

    private static String[] concat(List<String> a, String... b) {
        List<String> all = new java.util.ArrayList<>(a);
        all.addAll(List.of(b));
        return all.toArray(String[]::new);
    }
}
