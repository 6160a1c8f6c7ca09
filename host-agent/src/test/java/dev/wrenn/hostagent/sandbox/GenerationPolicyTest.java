package dev.wrenn.hostagent.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When memory generation chains are folded, without a VM. */
class GenerationPolicyTest {
    private static MemoryLayout clone(int templateGens, int ownGens) {
        List<Path> chain = new ArrayList<>();
        for (int i = 0; i < templateGens + ownGens; i++) chain.add(Path.of("/g" + i));
        return new MemoryLayout(Path.of("/base"), chain, templateGens, Path.of("/t/gen-1"));
    }

    @Test
    void aPauseKeepsTheChainUntilTheCloneOwnsTooManyGenerations() {
        var p = new GenerationPolicy(4, 4);
        assertThat(p.keptAtPause(MemoryLayout.own())).isZero();
        assertThat(p.keptAtPause(clone(2, 0))).isEqualTo(2);
        assertThat(p.keptAtPause(clone(2, 3))).isEqualTo(5);
        // The fifth own generation would be one too many: the own ones fold into the new one.
        assertThat(p.keptAtPause(clone(2, 4))).isEqualTo(2);
    }

    @Test
    void aTemplateExtendsItsParentsChainUpToTheLimit() {
        var p = new GenerationPolicy(4, 4);
        assertThat(p.templateExtendsChain(clone(0, 1))).isTrue();
        assertThat(p.templateExtendsChain(clone(3, 2))).isTrue();
        assertThat(p.templateExtendsChain(clone(4, 0))).isFalse();
    }
}
