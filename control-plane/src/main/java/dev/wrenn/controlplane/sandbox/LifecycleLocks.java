package dev.wrenn.controlplane.sandbox;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * One lifecycle lock per sandbox, kept only while someone uses it. Each entry counts the threads
 * that hold or wait for its lock, changed atomically with the map: an entry leaves the map only
 * when nobody has it, so two threads can never end up holding two different locks for one sandbox
 * (as they could when an unlocking thread removed a lock another had just looked up).
 */
final class LifecycleLocks {
    private record Entry(ReentrantLock lock, int users) {}

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

    <T> T withLock(String id, Supplier<T> action) {
        ReentrantLock lock = enter(id);
        lock.lock();
        try {
            return action.get();
        } finally {
            lock.unlock();
            leave(id);
        }
    }

    /** Runs {@code action} only if nobody holds the lock now; false (doing nothing) if someone does. */
    boolean tryWithLock(String id, Runnable action) {
        ReentrantLock lock = enter(id);
        try {
            if (!lock.tryLock()) return false;
            try {
                action.run();
                return true;
            } finally {
                lock.unlock();
            }
        } finally {
            leave(id);
        }
    }

    /** How many sandboxes have a lock in the map now: those in use. */
    int size() {
        return entries.size();
    }

    private ReentrantLock enter(String id) {
        return entries.compute(
                        id,
                        (k, e) -> e == null ? new Entry(new ReentrantLock(), 1) : new Entry(e.lock(), e.users() + 1))
                .lock();
    }

    private void leave(String id) {
        entries.computeIfPresent(id, (k, e) -> e.users() == 1 ? null : new Entry(e.lock(), e.users() - 1));
    }
}
