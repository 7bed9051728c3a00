package org.mirrorsd.bench.specbench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.mirrorsd.models.chat.ChatMessage;

/**
 * Answers through a running server: a streaming chat completion per turn, the method named by the
 * {@code "decoding"} extension field. Time to first token is the first content delta; the decoding counters
 * come from the {@code "speculative"} object of the usage chunk ({@code stream_options.include_usage}).
 */
public final class HttpGenerator implements Generator {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final PromptFitter fitter;
    private final int maxTokens;
    private final double temperature;
    private final String apiKey;

    /** What {@code GET /v1/models} says of the served model. */
    public record ServerModel(String id, int contextLength, List<String> methods) {}

    /** @param fitter cuts conversations to the context when a local tokenizer is known; null sends them whole */
    public HttpGenerator(URI base, PromptFitter fitter, int maxTokens, double temperature, String apiKey) {
        this.base = base;
        this.fitter = fitter;
        this.maxTokens = maxTokens;
        this.temperature = temperature;
        this.apiKey = apiKey;
    }

    @Override
    public String description() { return base.toString(); }

    public ServerModel model() throws IOException, InterruptedException {
        HttpResponse<String> r = client.send(request("/v1/models").GET().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) throw new IOException("GET /v1/models: HTTP " + r.statusCode() + ": " + r.body());
        JsonNode m = JSON.readTree(r.body()).path("data").path(0);
        List<String> methods = new ArrayList<>();
        m.path("decoding_methods").forEach(n -> methods.add(n.asText()));
        return new ServerModel(m.path("id").asText(null), m.path("context_length").asInt(0), methods);
    }

    @Override
    public TurnResult generate(String method, List<ChatMessage> conversation) throws IOException, InterruptedException {
        List<ChatMessage> messages = conversation;
        int promptTokens = -1;
        boolean truncated = false;
        if (fitter != null) {
            PromptFitter.Fitted f = fitter.fit(conversation);
            messages = f.messages();
            promptTokens = f.promptIds().length;
            truncated = f.truncated();
        }
        String body = JSON.writeValueAsString(body(method, messages));
        long t0 = System.nanoTime();
        HttpResponse<Stream<String>> r = client.send(request("/v1/chat/completions")
                .header("Content-Type", "application/json").header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofLines());
        try (Stream<String> lines = r.body()) {
            if (r.statusCode() != 200) {
                throw new IOException("POST /v1/chat/completions (" + method + "): HTTP " + r.statusCode() + ": "
                        + String.join("\n", lines.toList()));
            }
            StringBuilder text = new StringBuilder();
            long firstToken = -1;
            JsonNode usage = null, speculative = null;
            for (Iterator<String> it = lines.iterator(); it.hasNext(); ) {
                String line = it.next();
                if (!line.startsWith("data:")) continue; // blank separators, comments
                String data = line.substring(5).strip();
                if (data.equals("[DONE]")) break;
                JsonNode event = JSON.readTree(data);
                if (event.has("error")) throw new IOException("server error (" + method + "): " + event.get("error"));
                for (JsonNode choice : event.path("choices")) {
                    String piece = choice.path("delta").path("content").asText("");
                    if (!piece.isEmpty() && firstToken < 0) firstToken = System.nanoTime() - t0;
                    text.append(piece);
                }
                if (event.hasNonNull("usage")) usage = event.get("usage");
                if (event.hasNonNull("speculative")) speculative = event.get("speculative");
            }
            long nanos = System.nanoTime() - t0;
            int tokens = usage != null ? usage.path("completion_tokens").asInt() : -1;
            if (usage != null && promptTokens < 0) promptTokens = usage.path("prompt_tokens").asInt();
            Counts counts = counts(speculative, tokens);
            return new TurnResult(text.toString().strip(), tokens < 0 ? (int) counts.generated() : tokens, promptTokens,
                    truncated, nanos, firstToken < 0 ? nanos : firstToken, counts);
        }
    }

    private ObjectNode body(String method, List<ChatMessage> messages) {
        ObjectNode b = JSON.createObjectNode();
        var list = b.putArray("messages");
        for (ChatMessage m : messages) list.addObject().put("role", m.role()).put("content", m.content());
        b.put("max_tokens", maxTokens);
        b.put("temperature", temperature);
        b.put("seed", 1234);
        b.put("stream", true);
        b.putObject("stream_options").put("include_usage", true);
        b.put("decoding", method);
        return b;
    }

    /**
     * The server reports counters as in {@code DecodingStats.toMap}: the branch hit rate but not its lookups.
     * Mirror-SD looks up one window per verification pass, so lookups ≈ target passes.
     */
    static Counts counts(JsonNode s, int tokens) {
        if (s == null) return new Counts(Math.max(tokens, 0), Math.max(tokens, 0), 0, 0, 0, 0);
        long passes = s.path("target_passes").asLong();
        double hitRate = s.path("branch_hit_rate").asDouble();
        long lookups = hitRate > 0 || "mirror".equals(s.path("method").asText()) ? passes : 0;
        return new Counts(s.path("generated").asLong(), passes, s.path("drafted").asLong(), s.path("accepted").asLong(),
                Math.round(hitRate * lookups), lookups);
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofMinutes(10));
        if (apiKey != null) b.header("Authorization", "Bearer " + apiKey);
        return b;
    }
}
