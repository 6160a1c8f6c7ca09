package dev.wrenn.hostagent.vm.jail;

import java.util.BitSet;

/**
 * The pool of unprivileged uids (each also the gid) the VMMs run as: one per running VMM, so that
 * no two VMMs can signal, ptrace or read each other's files. Freed when the VMM is gone; re-taken
 * for the VMMs a restarted agent adopts.
 */
public final class VmmIds {
    private final int base;
    private final int count;
    private final BitSet taken;

    public VmmIds(int base, int count) {
        this.base = base;
        this.count = count;
        this.taken = new BitSet(count);
    }

    /** The lowest free id. */
    public synchronized int take() {
        int i = taken.nextClearBit(0);
        if (i >= count) throw new IllegalStateException("all " + count + " VMM ids are in use");
        taken.set(i);
        return base + i;
    }

    /** Marks {@code id} taken (an adopted VMM's); false if it is outside the pool or already taken. */
    public synchronized boolean take(int id) {
        int i = id - base;
        if (i < 0 || i >= count || taken.get(i)) return false;
        taken.set(i);
        return true;
    }

    public synchronized void release(int id) {
        int i = id - base;
        if (i >= 0 && i < count) taken.clear(i);
    }

    public synchronized boolean inUse(int id) {
        int i = id - base;
        return i >= 0 && i < count && taken.get(i);
    }
}
