package org.mirrorsd.decoding.constraint;

import dk.brics.automaton.Automaton;

/** The string formats structured output can write, as patterns (conservative: every value written is valid). */
final class Formats {
    private static final String TWO_59 = "[0-5][0-9]";
    private static final String DATE = "[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])";
    private static final String TIME = "([01][0-9]|2[0-3]):" + TWO_59 + ":" + TWO_59 + "(\\.[0-9]{1,6})?(Z|[+-]([01][0-9]|2[0-3]):" + TWO_59 + ")";
    private static final String OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
    private static final String LABEL = "[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?";

    private Formats() {}

    static Automaton of(String format, String param) {
        String pattern = switch (format) {
            case "date" -> DATE;
            case "time" -> TIME;
            case "date-time" -> DATE + "T" + TIME;
            case "uuid" -> "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
            case "email" -> "[a-z0-9]{1,20}(\\.[a-z0-9]{1,20}){0,2}@" + LABEL + "(\\." + LABEL + "){1,3}";
            case "ipv4" -> OCTET + "(\\." + OCTET + "){3}";
            case "hostname" -> LABEL + "(\\." + LABEL + "){0,4}";
            default -> throw new SchemaException("The string format '" + format + "' is not supported for structured"
                    + " output (supported: date, time, date-time, uuid, email, ipv4, hostname).", param);
        };
        return PatternCompiler.compile("^" + pattern + "$", param);
    }
}
