package org.mirrorsd.config.cli;

/**
 * The command line was wrong (unknown option, missing or malformed value). The message is one line meant
 * for the user; callers print it with a pointer to {@code --help} and exit with {@link #EXIT_CODE}.
 */
public class UsageException extends RuntimeException {

    /** Conventional exit status for usage errors. */
    public static final int EXIT_CODE = 2;

    public UsageException(String message) {
        super(message);
    }
}
