package org.mirrorsd.config;

/** @param level root log level */
public record LoggingConfig(LogLevel level) {

    public static LoggingConfig defaults() {
        return new LoggingConfig(LogLevel.INFO);
    }
}
