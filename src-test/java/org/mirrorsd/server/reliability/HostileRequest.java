package org.mirrorsd.server.reliability;

import java.time.Duration;

/**
 * One request of the hostile corpus and what the server must answer.
 *
 * @param parts  the raw bytes, sent one part at a time with {@code pause} between parts
 * @param status the expected status; 0 = the server closes the connection without answering
 * @param code   the expected {@code error.code}, or null when not checked
 * @param param  the expected {@code error.param}, or null when not checked
 */
record HostileRequest(String name, byte[][] parts, Duration pause, int status, String code, String param) {

    static HostileRequest of(String name, byte[] raw, int status) {
        return new HostileRequest(name, new byte[][] {raw}, Duration.ZERO, status, null, null);
    }

    HostileRequest code(String expected) {
        return new HostileRequest(name, parts, pause, status, expected, param);
    }

    HostileRequest param(String expected) {
        return new HostileRequest(name, parts, pause, status, code, expected);
    }

    @Override
    public String toString() { return name; }
}
