package org.mirrorsd.models.chat.jinja;

/**
 * A failure inside a template, as Python would raise it: {@code raise_exception(...)} (the message is the
 * template's own) or a runtime error ({@code TypeError}, {@code UndefinedError}, ...).
 */
public final class PyTemplateError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String pythonType;

    public PyTemplateError(String pythonType, String message) {
        super(message);
        this.pythonType = pythonType;
    }

    /** "raise_exception" for the template's own error, else Python's exception class name. */
    public String pythonType() { return pythonType; }

    static PyTemplateError typeError(String message) { return new PyTemplateError("TypeError", message); }

    static PyTemplateError undefined(String message) { return new PyTemplateError("UndefinedError", message); }
}
