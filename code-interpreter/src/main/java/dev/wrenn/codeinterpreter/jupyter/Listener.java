package dev.wrenn.codeinterpreter.jupyter;

/** Receives the messages of one request (by parent msg_id), from every channel, on the channels' reader threads. */
public interface Listener {
    void onMessage(Channel channel, Message message);

    /** The kernel went away (died, restarted, shut down): no more messages will come. */
    void onClosed(String reason);
}
