package dev.wrenn.hostagent.network;

import java.util.BitSet;

/** Hands out the lowest free slot index. Slots are not persisted: the reclaimer clears them all at start. */
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

    public synchronized void release(int index) {
        used.clear(index);
    }

    public synchronized int inUse() {
        return used.cardinality();
    }
}
