package dev.wrenn.hostagent.lifecycle;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Work in flight that must end when its owner does: the exchanges the sandbox proxy relays to one running
 * incarnation of a sandbox. A guest whose VM is gone (destroyed, paused, dead) answers nothing any more,
 * not even a reset once its network namespace is deleted, so a stream to it would hang until an idle
 * timeout; {@link #close} aborts every one at once instead.
 *
 * <p>Race-free: something added after (or while) the owner closes is aborted right away, exactly once.
 */
public final class InFlight {
    /** Why the work was aborted: the owner's incarnation ended. */
    public static final class EndedException extends Exception {
        public EndedException(String message) {
            super(message, null, false, false);
        }
    }

    private final String owner;
    private final Map<Object, Consumer<EndedException>> open = new ConcurrentHashMap<>();
    private final Map<Object, Runnable> afterClose = new ConcurrentHashMap<>();
    private volatile EndedException ended;

    public InFlight(String owner) {
        this.owner = owner;
    }

    /**
     * Tracks {@code key} until {@link #remove}; {@code abort} runs if the owner ends first. False (and
     * {@code abort} has run) when the owner has ended already.
     */
    public boolean add(Object key, Consumer<EndedException> abort) {
        open.put(key, abort);
        EndedException e = ended;
        if (e == null) return true;
        Consumer<EndedException> mine = open.remove(key);
        if (mine != null) mine.accept(e);
        return false;
    }

    public void remove(Object key) {
        open.remove(key);
    }

    /**
     * Runs {@code hook} once, after the in-flight work was aborted at close (e.g. to drop idle pooled
     * connections); registering the same key again keeps the first hook. Runs at once if already closed.
     */
    public void afterClose(Object key, Runnable hook) {
        if (afterClose.putIfAbsent(key, hook) != null) return;
        if (ended != null && afterClose.remove(key, hook)) hook.run();
    }

    public int size() {
        return open.size();
    }

    public boolean isClosed() {
        return ended != null;
    }

    /** Aborts everything in flight with {@code reason}, then runs the hooks; returns how many it aborted. */
    public int close(String reason) {
        synchronized (this) {
            if (ended != null) return 0;
            ended = new EndedException(reason);
        }
        int aborted = 0;
        for (Object key : open.keySet()) {
            Consumer<EndedException> abort = open.remove(key);
            if (abort != null) {
                abort.accept(ended);
                aborted++;
            }
        }
        for (Object key : afterClose.keySet()) {
            Runnable hook = afterClose.remove(key);
            if (hook != null) hook.run();
        }
        return aborted;
    }

    @Override
    public String toString() {
        return "in-flight work of " + owner + " (" + open.size() + (ended != null ? ", ended)" : ")");
    }
}
