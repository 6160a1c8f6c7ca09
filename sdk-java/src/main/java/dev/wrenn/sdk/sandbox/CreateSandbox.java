package dev.wrenn.sdk.sandbox;

import dev.wrenn.sdk.http.Json;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How to create a sandbox. Everything is optional; what is left unset takes the server's default (template
 * {@code minimal}, 1 vCPU, 512 MiB, no auto-pause, no time-to-live). The server checks the bounds and answers
 * a {@link dev.wrenn.sdk.BadRequestException} naming the field.
 *
 * <pre>{@code
 * CreateSandbox.builder().template("minimal").vcpus(2).memoryMb(1024).ttl(Duration.ofMinutes(30)).build()
 * }</pre>
 */
public record CreateSandbox(
        String template,
        Integer vcpus,
        Integer memoryMb,
        Integer diskMb,
        Duration autoPauseAfter,
        Duration ttl,
        OnTimeout onTimeout,
        Boolean autoResume,
        Map<String, String> metadata,
        Map<String, String> envVars,
        NetworkPolicy network) {
    public CreateSandbox {
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
        envVars = envVars == null ? Map.of() : Map.copyOf(envVars);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The request body (api/openapi.yaml, CreateSandboxRequest). */
    Json.Fields json() {
        return Json.object()
                .put("template", template)
                .put("vcpus", vcpus)
                .put("memory_mb", memoryMb)
                .put("disk_mb", diskMb)
                .put("timeout_sec", seconds(autoPauseAfter))
                .put("ttl_sec", seconds(ttl))
                .put("on_timeout", onTimeout == null ? null : onTimeout.wire())
                .put("auto_resume", autoResume)
                .putNonEmpty("metadata", metadata)
                .putNonEmpty("env_vars", envVars)
                .put("network", network == null ? null : network.json().map());
    }

    static Long seconds(Duration d) {
        return d == null ? null : d.toSeconds();
    }

    public static final class Builder {
        private String template;
        private Integer vcpus;
        private Integer memoryMb;
        private Integer diskMb;
        private Duration autoPauseAfter;
        private Duration ttl;
        private OnTimeout onTimeout;
        private Boolean autoResume;
        private final Map<String, String> metadata = new LinkedHashMap<>();
        private final Map<String, String> envVars = new LinkedHashMap<>();
        private NetworkPolicy network;

        private Builder() {}

        /** A base image ({@code minimal}) or a template's name; a snapshot template brings its own vCPUs and memory. */
        public Builder template(String template) {
            this.template = template;
            return this;
        }

        public Builder vcpus(int vcpus) {
            this.vcpus = vcpus;
            return this;
        }

        public Builder memoryMb(int memoryMb) {
            this.memoryMb = memoryMb;
            return this;
        }

        /** The writable disk's size in MiB; the host's default when unset. */
        public Builder diskMb(int diskMb) {
            this.diskMb = diskMb;
            return this;
        }

        /** Pauses the sandbox after this long without activity (exec, ping, process and file calls). */
        public Builder autoPauseAfter(Duration idle) {
            this.autoPauseAfter = idle;
            return this;
        }

        /** Ends the sandbox this long after it runs, and again after every resume, as {@link #onTimeout} says. */
        public Builder ttl(Duration ttl) {
            this.ttl = ttl;
            return this;
        }

        public Builder onTimeout(OnTimeout onTimeout) {
            this.onTimeout = onTimeout;
            return this;
        }

        /** Guest traffic through the sandbox proxy resumes the sandbox when it is paused. */
        public Builder autoResume(boolean autoResume) {
            this.autoResume = autoResume;
            return this;
        }

        /** A label, stored with the sandbox and filterable in lists ({@link SandboxQuery.Builder#metadata}). */
        public Builder metadata(String key, String value) {
            metadata.put(key, value);
            return this;
        }

        public Builder metadata(Map<String, String> all) {
            metadata.putAll(all);
            return this;
        }

        /** A variable every process in the sandbox sees; handed to the guest, never stored by the server. */
        public Builder envVar(String name, String value) {
            envVars.put(name, value);
            return this;
        }

        public Builder envVars(Map<String, String> all) {
            envVars.putAll(all);
            return this;
        }

        public Builder network(NetworkPolicy network) {
            this.network = network;
            return this;
        }

        public CreateSandbox build() {
            return new CreateSandbox(
                    template,
                    vcpus,
                    memoryMb,
                    diskMb,
                    autoPauseAfter,
                    ttl,
                    onTimeout,
                    autoResume,
                    metadata,
                    envVars,
                    network);
        }
    }
}
