package org.mirrorsd.config.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * The result of {@link CommandLine#parse}. Typed getters turn bad values into {@link UsageException}s
 * naming the option; asking for an option that was never declared is a programming error.
 */
public final class ParsedArgs {

    /** One option as given, in command-line order; {@code value} is {@code "true"} for switches. */
    public record Given(String option, String value) {
    }

    private final Map<String, Option> declared;
    private final List<Given> given;
    private final List<String> positionals;
    private final boolean helpRequested;

    ParsedArgs(Map<String, Option> declared, List<Given> given, List<String> positionals, boolean helpRequested) {
        this.declared = declared;
        this.given = List.copyOf(given);
        this.positionals = List.copyOf(positionals);
        this.helpRequested = helpRequested;
    }

    /** {@code --help} or {@code -h} was given; callers print {@link CommandLine#help()} and exit 0. */
    public boolean helpRequested() {
        return helpRequested;
    }

    /** Every option occurrence in the order given, so later ones can win over earlier ones. */
    public List<Given> given() {
        return given;
    }

    public List<String> positionals() {
        return positionals;
    }

    public boolean has(String option) {
        check(option);
        return given.stream().anyMatch(g -> g.option().equals(option));
    }

    /** The last value given for the option. */
    public Optional<String> value(String option) {
        check(option);
        return given.reversed().stream().filter(g -> g.option().equals(option)).map(Given::value).findFirst();
    }

    public String value(String option, String fallback) {
        return value(option).orElse(fallback);
    }

    /** All values of a repeatable option, in order. */
    public List<String> values(String option) {
        check(option);
        return given.stream().filter(g -> g.option().equals(option)).map(Given::value).toList();
    }

    public boolean flag(String option) {
        return value(option).map(Boolean::parseBoolean).orElse(false);
    }

    public OptionalInt intValue(String option) {
        Optional<String> text = value(option);
        if (text.isEmpty()) {
            return OptionalInt.empty();
        }
        try {
            return OptionalInt.of(Integer.parseInt(text.get().strip()));
        } catch (NumberFormatException e) {
            throw new UsageException("--" + option + ": expected an integer, got \"" + text.get() + "\"");
        }
    }

    public int intValue(String option, int fallback) {
        return intValue(option).orElse(fallback);
    }

    public OptionalDouble doubleValue(String option) {
        Optional<String> text = value(option);
        if (text.isEmpty()) {
            return OptionalDouble.empty();
        }
        try {
            return OptionalDouble.of(Double.parseDouble(text.get().strip()));
        } catch (NumberFormatException e) {
            throw new UsageException("--" + option + ": expected a number, got \"" + text.get() + "\"");
        }
    }

    public double doubleValue(String option, double fallback) {
        return doubleValue(option).orElse(fallback);
    }

    public Optional<Path> pathValue(String option) {
        Optional<String> text = value(option);
        try {
            return text.map(Path::of);
        } catch (java.nio.file.InvalidPathException e) {
            throw new UsageException("--" + option + ": not a valid path: \"" + text.get() + "\"");
        }
    }

    private void check(String option) {
        if (!declared.containsKey(option)) {
            throw new IllegalArgumentException("option --" + option + " was never declared");
        }
    }
}
