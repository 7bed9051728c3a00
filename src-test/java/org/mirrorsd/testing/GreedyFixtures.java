package org.mirrorsd.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/** The records of {@code fixtures/llama2c-greedy.jsonl}: llama2.c run.c's greedy output and top-5 logits. */
public final class GreedyFixtures {
    private GreedyFixtures() {}

    /** @param top5 per position p, five (token, logit) pairs of the logits computed at p */
    public record Record(String model, String tokenizer, String prompt, int[] tokens, String text,
                         int[][] top5Tokens, float[][] top5Logits) {
        /**
         * Tokens fed before generation: BOS plus the prompt's tokens. Found by decoding the fixture's tokens
         * with the raw tok512.bin pieces until they spell run.c's " " + prompt (independent of our tokenizer).
         */
        public int promptLength() {
            if (prompt.isEmpty()) return 1;
            String target = " " + prompt;
            StringBuilder text = new StringBuilder();
            for (int k = 1; k < tokens.length; k++) {
                text.append(Tok512Pieces.piece(tokens[k]));
                if (text.toString().equals(target)) return k + 1;
                if (text.length() >= target.length()) break;
            }
            throw new IllegalStateException("cannot find the prompt of " + this);
        }

        public int[] promptTokens() { return java.util.Arrays.copyOf(tokens, promptLength()); }

        @Override
        public String toString() { return model + " \"" + prompt + "\""; }
    }

    /** The pieces of tok512.bin, read directly from the file. */
    static final class Tok512Pieces {
        private static String[] pieces;

        static synchronized String piece(int id) {
            if (pieces == null) {
                try {
                    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(Files.readAllBytes(SharedFiles.model("tok512.bin")))
                            .order(java.nio.ByteOrder.LITTLE_ENDIAN);
                    b.getInt();
                    pieces = new String[512];
                    for (int i = 0; i < 512; i++) {
                        b.getFloat();
                        byte[] bytes = new byte[b.getInt()];
                        b.get(bytes);
                        pieces[i] = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return pieces[id];
        }
    }

    public static List<Record> all() {
        ObjectMapper json = new ObjectMapper();
        List<Record> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(SharedFiles.file("fixtures/llama2c-greedy.jsonl"))) {
                if (line.isBlank()) continue;
                JsonNode n = json.readTree(line);
                int[] tokens = new int[n.get("tokens").size()];
                for (int i = 0; i < tokens.length; i++) tokens[i] = n.get("tokens").get(i).asInt();
                JsonNode top = n.get("top5_logits_per_position");
                int[][] tt = new int[top.size()][];
                float[][] tl = new float[top.size()][];
                for (int p = 0; p < top.size(); p++) {
                    JsonNode pairs = top.get(p);
                    tt[p] = new int[pairs.size()];
                    tl[p] = new float[pairs.size()];
                    for (int k = 0; k < pairs.size(); k++) {
                        tt[p][k] = pairs.get(k).get(0).asInt();
                        tl[p][k] = (float) pairs.get(k).get(1).asDouble();
                    }
                }
                out.add(new Record(n.get("model").asText(), n.get("tokenizer").asText(), n.get("prompt").asText(),
                        tokens, n.get("text").asText(), tt, tl));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    public static List<Record> forModel(String model) {
        return all().stream().filter(r -> r.model().equals(model)).toList();
    }
}
