package dev.wrenn.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wrenn.controlplane.config.ControlPlaneConfig;
import dev.wrenn.controlplane.testing.Accounts;
import dev.wrenn.controlplane.testing.ApiClient;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The single-node default: no database URL, no secret; everything lives in the data dir and survives restarts. */
class EmbeddedModeIT {
    @TempDir
    Path dataDir;

    private ControlPlane start() {
        return ControlPlane.start(ControlPlaneConfig.from(
                Map.of("WRENN_HOST", "127.0.0.1", "WRENN_PORT", "0", "WRENN_DATA_DIR", dataDir.toString())));
    }

    @Test
    void keepsAccountsAndSessionsAcrossRestarts() throws Exception {
        Accounts.Account account;
        try (var cp = start()) {
            var api = ApiClient.of(URI.create("http://127.0.0.1:" + cp.port()));
            account = Accounts.signUp(api);
        }
        Path secret = dataDir.resolve("secrets/jwt.key");
        assertThat(secret).exists();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secret)))
                .isEqualTo("rw-------");
        assertThat(dataDir.resolve("postgres/data/PG_VERSION")).exists();

        try (var cp = start()) {
            var api = ApiClient.of(URI.create("http://127.0.0.1:" + cp.port()));
            var login = api.post(
                    "/v1/auth/login",
                    "{\"email\":\"" + account.email() + "\",\"password\":\"" + account.password() + "\"}");
            assertThat(login.status()).isEqualTo(200);
            assertThat(login.json().get("user_id").asString()).isEqualTo(account.userId());
            // The secret was kept, so a token from before the restart is still valid.
            assertThat(api.withBearer(account.token()).get("/v1/api-keys").status())
                    .isEqualTo(200);
        }
    }
}
