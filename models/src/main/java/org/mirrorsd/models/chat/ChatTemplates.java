package org.mirrorsd.models.chat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.mirrorsd.models.tokenizer.Tokenizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses a chat template. We do not run Jinja: the GGUF template ({@code tokenizer.chat_template}) is recognised
 * by markers that only one family writes, and rendered by the matching hand-written style.
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
     * The style of a GGUF chat template. Without a template (or with one we do not recognise) the tokenizer's
     * control tokens decide; failing that, the plain style.
     *
     * @param jinjaTemplate the {@code tokenizer.chat_template} metadata value, or null
     * @param tokenizer     the model's tokenizer, or null
     */
    public static ChatTemplate detect(String jinjaTemplate, Tokenizer tokenizer) {
        if (jinjaTemplate != null) {
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

    private static ChatTemplate fromMarkers(java.util.function.Predicate<String> has) {
        if (has.test("<|start_header_id|>")) return new Llama3ChatTemplate();
        if (has.test("<|im_start|>")) return new ChatMlTemplate();
        if (has.test("<|user|>")) return has.test("<|end|>") ? ZephyrChatTemplate.phi3() : ZephyrChatTemplate.zephyr();
        if (has.test("[INST]")) return new Llama2ChatTemplate();
        return null;
    }
}
