package org.mirrorsd.config.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CommandLineTest {

    private static final CommandLine GENERATE = CommandLine.builder("mirror-sd generate", "Generate text from a prompt.")
            .option("model", "PATH", "Model file")
            .option("max-tokens", "N", "Tokens to generate")
            .option("temperature", "T", "Sampling temperature")
            .repeatable("stop", "TEXT", "Stop sequence")
            .flag("stream", "Print tokens as they come")
            .positionals("PROMPT", "Text to continue")
            .build();

    private static final CommandLine NO_POSITIONALS = CommandLine.builder("mirror-sd tokenize", "Tokenize.")
            .option("model", "PATH", "Model file")
            .build();

    @Test
    void parsesValuesSwitchesAndPositionals() {
        ParsedArgs args = GENERATE.parse("--model", "m.gguf", "--max-tokens=32", "--stream", "--stop", "\n",
                "--stop", "END", "Once", "upon", "--temperature", "-0.5");

        assertEquals(Path.of("m.gguf"), args.pathValue("model").orElseThrow());
        assertEquals(OptionalInt.of(32), args.intValue("max-tokens"));
        assertEquals(-0.5, args.doubleValue("temperature", 1.0), "negative numbers are values, not options");
        assertTrue(args.flag("stream"));
        assertEquals(List.of("\n", "END"), args.values("stop"));
        assertEquals(List.of("Once", "upon"), args.positionals());
        assertFalse(args.helpRequested());
    }

    @Test
    void absentOptionsFallBack() {
        ParsedArgs args = GENERATE.parse();
        assertFalse(args.has("model"));
        assertFalse(args.flag("stream"));
        assertEquals(256, args.intValue("max-tokens", 256));
        assertEquals("x", args.value("model", "x"));
        assertEquals(List.of(), args.values("stop"));
    }

    @Test
    void doubleDashEndsOptions() {
        ParsedArgs args = GENERATE.parse("--", "--model", "-h");
        assertEquals(List.of("--model", "-h"), args.positionals());
        assertFalse(args.has("model"));
        assertFalse(args.helpRequested());
    }

    @Test
    void helpIsAlwaysAvailable() {
        assertTrue(GENERATE.parse("--model", "m", "--help").helpRequested());
        assertTrue(NO_POSITIONALS.parse("-h", "stray").helpRequested(), "help wins over other mistakes");
    }

    @Test
    void helpTextListsOptionsAligned() {
        String help = GENERATE.help();
        assertTrue(help.startsWith("Usage: mirror-sd generate [options] PROMPT\n\nGenerate text from a prompt.\n"), help);
        assertTrue(help.contains("""
                Options:
                  --model PATH     Model file
                  --max-tokens N   Tokens to generate
                  --temperature T  Sampling temperature
                  --stop TEXT      Stop sequence (repeatable)
                  --stream         Print tokens as they come
                  -h, --help       Show this help and exit
                """), help);
        assertTrue(help.contains("Arguments:\n  PROMPT           Text to continue\n"), help);
    }

    @Test
    void usageErrorsAreOneLine() {
        assertUsage(() -> GENERATE.parse("--modle", "m"), "unknown option --modle (did you mean --model?)");
        assertUsage(() -> GENERATE.parse("--verbose"), "unknown option --verbose");
        assertUsage(() -> GENERATE.parse("-m", "x"), "unknown option -m (options are written --name)");
        assertUsage(() -> GENERATE.parse("--model"), "option --model needs a value: --model PATH");
        assertUsage(() -> GENERATE.parse("--model", "--stream"), "option --model needs a value: --model PATH");
        assertUsage(() -> GENERATE.parse("--model", "a", "--model", "b"), "option --model given more than once");
        assertUsage(() -> GENERATE.parse("--stream=yes"), "option --stream takes no value (or true/false), got \"yes\"");
        assertUsage(() -> NO_POSITIONALS.parse("--model", "m", "stray"), "unexpected argument \"stray\"");
        assertUsage(() -> GENERATE.parse("--max-tokens", "lots").intValue("max-tokens"),
                "--max-tokens: expected an integer, got \"lots\"");
        assertUsage(() -> GENERATE.parse("--temperature", "warm").doubleValue("temperature"),
                "--temperature: expected a number, got \"warm\"");
    }

    @Test
    void switchesAcceptExplicitBooleans() {
        assertFalse(GENERATE.parse("--stream=false").flag("stream"));
        assertTrue(GENERATE.parse("--stream=true").flag("stream"));
    }

    @Test
    void declarationMistakesAreCaughtEarly() {
        assertThrows(IllegalArgumentException.class, () -> CommandLine.builder("x", "y").flag("help", "h"));
        assertThrows(IllegalArgumentException.class,
                () -> CommandLine.builder("x", "y").flag("a", "h").option("a", "V", "h"));
        assertThrows(IllegalArgumentException.class, () -> CommandLine.builder("x", "y").flag("Bad_Name", "h"));
        assertThrows(IllegalArgumentException.class, () -> GENERATE.parse().value("undeclared"));
    }

    private static void assertUsage(Runnable parse, String message) {
        UsageException e = assertThrows(UsageException.class, parse::run);
        assertEquals(message, e.getMessage());
        assertEquals(2, UsageException.EXIT_CODE);
    }
}
