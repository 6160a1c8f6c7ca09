package dev.wrenn.controlplane.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PasswordHasherTest {
    private final PasswordHasher hasher = new PasswordHasher();

    @Test
    void hashesWithArgon2idInPhcFormatAndVerifies() {
        String h = hasher.hash("correct horse");
        assertThat(h).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
        assertThat(hasher.verify("correct horse", h)).isTrue();
        assertThat(hasher.verify("correct horsf", h)).isFalse();
    }

    @Test
    void saltsEveryHash() {
        assertThat(hasher.hash("same")).isNotEqualTo(hasher.hash("same"));
    }

    @Test
    void malformedStoredHashNeverMatches() {
        assertThat(hasher.verify("x", "plain-text")).isFalse();
        assertThat(hasher.verify("x", "$bcrypt$whatever$a$b$c")).isFalse();
        assertThat(hasher.verifyDecoy("anything")).isFalse();
    }
}
