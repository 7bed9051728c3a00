package org.mirrorsd.models.chat;

import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.mirrorsd.models.tokenizer.Tokenizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses a chat template: the model's own Jinja template ({@code tokenizer.chat_template}) when the file carries
 * one, else a built-in style chosen by the vocabulary's special tokens.
 */
public final class ChatTemplates {
    private static final Logger LOG = LoggerFactory.getLogger(ChatTemplates.class);

    /** Style names {@link #byName} accepts. */
    public static final List<String> NAMES = List.of("llama2", "llama3", "chatml", "zephyr", "phi3", "plain");

    private ChatTemplates() {}

    public static ChatTemplate byName(String name) {
        return switch (name) {
            case "llama2" -> new Llama2ChatTemplate();
            case "llama3" -> new Llama3ChatTemplate();
            case "chatml" -> new ChatMlTemplate();
            case "zephyr" -> ZephyrChatTemplate.zephyr();
            case "phi3" -> ZephyrChatTemplate.phi3();
            case "plain" -> new PlainChatTemplate();
            default -> throw new IllegalArgumentException("unknown chat template '" + name + "'; known: " + NAMES);
        };
    }

    /**
     * The chat template of a model. With a Jinja template, that template (or, should it not even render a one-line
     * conversation here, the built-in style its markers name, with a warning). Without one, the tokenizer's control
     * tokens choose a built-in style; failing that, the plain style.
     *
     * @param jinjaTemplate the {@code tokenizer.chat_template} metadata value, or null
     * @param tokenizer     the model's tokenizer, or null
     */
    public static ChatTemplate detect(String jinjaTemplate, Tokenizer tokenizer) {
        if (jinjaTemplate != null && !jinjaTemplate.isBlank()) {
            JinjaChatTemplate jinja = jinja(jinjaTemplate, tokenizer);
            try {
                jinja.renderText(new ChatPrompt(List.of(Map.of("role", "user", "content", "Hello")), null, true, Map.of()));
                return jinja;
            } catch (ChatTemplateException e) {
                if (e.raisedByTemplate()) return jinja; // it runs, and has rules of its own about conversations
                LOG.warn("the model's chat template does not render ({}); using a built-in style", e.getMessage());
            }
            ChatTemplate t = fromMarkers(jinjaTemplate::contains);
            if (t != null) return t;
            LOG.warn("unrecognised chat template; choosing by the vocabulary's special tokens");
        }
        if (tokenizer != null) {
            Set<String> specials = new HashSet<>();
            for (int id : tokenizer.special().control()) specials.add(tokenizer.piece(id));
            ChatTemplate t = fromMarkers(specials::contains);
            if (t != null) return t;
        }
        return new PlainChatTemplate();
    }

    /** A Jinja template with the tokenizer's BOS and EOS texts (none without a tokenizer). */
    public static JinjaChatTemplate jinja(String source, Tokenizer tokenizer) {
        if (tokenizer == null) return new JinjaChatTemplate(source, null, null);
        var special = tokenizer.special();
        return new JinjaChatTemplate(source, special.bos() >= 0 ? tokenizer.piece(special.bos()) : null,
                special.eos() >= 0 ? tokenizer.piece(special.eos()) : null, special.addBos(), Clock.systemDefaultZone());
    }

    private static ChatTemplate fromMarkers(java.util.function.Predicate<String> has) {
        if (has.test("<|start_header_id|>")) return new Llama3ChatTemplate();
        if (has.test("<|im_start|>")) return new ChatMlTemplate();
        if (has.test("<|user|>")) return has.test("<|end|>") ? ZephyrChatTemplate.phi3() : ZephyrChatTemplate.zephyr();
        if (has.test("[INST]")) return new Llama2ChatTemplate();
        return null;
    }
}
