package dev.wrenn.controlplane.sandbox;

import dev.wrenn.controlplane.http.ApiError;
import dev.wrenn.controlplane.http.ApiException;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A sandbox's time-to-live and what moves it: setting it, connecting (which resumes a paused
 * sandbox and never shortens a running one's), and its end (kill or pause, as the sandbox asks).
 * Every change runs under the sandbox's lifecycle lock, so an expiry never races a connect.
 *
 * <p>The time-to-live is absolute, unlike the seed's inactivity auto-pause ({@code timeout_sec}):
 * both apply, and whichever comes first ends the running spell. A resume gives a sandbox that has
 * a time-to-live a fresh end, that long from the resume.
 */
public final class Lifetimes {
    private static final Logger log = LoggerFactory.getLogger(Lifetimes.class);

    private final SandboxService sandboxes;
    private final SandboxStore store;

    public Lifetimes(SandboxService sandboxes, SandboxStore store) {
        this.sandboxes = sandboxes;
        this.store = store;
    }

    /** What a connect found, and the sandbox after it. */
    public record Connected(SandboxView sandbox, boolean resumed) {}

    /**
     * A new time-to-live of {@code ttlSec} from now (0: none) for a running or paused sandbox; it
     * also applies to every later resume. 404 when unknown, 409 unless running or paused.
     */
    public SandboxView setTtl(String teamId, String id, int ttlSec) {
        checkSeconds(ttlSec, "ttl_sec");
        return sandboxes.withLock(id, () -> {
            requireLive(teamId, id);
            store.setTtl(id, ttlSec);
            return sandboxes.get(teamId, id);
        });
    }

    /**
     * The sandbox ends at the next expiry pass, as its {@code on_timeout} says (E2B's timeout of 0);
     * its time-to-live for later resumes stays as it was.
     */
    public void endNow(String teamId, String id) {
        sandboxes.withLock(id, () -> {
            requireLive(teamId, id);
            store.endNow(id);
            return null;
        });
    }

    /**
     * Makes the sandbox usable: a paused one is resumed, a running one's end is moved to at least
     * {@code timeoutSec} from now. A sandbox without a time-to-live keeps none: connecting never
     * gives it one. 409 unless running or paused.
     */
    public Connected connect(String teamId, String id, OptionalInt timeoutSec) {
        timeoutSec.ifPresent(t -> checkSeconds(t, "timeout"));
        return sandboxes.withLock(id, () -> {
            var row = requireLive(teamId, id);
            if (row.status() == SandboxStatus.RUNNING) {
                timeoutSec.ifPresent(t -> store.extendEnd(id, t));
                return new Connected(sandboxes.get(teamId, id), false);
            }
            sandboxes.resumeLocked(row);
            timeoutSec.ifPresent(t -> store.setEnd(id, t));
            return new Connected(sandboxes.get(teamId, id), true);
        });
    }

    /** Resumes a paused sandbox, its end {@code timeoutSec} from now if given; 409 unless paused. */
    public SandboxView resume(String teamId, String id, OptionalInt timeoutSec) {
        timeoutSec.ifPresent(t -> checkSeconds(t, "timeout"));
        return sandboxes.withLock(id, () -> {
            var row = sandboxes.row(teamId, id);
            if (row.status() != SandboxStatus.PAUSED) {
                throw new ApiException(
                        ApiError.SANDBOX_NOT_PAUSED,
                        "sandbox '" + id + "' is " + row.status().wire() + ", not paused");
            }
            sandboxes.resumeLocked(row);
            timeoutSec.ifPresent(t -> store.setEnd(id, t));
            return sandboxes.get(teamId, id);
        });
    }

    /**
     * Ends a sandbox the expiry scan found past its end, if it still is: a connect or a new
     * time-to-live since the scan moved its end and wins. True when it was ended.
     */
    public boolean expire(SandboxStore.Row scanned) {
        return sandboxes.withLock(scanned.id(), () -> {
            var row = store.get(scanned.teamId(), scanned.id()).orElse(null);
            if (row == null
                    || row.status() != SandboxStatus.RUNNING
                    || row.view().endAt() == null
                    || !row.view().endAt().equals(scanned.view().endAt())) {
                return false;
            }
            String detail = "time-to-live of " + row.view().ttlSec() + " s ran out";
            if (row.onTimeout() == OnTimeout.PAUSE) {
                sandboxes.pauseLocked(row, StatusReason.TIMED_OUT, detail);
            } else {
                sandboxes.destroyLocked(row, StatusReason.EXPIRED, detail);
            }
            log.info("sandbox {} reached its end: {}", row.id(), row.onTimeout().wire());
            return true;
        });
    }

    private SandboxStore.Row requireLive(String teamId, String id) {
        var row = sandboxes.row(teamId, id);
        if (row.status() != SandboxStatus.RUNNING && row.status() != SandboxStatus.PAUSED) {
            throw new ApiException(
                    ApiError.SANDBOX_NOT_RUNNING,
                    "sandbox '" + id + "' is " + row.status().wire() + ", neither running nor paused");
        }
        return row;
    }

    private void checkSeconds(int seconds, String field) {
        int max = sandboxes.limits().maxTimeoutSec();
        if (seconds < 0 || seconds > max) throw ApiException.invalid("'" + field + "' must be between 0 and " + max);
    }
}
