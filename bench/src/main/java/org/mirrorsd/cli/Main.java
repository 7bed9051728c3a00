package org.mirrorsd.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import org.mirrorsd.config.cli.UsageException;

/** The {@code mirror-sd} command line: one sub-command per job. */
public final class Main {
    /** A sub-command: runs with its arguments and returns the exit code. */
    public interface Command {
        String summary();

        int run(String[] args) throws Exception;
    }

    static Map<String, Command> commands() {
        Map<String, Command> m = new TreeMap<>();
        m.put("generate", new GenerateCommand());
        m.put("tokenize", new TokenizeCommand());
        m.put("chat-template", new ChatTemplateCommand());
        m.put("scale", new ScaleCommand());
        m.put("calibrate", new CalibrateCommand());
        m.put("serve", new ServeCommand());
        m.put("bench", new BenchCommand());
        m.put("export-onnx", new ExportOnnxCommand());
        return m;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        Map<String, Command> commands = commands();
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            out.println("usage: mirror-sd COMMAND [options]   (mirror-sd COMMAND --help for its options)\n");
            commands.forEach((name, c) -> out.printf("  %-12s %s%n", name, c.summary()));
            return args.length == 0 ? 2 : 0;
        }
        Command c = commands.get(args[0]);
        if (c == null) {
            err.println("mirror-sd: unknown command '" + args[0] + "' (one of " + commands.keySet() + ")");
            return 2;
        }
        try {
            return c.run(Arrays.copyOfRange(args, 1, args.length));
        } catch (UsageException e) {
            err.println("mirror-sd " + args[0] + ": " + e.getMessage());
            return UsageException.EXIT_CODE;
        } catch (java.nio.file.NoSuchFileException e) {
            err.println("mirror-sd " + args[0] + ": " + e.getFile() + (e.getReason() != null ? ": " + e.getReason() : ": no such file"));
            return 2;
        } catch (IllegalArgumentException | java.io.IOException | org.mirrorsd.models.io.ModelFormatException e) {
            err.println("mirror-sd " + args[0] + ": " + e.getMessage());
            return 2;
        } catch (Exception e) {
            err.println("mirror-sd " + args[0] + ": internal error: " + e);
            e.printStackTrace(err);
            return 1;
        }
    }
}
