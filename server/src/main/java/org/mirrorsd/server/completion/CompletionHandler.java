package org.mirrorsd.server.completion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.mirrorsd.decoding.DecodingEngine;
import org.mirrorsd.decoding.GenerationRequest;
import org.mirrorsd.decoding.constraint.Grammar;
import org.mirrorsd.decoding.constraint.GrammarProcessor;
import org.mirrorsd.decoding.sampling.LogitBias;
import org.mirrorsd.decoding.sampling.LogitProcessor;
import org.mirrorsd.decoding.sampling.SamplingParams;
import org.mirrorsd.server.ServedModel;
import org.mirrorsd.server.ServerState;
import org.mirrorsd.server.Serving;
import org.mirrorsd.server.openai.ApiError;
import org.mirrorsd.server.openai.ApiKind;
import org.mirrorsd.server.openai.CompletionRequest;
import org.mirrorsd.server.openai.CompletionRequestParser;
import org.mirrorsd.server.openai.Json;
import org.mirrorsd.server.openai.ResponseFormat;
import org.mirrorsd.server.openai.StructuredFields;
import org.mirrorsd.server.openai.ToolCallFormat;
import org.mirrorsd.server.openai.PromptInput;
import org.mirrorsd.server.openai.ToolFields;
import org.mirrorsd.server.structured.ToolCallSyntax;
import org.mirrorsd.server.structured.Constraints;
import org.mirrorsd.server.scheduler.EndCause;
import org.mirrorsd.server.scheduler.SchedulerRejection;
import org.mirrorsd.server.scheduler.Sequence;
import org.mirrorsd.server.text.TextAssembler;

/**
 * {@code POST /v1/chat/completions} and {@code POST /v1/completions}: validates the request on the event
 * loop, turns it into one sequence per choice, hands them to the scheduler and ties the response to them
 * (client gone or timeout → sequences cancelled).
 */
public final class CompletionHandler {
    private final ServerState state;

    public CompletionHandler(ServerState state) {
        this.state = state;
    }

    public void handle(Channel channel, FullHttpRequest http, ApiKind kind) {
        Serving serving = state.serving();
        if (serving == null || state.isDraining()) {
            throw ApiError.unavailable(serving == null ? "The model is still loading." : "The server is shutting down.");
        }
        ObjectNode json = body(http);
        CompletionRequest request = CompletionRequestParser.parse(kind, json);
        StructuredFields structured = StructuredFields.parse(json);
        ToolFields tools = ToolFields.parse(kind, json);
        ServedModel model = serving.model();
        structured.checkVocabulary(model.config().vocabSize());
        if (request.model() != null && !request.model().equals(model.id())) throw ApiError.modelNotFound(request.model());
        DecodingEngine engine = engine(serving, request.decoding());
        if (request.choiceCount() > CompletionRequestParser.MAX_CHOICES) {
            throw ApiError.invalid("A request may produce at most " + CompletionRequestParser.MAX_CHOICES
                    + " choices (prompts x n).", "n");
        }
        PromptEncoder encoder = new PromptEncoder(model);
        String promptParam = kind == ApiKind.CHAT ? "messages" : "prompt";
        List<int[]> prompts = new ArrayList<>();
        for (var p : request.prompts()) {
            if (p instanceof PromptInput.Messages m && tools.needsChatPrompt(json)) {
                p = new PromptInput.Messages(tools.withTools(m.prompt(), json));
            }
            prompts.add(encoder.encode(p, promptParam));
        }

        ToolCallSyntax syntax = ToolCallSyntax.of(model.chatTemplate());
        ResponseFormat format = tools.active()
                ? new ToolCallFormat(ResponseFormat.of(kind), syntax, tools.functions(), request.choiceCount())
                : ResponseFormat.of(kind);
        var envelope = new CompletionResponder.Envelope(format.idPrefix() + UUID.randomUUID().toString().replace("-", ""),
                System.currentTimeMillis() / 1000, model.id(), engine.method());
        boolean keepAlive = HttpUtil.isKeepAlive(http);
        int promptTokens = prompts.stream().mapToInt(p -> p.length).sum();
        CompletionResponder responder = request.stream()
                ? new StreamingResponder(channel, keepAlive, format, envelope, request.choiceCount(), promptTokens,
                        state.metrics(), request.includeUsage())
                : new BufferedResponder(channel, keepAlive, format, envelope, request.choiceCount(), promptTokens,
                        state.metrics(), request.logprobs());

        Grammar grammar = grammar(model, structured, tools, syntax);
        List<Sequence> sequences = sequences(serving, request, prompts, engine, encoder, responder, grammar,
                new LogitBias(structured.logitBias()));
        submit(channel, serving, sequences, responder);
    }

