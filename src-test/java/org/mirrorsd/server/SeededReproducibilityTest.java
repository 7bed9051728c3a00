package org.mirrorsd.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mirrorsd.testing.SharedFiles;

/**
 * A seed is a promise: temperature 0.8 with a seed gives the same tokens on every run, streamed or not, under
 * concurrent load, for every method. 20 seeds, 4 concurrent clients over loopback, stream and non-stream, three
 * repetitions in a different order each. Because every draw is keyed by (seed, position) and drafts are coupled
 * to the target's own draw, the methods also agree with each other (and with plain sampling).
 */
class SeededReproducibilityTest {
    private static final List<String> METHODS = List.of("ar", "ngram", "sd", "mirror");
    private static final int SEEDS = 20;
    private static final int CLIENTS = 4;
    private static final int REPETITIONS = 3;
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start("--draft", SharedFiles.model("llama2xs-280K.bin").toString());
    }

    @AfterAll
    static void stop() { server.close(); }

    private record Call(String method, int seed, boolean stream) {}

    @Test
    void seededSamplingGivesTheSameTokensWhateverTheMethodLoadOrStreamMode() throws Exception {
        Map<Call, String> first = new ConcurrentHashMap<>();
        List<Call> calls = new ArrayList<>();
        for (String m : METHODS) for (int s = 0; s < SEEDS; s++) for (boolean st : new boolean[] {false, true}) calls.add(new Call(m, 42 + s, st));
        for (int rep = 0; rep < REPETITIONS; rep++) {
            List<Call> order = new ArrayList<>(calls);
            Collections.shuffle(order, new Random(rep)); // other neighbours, other timing, each repetition
            ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
            try {
                List<Future<?>> done = new ArrayList<>();
                int r = rep;
                for (Call c : order) {
                    done.add(clients.submit(() -> {
                        String text = generate(c);
                        String before = first.putIfAbsent(c, text);
                        if (before != null) assertEquals(before, text, c + " repetition " + r);
                        return null;
                    }));
                }
                for (Future<?> f : done) f.get();
            } finally {
                clients.shutdown();
            }
        }
        for (int s = 0; s < SEEDS; s++) {
            String ar = first.get(new Call("ar", 42 + s, false));
            for (String m : METHODS) {
                for (boolean st : new boolean[] {false, true}) {
                    assertEquals(ar, first.get(new Call(m, 42 + s, st)), m + " seed " + (42 + s) + " stream " + st);
                }
            }
        }
    }

    private static String generate(Call c) {
        String body = "{\"prompt\":\"Once upon a time\",\"max_tokens\":48,\"temperature\":0.8,\"seed\":" + c.seed()
                + ",\"decoding\":\"" + c.method() + "\"" + (c.stream() ? ",\"stream\":true" : "") + "}";
        if (c.stream()) return Sse.parse(server.post("/v1/completions", body).body()).text(0);
        return server.postJson("/v1/completions", body, 200).get("choices").get(0).get("text").asText();
    }
}
