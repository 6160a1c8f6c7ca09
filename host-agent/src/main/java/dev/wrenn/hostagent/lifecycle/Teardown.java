package dev.wrenn.hostagent.lifecycle;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cleanup stack of one sandbox. Each resource is pushed right after it is created, so a failure
 * half-way through creation releases exactly what exists. {@link #close()} runs the steps once, in
 * reverse order, and keeps going past failures: one leaked veth must not keep a VMM alive.
 */
public final class Teardown implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Teardown.class);

    @FunctionalInterface
    public interface Step {
        void run() throws Exception;
    }

    private record Entry(String name, Step step) {}

    private final String owner;
    private final Deque<Entry> steps = new ArrayDeque<>();
    private boolean closed;

    public Teardown(String owner) {
        this.owner = owner;
    }

    /** Registers a cleanup step. If the stack was already closed, the step runs at once. */
    public void add(String name, Step step) {
        synchronized (this) {
            if (!closed) {
                steps.push(new Entry(name, step));
                return;
            }
        }
        // A resource created after teardown (a race with destroy) is released immediately.
        runQuietly(new Entry(name, step), new ArrayList<>());
    }

    public synchronized int size() {
        return steps.size();
    }

    /** Runs every step once, newest first. Returns the failures (empty when all went well). */
    public List<Exception> runAll() {
        List<Entry> toRun;
        synchronized (this) {
            if (closed) return List.of();
            closed = true;
            toRun = new ArrayList<>(steps);
            steps.clear();
        }
        List<Exception> errors = new ArrayList<>();
        for (Entry e : toRun) runQuietly(e, errors);
        return errors;
    }

    private void runQuietly(Entry e, List<Exception> errors) {
        try {
            e.step.run();
        } catch (Exception ex) {
            log.warn("teardown of {}: step '{}' failed: {}", owner, e.name, ex.toString());
            errors.add(new TeardownException(owner + ": " + e.name + ": " + ex.getMessage(), ex));
        }
    }

    /** Runs every step; throws one exception that carries every failure as suppressed. */
    @Override
    public void close() throws TeardownException {
        List<Exception> errors = runAll();
        if (errors.isEmpty()) return;
        TeardownException t = new TeardownException(
                "teardown of " + owner + " had " + errors.size() + " failure(s): "
                        + errors.getFirst().getMessage(),
                null);
        errors.forEach(t::addSuppressed);
        throw t;
    }

    public static final class TeardownException extends Exception {
        public TeardownException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
