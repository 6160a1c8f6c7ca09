package dev.wrenn.controlplane.auth;

import dev.wrenn.controlplane.http.ApiError;
import dev.wrenn.controlplane.http.ApiException;
import dev.wrenn.controlplane.limits.FailureWindows;
import java.util.Locale;

/**
 * Failed-login throttling per account (email) and per client address. An email is counted whether or not
 * an account has it, so the throttle's answers do not tell which emails exist.
 */
public final class LoginThrottle {
    private final FailureWindows perAccount;
    private final FailureWindows perAddress;

    public LoginThrottle(FailureWindows perAccount, FailureWindows perAddress) {
        this.perAccount = perAccount;
        this.perAddress = perAddress;
    }

    /** Refuses with {@code 429 too_many_login_attempts} while the email or the address is blocked. */
    public void check(String email, String address) {
        long wait = Math.max(perAccount.blockedForSec(key(email)), perAddress.blockedForSec(address));
        if (wait > 0) {
            throw new ApiException(
                    ApiError.TOO_MANY_LOGIN_ATTEMPTS,
                    "too many failed logins; try again in " + wait + " seconds",
                    wait);
        }
    }

    public void failed(String email, String address) {
        perAccount.fail(key(email));
        perAddress.fail(address);
    }

    /** A login that succeeded forgets the account's failures (not the address's: it may try many accounts). */
    public void succeeded(String email) {
        perAccount.reset(key(email));
    }

    private static String key(String email) {
        return email.strip().toLowerCase(Locale.ROOT);
    }
}
