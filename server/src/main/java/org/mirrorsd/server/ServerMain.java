package org.mirrorsd.server;

import java.util.List;
import org.mirrorsd.config.ConfigException;
import org.mirrorsd.config.ConfigFlags;
import org.mirrorsd.config.LogLevel;
import org.mirrorsd.config.MirrorSdConfig;
import org.mirrorsd.config.cli.CommandLine;
import org.mirrorsd.config.cli.ParsedArgs;
import org.mirrorsd.config.cli.UsageException;
import org.mirrorsd.models.io.ModelFormatException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code serve --model PATH [--tokenizer PATH] [--port N] [--host H] [--api-key K] [--threads N]
 * [--config FILE] ...}: loads the configuration (file &lt; env &lt; flags), starts the server and blocks until
 * SIGTERM or SIGINT, which drain it gracefully; the process then exits 0.
 */
public final class ServerMain {
    private static final Logger log = LoggerFactory.getLogger(ServerMain.class);

    private ServerMain() {}

    public static CommandLine commandLine() {
        return ConfigFlags.declare(CommandLine.builder("serve",
                "Serve a model over an OpenAI-compatible HTTP API (chat, completions, streaming).")).build();
    }

    public static void main(String[] args) {
        System.exit(serve(args));
    }

    /** Runs the server until it is told to stop; returns the process exit status. */
    public static int serve(String... args) {
        CommandLine cli = commandLine();
        MirrorSdConfig config;
        try {
            ParsedArgs parsed = cli.parse(args);
            if (parsed.helpRequested()) {
                System.out.print(cli.help());
                return 0;
            }
            config = ConfigFlags.load(parsed, System.getenv());
        } catch (UsageException e) {
            System.err.println("serve: " + e.getMessage() + " (see serve --help)");
            return UsageException.EXIT_CODE;
        } catch (ConfigException e) {
            System.err.println("serve: " + e.getMessage());
            return UsageException.EXIT_CODE;
        }
        applyLogLevel(config.logging().level());
        MirrorSdServer server;
        try {
            server = MirrorSdServer.start(config);
        } catch (Exception e) {
            return startFailed(e, config);
        }
        onTermination(server::shutdown);
        try {
            server.awaitShutdown();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.shutdown();
        }
        return 0;
    }

    /**
     * One line naming what failed (file, field, port) and exit code 2; the stack trace only at debug level, for
     * whoever debugs the server rather than their configuration.
     */
    private static int startFailed(Exception e, MirrorSdConfig config) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (!(e instanceof ConfigException || e instanceof ModelFormatException
                || e instanceof java.io.IOException)) {
            message = "could not start: " + message;
        }
        System.err.println("serve: " + message.lines().findFirst().orElse(message));
        if (config.logging().level() == LogLevel.DEBUG || config.logging().level() == LogLevel.TRACE) {
            e.printStackTrace();
        }
        return UsageException.EXIT_CODE;
    }

    /** logging.level from the configuration, on logback's root logger (when logback is the backend). */
    private static void applyLogLevel(LogLevel level) {
        if (LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME) instanceof ch.qos.logback.classic.Logger root) {
            root.setLevel(ch.qos.logback.classic.Level.toLevel(level.name()));
        }
    }

    /**
     * Drains on SIGTERM/SIGINT from a thread of our own, so the main thread returns normally and the exit
     * status is 0 (a plain shutdown hook would leave the JVM's 143). Falls back to a hook where signals cannot
     * be handled.
     */
    @SuppressWarnings("removal")
    private static void onTermination(Runnable shutdown) {
        Runnable async = () -> Thread.ofPlatform().name("shutdown").start(shutdown);
        try {
            for (String name : List.of("TERM", "INT")) sun.misc.Signal.handle(new sun.misc.Signal(name), s -> async.run());
        } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
            log.debug("no signal handling ({}); using a shutdown hook", e.toString());
            Runtime.getRuntime().addShutdownHook(new Thread(shutdown, "shutdown"));
        }
    }

}
