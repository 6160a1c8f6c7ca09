package dev.wrenn.codeinterpreter.execute;

import dev.wrenn.codeinterpreter.jupyter.Channel;
import dev.wrenn.codeinterpreter.jupyter.KernelSession;
import dev.wrenn.codeinterpreter.jupyter.Listener;
import dev.wrenn.codeinterpreter.jupyter.Message;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One execute_request in flight: registered with its kernel before it is sent, its messages turned into
 * {@link OutputEvent}s (by {@link MessageTranslator}) on the kernel's reader threads and queued for the
 * HTTP side, which takes them at its own pace.
 */
public final class Execution implements Listener {
    /** The reason given to executions cut short by a restart; reported as E2B's ContextRestarting. */
    public static final String RESTARTED = MessageTranslator.RESTARTED;

    private final BlockingQueue<OutputEvent> queue = new LinkedBlockingQueue<>();
    private final MessageTranslator translator = new MessageTranslator();
    private final KernelSession session;
    private final String msgId;
    private volatile boolean done;
    private volatile String replyStatus;

    private Execution(KernelSession session, String msgId) {
        this.session = session;
        this.msgId = msgId;
    }

    /**
     * Sends {@code code}. Silent runs (our own environment set-up) neither count nor show output;
     * stop_on_error makes the kernel drop requests queued behind a failing cell, as a notebook does.
     */
    public static Execution start(KernelSession session, String code, boolean silent) throws IOException {
        var content = new LinkedHashMap<String, Object>();
        content.put("code", code);
        content.put("silent", silent);
        content.put("store_history", !silent);
        content.put("user_expressions", Map.of());
        content.put("allow_stdin", false);
        content.put("stop_on_error", true);
        Message request = session.message("execute_request", content);
        var execution = new Execution(session, request.id());
        session.listen(request.id(), execution);
        try {
            session.send(Channel.SHELL, request);
        } catch (IOException e) {
            session.unlisten(request.id());
            throw e;
        }
        return execution;
    }

    /** The next event, {@link OutputEvent.EndOfExecution} once over, or null if none came within {@code wait}. */
    public OutputEvent poll(Duration wait) throws InterruptedException {
        return queue.poll(wait.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Drops events until the end (after an interrupt, when nobody listens any more); false on timeout. */
    public boolean drain(Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (!done) {
            long left = deadline - System.nanoTime();
            if (left <= 0) return false;
            queue.poll(left, TimeUnit.NANOSECONDS);
        }
        queue.clear();
        return true;
    }

    /** Waits for the end keeping only the first error, for our own silent runs; null if there was none. */
    public OutputEvent.Error awaitEnd(Duration wait) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        OutputEvent.Error first = null;
        while (true) {
            long left = deadline - System.nanoTime();
            OutputEvent e = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : null;
            if (e == null) throw new IOException("the kernel did not finish a silent execution within " + wait);
            if (e instanceof OutputEvent.EndOfExecution) return first;
            if (e instanceof OutputEvent.Error err && first == null) first = err;
        }
    }

    /** execute_reply's status: ok, error or aborted; null if the kernel went away first. */
    public String replyStatus() {
        return replyStatus;
    }

    public void interrupt() throws IOException {
        session.interrupt();
    }

    @Override
    public synchronized void onMessage(Channel channel, Message m) {
        if (done) return;
        queue.addAll(translator.accept(m));
        replyStatus = translator.replyStatus();
        if (translator.over()) finish();
    }

    @Override
    public synchronized void onClosed(String reason) {
        if (done) return;
        queue.add(MessageTranslator.closed(reason));
        finish();
    }

    private void finish() {
        done = true;
        session.unlisten(msgId);
        queue.add(new OutputEvent.EndOfExecution());
    }
}
