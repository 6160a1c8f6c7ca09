package dev.wrenn.controlplane.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.postgres.PostgresPlugin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control plane's store: a pooled connection to PostgreSQL with the schema migrated.
 *
 * <p>With no URL the server runs its own PostgreSQL (the real server binaries, unpacked once) with
 * its data under the data dir, so the single-node mode needs nothing installed and keeps its data
 * across restarts.
 */
public final class Database implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Database.class);

    private final Embedded embedded;
    private final HikariDataSource dataSource;
    private final Jdbi jdbi;

    /** The embedded server and the watchdog that stops it if this JVM dies without closing it. */
    private record Embedded(EmbeddedPostgres pg, PostmasterWatchdog watchdog) {
        void close() {
            try {
                pg.close();
            } catch (IOException | RuntimeException e) {
                log.warn("embedded PostgreSQL did not stop cleanly", e);
            } finally {
                watchdog.close();
            }
        }
    }

    private Database(Embedded embedded, HikariDataSource dataSource) {
        this.embedded = embedded;
        this.dataSource = dataSource;
        this.jdbi = Jdbi.create(dataSource).installPlugin(new PostgresPlugin());
    }

    public static Database open(Optional<String> url, Path dataDir) {
        Embedded embedded = null;
        try {
            HikariConfig hikari = new HikariConfig();
            if (url.isPresent()) {
                var jdbc = JdbcUrl.parse(url.get());
                hikari.setJdbcUrl(jdbc.url());
                jdbc.user().ifPresent(hikari::setUsername);
                jdbc.password().ifPresent(hikari::setPassword);
            } else {
                embedded = startEmbedded(dataDir);
                hikari.setJdbcUrl(embedded.pg().getJdbcUrl("postgres", "postgres"));
            }
            hikari.setPoolName("wrenn");
            hikari.setMaximumPoolSize(16);
            hikari.setConnectionTimeout(10_000);
            var ds = new HikariDataSource(hikari);
            migrate(ds);
            return new Database(embedded, ds);
        } catch (RuntimeException e) {
            if (embedded != null) embedded.close();
            throw e;
        }
    }

    private static Embedded startEmbedded(Path dataDir) {
        var pgData = dataDir.resolve("postgres").resolve("data");
        var pgBin = dataDir.resolve("postgres").resolve("bin");
        try {
            Files.createDirectories(pgData.getParent());
            Files.createDirectories(pgBin);
            // A server killed before it could stop its database leaves the postmaster holding the data dir.
            OrphanPostmaster.stop(pgData);
            long t0 = System.nanoTime();
            var pg = EmbeddedPostgres.builder()
                    .setDataDirectory(pgData)
                    .setCleanDataDirectory(false)
                    .setOverrideWorkingDirectory(pgBin.toFile())
                    .setRegisterShutdownHook(false)
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setServerConfig("max_connections", "100")
                    // The embedded library turns this off for throwaway test databases; ours holds the
                    // platform's state, and a commit a crash can take back would orphan a live sandbox.
                    .setServerConfig("synchronous_commit", "on")
                    .start();
            PostmasterWatchdog watchdog;
            try {
                var pm = Postmaster.of(pgData)
                        .orElseThrow(
                                () -> new IOException("PostgreSQL started but its lock file names no live postmaster"));
                watchdog = PostmasterWatchdog.watch(pm);
            } catch (IOException | RuntimeException e) {
                pg.close();
                throw e;
            }
            log.info(
                    "embedded PostgreSQL ready on 127.0.0.1:{} (data in {}) in {} ms",
                    pg.getPort(),
                    pgData,
                    (System.nanoTime() - t0) / 1_000_000);
            return new Embedded(pg, watchdog);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the embedded PostgreSQL in " + pgData, e);
        }
    }

    private static void migrate(DataSource ds) {
        Flyway.configure()
                .dataSource(ds)
                .locations("classpath:db/migration")
                .load()
                .migrate();
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    @Override
    public void close() {
        dataSource.close();
        if (embedded != null) embedded.close();
    }

    /** Accepts both {@code jdbc:postgresql://...} and {@code postgres://user:pass@host:port/db}. */
    record JdbcUrl(String url, Optional<String> user, Optional<String> password) {
        static JdbcUrl parse(String raw) {
            if (raw.startsWith("jdbc:postgresql:")) {
                return new JdbcUrl(raw, Optional.empty(), Optional.empty());
            }
            if (!raw.startsWith("postgres://") && !raw.startsWith("postgresql://")) {
                throw new IllegalArgumentException(
                        "WRENN_DATABASE_URL must start with postgres://, postgresql:// or jdbc:postgresql:");
            }
            var uri = URI.create(raw);
            Optional<String> user = Optional.empty();
            Optional<String> password = Optional.empty();
            if (uri.getRawUserInfo() != null) {
                var parts = uri.getRawUserInfo().split(":", 2);
                user = Optional.of(URLDecoder.decode(parts[0], StandardCharsets.UTF_8));
                if (parts.length == 2) password = Optional.of(URLDecoder.decode(parts[1], StandardCharsets.UTF_8));
            }
            var port = uri.getPort() > 0 ? ":" + uri.getPort() : "";
            var query = uri.getRawQuery() != null ? "?" + uri.getRawQuery() : "";
            return new JdbcUrl("jdbc:postgresql://" + uri.getHost() + port + uri.getRawPath() + query, user, password);
        }
    }
}
