package dev.wrenn.codeinterpreter.execute;

/** Where an execution's events go (the HTTP response); throws once the client is no longer there. */
public interface Sink {
    void emit(OutputEvent event) throws ClientGoneException;
}
