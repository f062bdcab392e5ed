package dev.xormount;

/**
 * A problem with the user's input or environment that the user can fix.
 *
 * <p>The message is one line that names the offending value and the fix; the command
 * line prints it without a stack trace unless {@code --verbose} is given.
 */
public class UserException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UserException(String message) {
        super(message);
    }

    public UserException(String message, Throwable cause) {
        super(message, cause);
    }
}
