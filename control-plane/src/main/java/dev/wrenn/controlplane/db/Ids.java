package dev.wrenn.controlplane.db;

import java.security.SecureRandom;

/** Random, prefixed, URL-safe identifiers such as {@code usr_5kq3v0d8m2x1c7ta9e4b}. */
public final class Ids {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();

    private Ids() {}

    public static String user() {
        return random("usr_", 20);
    }

    public static String team() {
        return random("team_", 20);
    }

    public static String apiKey() {
        return random("key_", 20);
    }

    public static String sandbox() {
        return random("sb-", 16);
    }

    public static String template() {
        return random("tpl_", 20);
    }

    /** {@code length} characters of 5 random bits each. */
    public static String random(String prefix, int length) {
        var sb = new StringBuilder(prefix.length() + length).append(prefix);
        for (int i = 0; i < length; i++) sb.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
        return sb.toString();
    }
}
