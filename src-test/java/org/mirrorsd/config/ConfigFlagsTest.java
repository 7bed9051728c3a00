package org.mirrorsd.config;

import org.junit.jupiter.api.Test;
import org.mirrorsd.config.cli.CommandLine;
import org.mirrorsd.config.cli.UsageException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigFlagsTest {

    private static final CommandLine SERVE = ConfigFlags.declare(
            CommandLine.builder("mirror-sd serve", "Serve an OpenAI-compatible API.")).build();

    @Test
    void helpShowsEveryFlagWithItsKeyAndVariable() {
        String help = SERVE.help();
        for (String flag : new String[] {"--config FILE", "--host HOST", "--port N", "--api-key KEY", "--model PATH",
                "--draft PATH", "--decoding METHOD", "--gamma N", "--kappa N", "--exit-layer N", "--max-branches N",
                "--target-device DEVICE", "--draft-device DEVICE", "--threads N", "--set KEY=VALUE"}) {
            assertTrue(help.contains("  " + flag + " "), () -> flag + " missing from:\n" + help);
        }
        assertTrue(help.contains("HTTP port [server.port, MIRRORSD_SERVER_PORT]"), help);
        assertTrue(help.contains("[devices.cpu_threads, MIRRORSD_DEVICES_CPU_THREADS]"), help);
    }

    @Test
    void malformedSetIsAUsageError() {
        UsageException e = assertThrows(UsageException.class, () -> ConfigFlags.overrides(SERVE.parse("--set", "port")));
        assertEquals("--set: expected section.key=value, got \"port\"", e.getMessage());
    }

    @Test
    void otherCommandsCanAddTheirOwnOptions() {
        CommandLine bench = ConfigFlags.declare(CommandLine.builder("mirror-sd bench", "Benchmark."))
                .option("prompts", "FILE", "Prompt set").build();
        var args = bench.parse("--prompts", "p.jsonl", "--gamma", "4");
        assertEquals(1, ConfigFlags.overrides(args).size(), "only config flags become overrides");
        assertEquals("p.jsonl", args.value("prompts").orElseThrow());
    }
}
