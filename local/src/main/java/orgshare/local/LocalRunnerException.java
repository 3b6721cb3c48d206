package orgshare.local;

/** Something the local runner cannot do as asked (bad template, unknown function, unreadable event): the user fixes it. */
public class LocalRunnerException extends RuntimeException {
    public LocalRunnerException(String message) {
        super(message);
    }

    public LocalRunnerException(String message, Throwable cause) {
        super(message, cause);
    }
}
