package org.mirrorsd.cli;

import org.mirrorsd.server.ServerMain;

/** {@code serve}: the OpenAI-compatible HTTP server (blocks until SIGTERM/SIGINT drains it). */
final class ServeCommand implements Main.Command {
    @Override
    public String summary() { return "run the OpenAI-compatible HTTP server"; }

    @Override
    public int run(String[] args) {
        return ServerMain.serve(args);
    }
}
