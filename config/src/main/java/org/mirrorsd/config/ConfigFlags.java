package org.mirrorsd.config;

import org.mirrorsd.config.cli.CommandLine;
import org.mirrorsd.config.cli.ParsedArgs;
import org.mirrorsd.config.cli.UsageException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The command-line options that override configuration keys ({@code --port 9000}, {@code --model PATH},
 * {@code --set section.key=value}, ...). Commands declare them on their own {@link CommandLine} so every
 * command shares the same names.
 */
public final class ConfigFlags {

    public static final String CONFIG = "config";
    public static final String SET = "set";

    /** A flag that is shorthand for one config key. */
    private record Shorthand(String flag, String valueName, String key, String help) {
    }

    private static final List<Shorthand> SHORTHANDS = List.of(
            new Shorthand("host", "HOST", "server.host", "Address to listen on"),
            new Shorthand("port", "N", "server.port", "HTTP port"),
            new Shorthand("api-key", "KEY", "server.api_key", "Require this bearer token from clients"),
            new Shorthand("model", "PATH", "model.path",
                    "Target model: a file, a directory of GGUFs, or a Hugging Face owner/repo[:QUANT]"),
            new Shorthand("quant", "TAG", "model.quant", "Quant tag picking the GGUF in a directory or repo (e.g. Q4_K_M)"),
            new Shorthand("tokenizer", "PATH", "model.tokenizer", "Tokenizer file, if not in the model"),
            new Shorthand("draft", "PATH", "draft.path", "Draft model: a file, a directory or owner/repo[:QUANT]"),
            new Shorthand("decoding", "METHOD", "decoding.method", "Decoding method: ar, sd, ngram or mirror"),
            new Shorthand("gamma", "N", "decoding.gamma", "Draft tokens per speculative step (1-32)"),
            new Shorthand("kappa", "N", "decoding.kappa", "Early-exit candidates per step (1-64)"),
            new Shorthand("exit-layer", "N", "decoding.exit_layer", "Target layer for the early exit"),
            new Shorthand("max-branches", "N", "decoding.max_branches", "Most draft branches kept per step"),
            new Shorthand("plan", "MODE", "decoding.plan",
                    "Step planning: auto (default, from measured costs), paper or fixed (the configured knobs every step)"),
            new Shorthand("target-device", "DEVICE", "devices.target_device",
                    "Target placement: cpu, cuda, onnx, optionally :A-B layers (e.g. cuda:4-)"),
            new Shorthand("draft-device", "DEVICE", "devices.draft_device", "Draft placement, like --target-device"),
            new Shorthand("threads", "N", "devices.cpu_threads", "CPU inference threads"),
            new Shorthand("log-level", "LEVEL", "logging.level", "trace, debug, info, warn, error or off"));

    private ConfigFlags() {
    }

    /** Adds {@code --config}, every shorthand and {@code --set} to a command's options. */
    public static CommandLine.Builder declare(CommandLine.Builder builder) {
        builder.option(CONFIG, "FILE", "Config file (.yaml, .yml or .json); also " + EnvOverrides.CONFIG_FILE_VARIABLE);
        for (Shorthand shorthand : SHORTHANDS) {
            builder.option(shorthand.flag(), shorthand.valueName(),
                    shorthand.help() + " [" + shorthand.key() + ", " + envName(shorthand.key()) + "]");
        }
        return builder.repeatable(SET, "KEY=VALUE", "Set any config key, e.g. --set sampling.top_p=0.9");
    }

    /** The config overrides among the parsed options, in command-line order. */
    public static List<ConfigOverride> overrides(ParsedArgs args) {
        List<ConfigOverride> overrides = new ArrayList<>();
        for (ParsedArgs.Given given : args.given()) {
            if (given.option().equals(SET)) {
                overrides.add(fromSet(given.value()));
            } else {
                shorthand(given.option()).ifPresent(shorthand ->
                        overrides.add(new ConfigOverride(shorthand.key(), given.value(), "--" + given.option())));
            }
        }
        return overrides;
    }

    public static Optional<Path> configFile(ParsedArgs args) {
        return args.pathValue(CONFIG);
    }

    /** Loads the configuration the way every command does: {@code --config} or the env file, env, then flags. */
    public static MirrorSdConfig load(ParsedArgs args, Map<String, String> env) {
        return ConfigLoader.load(configFile(args).orElse(null), env, overrides(args));
    }

    private static ConfigOverride fromSet(String assignment) {
        int equals = assignment.indexOf('=');
        if (equals <= 0) {
            throw new UsageException("--set: expected section.key=value, got \"" + assignment + "\"");
        }
        String key = assignment.substring(0, equals).strip();
        return new ConfigOverride(key, assignment.substring(equals + 1), "--set " + key);
    }

    private static Optional<Shorthand> shorthand(String flag) {
        return SHORTHANDS.stream().filter(shorthand -> shorthand.flag().equals(flag)).findFirst();
    }

    private static String envName(String key) {
        int dot = key.indexOf('.');
        return EnvOverrides.variableFor(key.substring(0, dot), key.substring(dot + 1));
    }
}
