package org.mirrorsd.bench.specbench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.mirrorsd.models.chat.ChatMessage;
import org.mirrorsd.models.chat.ChatTemplate;
import org.mirrorsd.models.tokenizer.Tokenizer;

/**
 * Makes a conversation fit a prompt budget (context minus max-tokens) by cutting it from the left: oldest text
 * first, whole messages when they are shorter than the excess, else the oldest message's leading tokens. The
 * template's role markers stay intact, so the truncated prompt is still a well-formed conversation, and the
 * same cut can be sent to a server as chat messages.
 */
public final class PromptFitter {
    /** Rounds of cut-and-recount; re-encoding a cut text can shift the count by a token or two. */
    private static final int MAX_ROUNDS = 64;
    /**
     * Extra tokens cut per round: a cut mid-word re-encodes with a leading word-start piece, one token more,
     * which would otherwise undo a one-token cut forever.
     */
    private static final int SLACK = 4;

    private final Tokenizer tokenizer;
    private final ChatTemplate template;
    private final int budget;

    /** The conversation that fits, its prompt ids (BOS included when wanted), and whether it was cut. */
    public record Fitted(List<ChatMessage> messages, int[] promptIds, boolean truncated) {}

    /** @param budget most prompt tokens, BOS included */
    public PromptFitter(Tokenizer tokenizer, ChatTemplate template, int budget) {
        if (budget < 8) throw new IllegalArgumentException("prompt budget of " + budget + " tokens is too small; lower --max-tokens");
        this.tokenizer = tokenizer;
        this.template = template;
        this.budget = budget;
    }

    public int budget() { return budget; }

    public Fitted fit(List<ChatMessage> conversation) {
        List<ChatMessage> msgs = new ArrayList<>(conversation);
        boolean truncated = false;
        for (int round = 0; round < MAX_ROUNDS; round++) {
            int[] ids = encode(msgs);
            int excess = ids.length - budget;
            if (excess <= 0) return new Fitted(List.copyOf(msgs), ids, truncated);
            truncated = true;
            int k = 0;
            while (k < msgs.size() && msgs.get(k).content().isEmpty()) k++;
            if (k == msgs.size()) break;
            ChatMessage m = msgs.get(k);
            int[] content = tokenizer.encode(m.content(), false);
            if (content.length <= excess + SLACK) {
                if (k == msgs.size() - 1) break; // only the template's scaffolding would be left
                msgs.remove(k);
            } else {
                String rest = tokenizer.decode(Arrays.copyOfRange(content, excess + SLACK, content.length)).strip();
                msgs.set(k, new ChatMessage(m.role(), rest));
            }
        }
        throw new IllegalArgumentException("the conversation cannot be cut to " + budget + " prompt tokens");
    }

    private int[] encode(List<ChatMessage> msgs) {
        int[] body = tokenizer.encode(template.render(msgs, true), true);
        var special = tokenizer.special();
        if (!special.addBos() || special.bos() < 0) return body;
        int[] out = new int[body.length + 1];
        out[0] = special.bos();
        System.arraycopy(body, 0, out, 1, body.length);
        return out;
    }
}
