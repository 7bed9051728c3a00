package org.mirrorsd.cli;

import org.mirrorsd.config.cli.CommandLine;
import org.mirrorsd.config.cli.ParsedArgs;

/** A command whose arguments are declared options: parsing and {@code --help} are handled here, once. */
abstract class OptionsCommand implements Main.Command {

    protected abstract CommandLine cli();

    /** Runs with parsed options (help already handled). */
    protected abstract int run(ParsedArgs a) throws Exception;

    @Override
    public final int run(String[] args) throws Exception {
        ParsedArgs a = cli().parse(args);
        if (a.helpRequested()) {
            System.out.println(cli().help());
            return 0;
        }
        return run(a);
    }
}
