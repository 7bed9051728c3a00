package org.mirrorsd.models.chat;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.mirrorsd.models.chat.jinja.PyJinja;
import org.mirrorsd.models.chat.jinja.PyTemplateError;

/**
 * A model's own Jinja chat template ({@code tokenizer.chat_template}), rendered as Hugging Face's
 * {@code apply_chat_template} renders it: the variables {@code messages}, {@code tools} (None without tools),
 * {@code documents} (None), {@code add_generation_prompt}, {@code bos_token} and {@code eos_token} (absent when
 * the model has none) and every template keyword argument at top level.
 *
 * <p>{@link #renderText} is that text exactly. {@link #render(ChatPrompt)} is the prompt to tokenize: when the
 * tokenizer adds BOS itself, a BOS the template wrote at the start is dropped, as llama.cpp does, so the prompt
 * does not start with two.
 */
public final class JinjaChatTemplate implements ChatTemplate {
    private final String source;
    private final PyJinja.Prepared prepared;
    private final String bosToken;
    private final String eosToken;
    private final boolean tokenizerAddsBos;
    private final Clock clock;

    /**
     * @param bosToken         the BOS token's text, or null when the model has none
     * @param eosToken         the EOS token's text, or null
     * @param tokenizerAddsBos whether the tokenizer prepends BOS to every prompt
     * @param clock            what {@code strftime_now} reads
     */
    public JinjaChatTemplate(String source, String bosToken, String eosToken, boolean tokenizerAddsBos, Clock clock) {
        this(PyJinja.prepare(Objects.requireNonNull(source, "source")), bosToken, eosToken, tokenizerAddsBos, clock);
    }

    private JinjaChatTemplate(PyJinja.Prepared prepared, String bosToken, String eosToken, boolean tokenizerAddsBos,
                              Clock clock) {
        this.source = prepared.source();
        this.prepared = prepared;
        this.bosToken = bosToken;
        this.eosToken = eosToken;
        this.tokenizerAddsBos = tokenizerAddsBos;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public JinjaChatTemplate(String source, String bosToken, String eosToken) {
        this(source, bosToken, eosToken, false, Clock.systemDefaultZone());
    }

    @Override
    public String name() { return "jinja"; }

    @Override
    public String source() { return source; }

    public String bosToken() { return bosToken; }

    public String eosToken() { return eosToken; }

    /** The same template with other special tokens (null: none), as a record of cases may give them. */
    public JinjaChatTemplate withTokens(String bos, String eos) {
        return new JinjaChatTemplate(prepared, bos, eos, tokenizerAddsBos, clock);
    }

    public JinjaChatTemplate withClock(Clock c) {
        return new JinjaChatTemplate(prepared, bosToken, eosToken, tokenizerAddsBos, Objects.requireNonNull(c, "clock"));
    }

    @Override
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        return render(ChatPrompt.of(messages, addGenerationPrompt));
    }

    @Override
    public String render(ChatPrompt prompt) {
        String text = renderText(prompt);
        if (tokenizerAddsBos && bosToken != null && !bosToken.isEmpty() && text.startsWith(bosToken)) {
            return text.substring(bosToken.length());
        }
        return text;
    }

    /**
     * The text exactly as transformers renders it (a leading BOS included).
     *
     * @throws ChatTemplateException the template raised an error or failed
     */
    public String renderText(ChatPrompt prompt) {
        Map<String, Object> vars = new LinkedHashMap<>();
        vars.put("messages", prompt.messages());
        vars.put("tools", prompt.tools());
        vars.put("documents", null);
        vars.put("add_generation_prompt", prompt.addGenerationPrompt());
        if (bosToken != null) vars.put("bos_token", bosToken);
        if (eosToken != null) vars.put("eos_token", eosToken);
        vars.putAll(prompt.kwargs());
        try {
            return PyJinja.instance().render(prepared, vars, clock);
        } catch (PyTemplateError e) {
            throw new ChatTemplateException(e.pythonType(), e.getMessage());
        }
    }
}
