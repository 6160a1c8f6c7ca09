package dev.wrenn.hostagent.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SlotAddressingTest {
    @Test
    void carvesSlash30Slots() {
        SlotAddressing a = SlotAddressing.parse("10.214.0.0/16");
        assertThat(a.slotCount()).isEqualTo(16384);
        assertThat(a.hostIp(0)).isEqualTo("10.214.0.1");
        assertThat(a.slotAddress(0)).isEqualTo("10.214.0.2");
        assertThat(a.hostIp(1)).isEqualTo("10.214.0.5");
        assertThat(a.slotAddress(64)).isEqualTo("10.214.1.2");
        assertThat(a.slotAddress(16383)).isEqualTo("10.214.255.254");
        assertThat(a.cidr()).isEqualTo("10.214.0.0/16");
    }

    @Test
    void overlapChecksBothDirections() {
        SlotAddressing a = SlotAddressing.parse("10.214.0.0/16");
        assertThat(a.overlaps("10.214.3.0/30")).isTrue();
        assertThat(a.overlaps("10.0.0.0/8")).isTrue();
        assertThat(a.overlaps("10.214.9.9")).isTrue();
        assertThat(a.overlaps("10.215.0.0/16")).isFalse();
        assertThat(a.overlaps("192.0.2.0/24")).isFalse();
    }

    @Test
    void rejectsBadRanges() {
        assertThatThrownBy(() -> SlotAddressing.parse("10.214.0.1/16")).hasMessageContaining("aligned");
        assertThatThrownBy(() -> SlotAddressing.parse("10.214.0.0/31")).hasMessageContaining("prefix");
        assertThatThrownBy(() -> SlotAddressing.parse("10.214.0.0/16").hostIp(16384))
                .hasMessageContaining("out of range");
    }

    @Test
    void namesFitInterfaceNameLimit() {
        NetworkSlot s = NetworkSlot.of("wrn-", 16383, SlotAddressing.parse("10.214.0.0/16"));
        assertThat(s.hostVeth()).isEqualTo("wrn-h16383").hasSizeLessThanOrEqualTo(15);
        assertThat(s.netns()).startsWith("wrn-");
        assertThat(s.tap()).startsWith("wrn-");
        assertThat(s.guestIp()).isEqualTo("169.254.0.21");
    }

    @Test
    void allocatorReusesLowestFreeSlot() {
        SlotAllocator alloc = new SlotAllocator(2);
        assertThat(alloc.acquire()).isZero();
        assertThat(alloc.acquire()).isEqualTo(1);
        assertThatThrownBy(alloc::acquire).hasMessageContaining("network slots");
        alloc.release(0);
        assertThat(alloc.acquire()).isZero();
    }
}
