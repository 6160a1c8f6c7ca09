package dev.wrenn.hostagent.network;

import dev.wrenn.hostagent.lifecycle.Teardown;
import java.io.IOException;

/** Hands out network slots with their namespace and links built, each released by its teardown. */
public final class SlotPool {
    private final String prefix;
    private final SlotAddressing addressing;
    private final SlotAllocator allocator;

    public SlotPool(String prefix, SlotAddressing addressing) {
        this.prefix = prefix;
        this.addressing = addressing;
        this.allocator = new SlotAllocator(addressing.slotCount());
    }

    /** A free slot, its network built; {@code teardown} removes both. */
    public NetworkSlot lease(Teardown teardown) throws IOException {
        int index = allocator.acquire();
        teardown.add("slot " + index, () -> allocator.release(index));
        NetworkSlot slot = NetworkSlot.of(prefix, index, addressing);
        SlotNetwork.create(slot, prefix, teardown);
        return slot;
    }

    /** Takes over slot {@code index} whose network a previous agent built and left running. */
    public NetworkSlot adopt(int index, Teardown teardown) throws IOException {
        allocator.claim(index);
        teardown.add("slot " + index, () -> allocator.release(index));
        NetworkSlot slot = NetworkSlot.of(prefix, index, addressing);
        SlotNetwork.adopt(slot, prefix, teardown);
        return slot;
    }
}
