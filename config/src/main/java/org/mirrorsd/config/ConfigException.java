package org.mirrorsd.config;

import java.util.List;

/** The configuration could not be loaded or is invalid; {@link #problems()} lists every reason found. */
public class ConfigException extends RuntimeException {

    private final List<String> problems;

    public ConfigException(String problem) {
        this(List.of(problem));
    }

    public ConfigException(List<String> problems) {
        super(format(problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }

    private static String format(List<String> problems) {
        if (problems.size() == 1) {
            return "Invalid configuration: " + problems.getFirst();
        }
        StringBuilder text = new StringBuilder("Invalid configuration (" + problems.size() + " problems):");
        problems.forEach(problem -> text.append("\n  - ").append(problem));
        return text.toString();
    }
}
