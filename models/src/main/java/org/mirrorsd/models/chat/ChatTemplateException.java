package org.mirrorsd.models.chat;

/**
 * A chat template refused or failed to render a conversation: the template's own {@code raise_exception(...)}
 * (for example "Conversation roles must alternate user/assistant/user/assistant/..."), or a runtime error in the
 * template. A request error, not a server fault: the server answers 400 with this message.
 */
public final class ChatTemplateException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final String kind;

    public ChatTemplateException(String kind, String message) {
        super(message);
        this.kind = kind;
    }

    /** "raise_exception" when the template raised it, else the Python error class ("TypeError", ...). */
    public String kind() { return kind; }

    public boolean raisedByTemplate() { return "raise_exception".equals(kind); }
}