    private List<Sequence> sequences(Serving serving, CompletionRequest request, List<int[]> prompts,
                                     DecodingEngine engine, PromptEncoder encoder, CompletionResponder responder,
                                     Grammar grammar, LogitBias bias) {
        ServedModel model = serving.model();
        int[] stopTokens = request.ignoreEos() ? new int[0]
                : model.tokenizer().special().endOfGeneration().stream().mapToInt(Integer::intValue).toArray();
        int wanted = request.maxTokens() != null ? request.maxTokens() : serving.samplingDefaults().maxTokens();
        LogprobBuilder logprobs = request.logprobs() ? new LogprobBuilder(model.tokenizer()) : null;
        List<Sequence> out = new ArrayList<>();
        for (int p = 0; p < prompts.size(); p++) {
            int[] prompt = prompts.get(p);
            // Clamped to what fits in the context (finish_reason "length" then), like llama.cpp.
            int maxTokens = Math.min(wanted, model.contextLength() - prompt.length);
            for (int i = 0; i < request.n(); i++) {
                int index = p * request.n() + i;
                SamplingParams sampling = request.sampling().resolve(serving.samplingDefaults(), i,
                        ThreadLocalRandom.current().nextLong());
                LogitProcessor processor = grammar == null ? bias.processor()
                        : new GrammarProcessor(grammar, stopTokens, encoder.startsText(prompt)).withBias(bias);
                var generation = new GenerationRequest(prompt, maxTokens, sampling, stopTokens, request.topLogprobs(),
                        processor);
                var text = new TextAssembler(model.tokenizer()::tokenBytes, request.stop(), encoder.startsText(prompt));
                var tracker = new ChoiceTracker(index, text, logprobs, responder);
                out.add(new Sequence(engine, generation, tracker, state.metrics()));
            }
        }
        return out;
    }

    /** The compiled constraint of the request's response_format, or null for free text. */
    private static Grammar grammar(ServedModel model, StructuredFields structured, ToolFields tools, ToolCallSyntax syntax) {
        Constraints constraints = Constraints.of(model.tokenizer(), model.config().vocabSize());
        if (tools.forced()) {
            // tool_choice required / named: the output is exactly tool calls, arguments following their schemas.
            if (structured.constrained()) {
                throw ApiError.invalid("'response_format' cannot be combined with a 'tool_choice' that forces a call.",
                        "response_format");
            }
            var callable = tools.callable();
            String key = "tools:" + syntax + ":" + tools.parallel() + ":" + callable;
            return constraints.cached(key, () -> syntax.automaton(callable, tools.parallel(), "tools"));
        }
        if (!structured.constrained()) return null;
        return structured.jsonObject() ? constraints.anyObject()
                : constraints.schema(structured.jsonSchema(), StructuredFields.SCHEMA_PARAM);
    }

    private void submit(Channel channel, Serving serving, List<Sequence> sequences, CompletionResponder responder) {
        var scheduler = serving.scheduler();
        ChannelFutureListener onClose = f -> scheduler.cancel(sequences, EndCause.CLIENT_GONE);
        ScheduledFuture<?> timeout = channel.eventLoop().schedule(
                () -> scheduler.cancel(sequences, EndCause.TIMEOUT),
                serving.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
        responder.bind(cause -> scheduler.cancel(sequences, cause), () -> {
            timeout.cancel(false);
            channel.closeFuture().removeListener(onClose);
        });
        channel.closeFuture().addListener(onClose);
        // Held while submitting so no choice can write before the response has started.
        synchronized (responder) {
            try {
                scheduler.submit(sequences);
            } catch (SchedulerRejection e) {
                timeout.cancel(false);
                channel.closeFuture().removeListener(onClose);
                throw e.shuttingDown() ? ApiError.unavailable("The server is shutting down.") : ApiError.busy(e.getMessage());
            }
            responder.start();
        }
    }

    private static DecodingEngine engine(Serving serving, String method) {
        String name = method != null ? method : serving.defaultMethod();
        DecodingEngine engine = serving.engines().get(name);
        if (engine == null) {
            throw ApiError.invalid("Unknown decoding method '" + name + "'; this server offers "
                    + new java.util.TreeSet<>(serving.engines().keySet()) + ".", "decoding");
        }
        return engine;
    }

    private static ObjectNode body(FullHttpRequest http) {
        String text;
        try {
            // Strict: invalid UTF-8 is the client's error, not something to paper over with U+FFFD.
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(http.content().nioBuffer()).toString();
        } catch (CharacterCodingException e) {
            throw ApiError.invalid("The request body is not valid UTF-8.", null);
        }
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw ApiError.invalid("The request body is not valid JSON.", null);
        }
        if (node == null || !node.isObject()) throw ApiError.invalid("The request body must be a JSON object.", null);
        return (ObjectNode) node;
    }
}
