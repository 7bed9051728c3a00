package org.mirrorsd.config.cli;

/**
 * A declared {@code --name} option.
 *
 * @param name       long name without dashes, e.g. {@code port}
 * @param valueName  placeholder shown in help, e.g. {@code N}; {@code null} for a switch that takes no value
 * @param help       one-line description
 * @param repeatable whether it may be given several times, each value kept
 */
public record Option(String name, String valueName, String help, boolean repeatable) {

    public Option {
        if (name == null || !name.matches("[a-z0-9][a-z0-9-]*")) {
            throw new IllegalArgumentException("option names are lower-case kebab-case, got " + name);
        }
        if (help == null) {
            throw new IllegalArgumentException("option --" + name + " needs help text");
        }
    }

    public boolean takesValue() {
        return valueName != null;
    }

    /** How the option looks in help: {@code --port N}. */
    String synopsis() {
        return "--" + name + (takesValue() ? " " + valueName : "");
    }
}
