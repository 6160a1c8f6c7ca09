package dev.wrenn.controlplane.e2b;

/**
 * The envd version Wrenn reports to E2B clients ({@code envdVersion}): the SDKs compare it with the
 * versions that introduced each guest feature and use only the features it reaches, so it must
 * be the highest version whose features the guest agent really implements (see
 * docs/e2b-envd-version.md: every gate of the SDK up to 0.6.4 is met). The one place it is set.
 */
public final class EnvdVersion {
    public static final String VALUE = "0.6.4";

    private EnvdVersion() {}
}
