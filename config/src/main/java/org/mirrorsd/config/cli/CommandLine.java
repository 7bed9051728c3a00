package org.mirrorsd.config.cli;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small {@code --long-option} parser shared by every command (serve, generate, tokenize, bench).
 * Accepts {@code --name value} and {@code --name=value}; {@code --} ends the options; {@code -h}/{@code --help}
 * is always available. Anything it does not understand becomes a one-line {@link UsageException}.
 */
public final class CommandLine {

    private static final String HELP = "help";

    private final String command;
    private final String summary;
    private final Map<String, Option> options;
    private final List<Option> orderedOptions;
    private final String positionalName;
    private final String positionalHelp;

    private CommandLine(Builder builder) {
        this.command = builder.command;
        this.summary = builder.summary;
        this.options = Map.copyOf(builder.options);
        this.orderedOptions = List.copyOf(builder.options.values());
        this.positionalName = builder.positionalName;
        this.positionalHelp = builder.positionalHelp;
    }

    public static Builder builder(String command, String summary) {
        return new Builder(command, summary);
    }

    public String command() {
        return command;
    }

    public List<Option> options() {
        return orderedOptions;
    }

    /** @throws UsageException for unknown options, missing values and unexpected arguments */
    public ParsedArgs parse(String... args) {
        return parse(List.of(args));
    }

    public ParsedArgs parse(List<String> args) {
        List<ParsedArgs.Given> given = new ArrayList<>();
        List<String> positionals = new ArrayList<>();
        boolean help = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--")) {
                positionals.addAll(args.subList(i + 1, args.size()));
                break;
            }
            if (arg.equals("-h") || arg.equals("--" + HELP)) {
                help = true;
                continue;
            }
            if (!arg.startsWith("-") || arg.equals("-")) {
                positionals.add(arg);
                continue;
            }
            if (!arg.startsWith("--")) {
                throw new UsageException("unknown option " + arg + " (options are written --name)");
            }
            int equals = arg.indexOf('=');
            String name = arg.substring(2, equals < 0 ? arg.length() : equals);
            Option option = options.get(name);
            if (option == null) {
                throw new UsageException("unknown option --" + name + suggestion(name));
            }
            String value;
            if (equals >= 0) {
                value = arg.substring(equals + 1);
                if (!option.takesValue() && !value.equals("true") && !value.equals("false")) {
                    throw new UsageException("option --" + name + " takes no value (or true/false), got \"" + value + "\"");
                }
            } else if (!option.takesValue()) {
                value = "true";
            } else if (i + 1 >= args.size() || args.get(i + 1).startsWith("--")) {
                throw new UsageException("option --" + name + " needs a value: " + option.synopsis());
            } else {
                value = args.get(++i);
            }
            if (!option.repeatable() && option.takesValue()
                    && given.stream().anyMatch(g -> g.option().equals(name))) {
                throw new UsageException("option --" + name + " given more than once");
            }
            given.add(new ParsedArgs.Given(name, value));
        }
        if (!help && positionalName == null && !positionals.isEmpty()) {
            throw new UsageException("unexpected argument \"" + positionals.getFirst() + "\"");
        }
        return new ParsedArgs(options, given, positionals, help);
    }

    /** Help text: usage line, summary, then one aligned line per option. */
    public String help() {
        List<String[]> rows = new ArrayList<>();
        for (Option option : orderedOptions) {
            rows.add(new String[] {option.synopsis(), option.help() + (option.repeatable() ? " (repeatable)" : "")});
        }
        rows.add(new String[] {"-h, --help", "Show this help and exit"});
        int width = rows.stream().mapToInt(row -> row[0].length()).max().orElse(0) + 2;
        StringBuilder text = new StringBuilder("Usage: ").append(command).append(" [options]");
        if (positionalName != null) {
            text.append(' ').append(positionalName);
        }
        text.append("\n\n").append(summary).append("\n");
        if (positionalName != null) {
            text.append("\nArguments:\n  ").append(pad(positionalName, width)).append(positionalHelp).append('\n');
        }
        text.append("\nOptions:\n");
        for (String[] row : rows) {
            text.append("  ").append(pad(row[0], width)).append(row[1]).append('\n');
        }
        return text.toString();
    }

    private static String pad(String text, int width) {
        return text + " ".repeat(Math.max(1, width - text.length()));
    }

    /** Points at the closest declared option when the typo is small, e.g. {@code --prot}. */
    private String suggestion(String name) {
        return options.keySet().stream()
                .min(Comparator.comparingInt(candidate -> editDistance(name, candidate)))
                .filter(closest -> editDistance(name, closest) <= 2)
                .map(closest -> " (did you mean --" + closest + "?)")
                .orElse("");
    }

    private static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    /** Declares options in the order they should appear in help. */
    public static final class Builder {
        private final String command;
        private final String summary;
        private final Map<String, Option> options = new LinkedHashMap<>();
        private String positionalName;
        private String positionalHelp;

        private Builder(String command, String summary) {
            this.command = command;
            this.summary = summary;
        }

        /** An option that takes a value, e.g. {@code option("port", "N", "HTTP port")}. */
        public Builder option(String name, String valueName, String help) {
            return add(new Option(name, valueName, help, false));
        }

        /** An option that may be given several times, e.g. {@code --set a=1 --set b=2}. */
        public Builder repeatable(String name, String valueName, String help) {
            return add(new Option(name, valueName, help, true));
        }

        /** A switch without a value, e.g. {@code --verbose}. */
        public Builder flag(String name, String help) {
            return add(new Option(name, null, help, false));
        }

        /** Allows positional arguments, shown in help under this name. Without it they are usage errors. */
        public Builder positionals(String name, String help) {
            this.positionalName = name;
            this.positionalHelp = help;
            return this;
        }

        public Builder add(Option option) {
            if (option.name().equals(HELP) || options.putIfAbsent(option.name(), option) != null) {
                throw new IllegalArgumentException("option --" + option.name() + " declared twice");
            }
            return this;
        }

        public CommandLine build() {
            return new CommandLine(this);
        }
    }
}
