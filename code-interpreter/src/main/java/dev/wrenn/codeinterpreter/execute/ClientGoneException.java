package dev.wrenn.codeinterpreter.execute;

/** The client of an execution went away; kept apart from IOException, which means the kernel failed. */
public final class ClientGoneException extends Exception {
    public ClientGoneException(Throwable cause) {
        super("the client closed the connection", cause);
    }
}
