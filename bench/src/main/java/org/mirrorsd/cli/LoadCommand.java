package org.mirrorsd.cli;

import java.net.URI;
import java.time.Duration;
import org.mirrorsd.bench.load.LoadOptions;
import org.mirrorsd.bench.load.LoadReport;
import org.mirrorsd.bench.load.LoadRunner;
import org.mirrorsd.config.DurationText;
import org.mirrorsd.config.cli.CommandLine;
import org.mirrorsd.config.cli.ParsedArgs;

/** {@code bench load}: a bounded soak of a running server; exit 0 only without errors or leaked KV caches. */
final class LoadCommand {
    static final String SUMMARY = "soak a running server (loopback only): concurrent streaming clients, errors, "
            + "latency percentiles, tokens/s, server heap/threads/KV caches before and after";
    static final CommandLine CLI = CommandLine.builder("bench load", SUMMARY)
            .option("url", "URL", "the server (default http://127.0.0.1:8080)")
            .option("clients", "N", "concurrent streaming clients (default 32)")
            .option("duration", "TIME", "how long to keep sending, e.g. 90s or 5m (default 5m)")
            .option("cancel", "FRACTION", "share of requests abandoned mid-stream (default 0.1)")
            .option("min-tokens", "N", "smallest max_tokens (default 8)")
            .option("max-tokens", "N", "largest max_tokens (default 256)")
            .option("api-key", "KEY", "bearer key when the server requires one")
            .option("seed", "N", "seed of the request mix (default 1)")
            .build();

    int run(String[] args) throws Exception {
        ParsedArgs a = CLI.parse(args);
        if (a.helpRequested()) {
            System.out.println(CLI.help());
            return 0;
        }
        Duration duration = DurationText.parse(a.value("duration", "5m"));
        var options = new LoadOptions(URI.create(a.value("url", "http://127.0.0.1:8080").replaceAll("/+$", "")),
                a.intValue("clients", 32), duration, Double.parseDouble(a.value("cancel", "0.1")),
                a.intValue("min-tokens", 8), a.intValue("max-tokens", 256), a.value("api-key").orElse(null),
                a.intValue("seed", 1));
        LoadReport report = LoadRunner.run(options);
        report.print(System.out);
        return report.passed() ? 0 : 1;
    }
}
