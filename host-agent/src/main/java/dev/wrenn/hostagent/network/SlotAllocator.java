package dev.wrenn.hostagent.network;

import java.util.BitSet;

/**
 * Hands out the lowest free slot index. Slots are not persisted: at start the agent claims the slots
 * of the running sandboxes it adopts, and the reclaimer clears the rest.
 */
public final class SlotAllocator {
    private final BitSet used = new BitSet();
    private final int capacity;

    public SlotAllocator(int capacity) {
        this.capacity = capacity;
    }

    public synchronized int acquire() {
        int i = used.nextClearBit(0);
        if (i >= capacity) throw new IllegalStateException("all " + capacity + " network slots are in use");
        used.set(i);
        return i;
    }

    /** Takes a specific index (a running sandbox adopted after a restart keeps its slot). */
    public synchronized void claim(int index) {
        if (index < 0 || index >= capacity)
            throw new IllegalArgumentException("slot " + index + " is outside 0.." + (capacity - 1));
        if (used.get(index)) throw new IllegalStateException("slot " + index + " is already in use");
        used.set(index);
    }

    public synchronized void release(int index) {
        used.clear(index);
    }

    public synchronized int inUse() {
        return used.cardinality();
    }
}
