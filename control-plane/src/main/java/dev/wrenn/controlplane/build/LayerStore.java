package dev.wrenn.controlplane.build;

import dev.wrenn.controlplane.template.TemplateStore;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * A team's cached build layers: template rows of type {@code layer} named {@code layer:<key>}. Each
 * remembers the build that used it last ({@code used_by_build}), which is how a template's rebuild
 * finds the layers only its earlier builds used.
 */
public final class LayerStore {
    static final String PREFIX = "layer:";

    private final Jdbi jdbi;

    public LayerStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public static String name(String key) {
        return PREFIX + key;
    }

    public Optional<TemplateStore.Row> find(String teamId, String key) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT * FROM templates WHERE team_id = :team AND name = :name" + " AND type = 'layer'")
                .bind("team", teamId)
                .bind("name", name(key))
                .map((rs, ctx) -> TemplateStore.row(rs))
                .findOne());
    }

    /** The layer is used by {@code buildId} now. */
    public void use(String layerId, String buildId) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE templates SET used_by_build = :build WHERE id = :id")
                .bind("id", layerId)
                .bind("build", buildId)
                .execute());
    }

    /**
     * The team's layers last used by another build of {@code name} than {@code keep}: what a finished
     * rebuild no longer needs. Layers a build of another template used since are not among them.
     */
    public List<TemplateStore.Row> unusedAfter(String teamId, String name, String keep) {
        return jdbi.withHandle(h -> h.createQuery("SELECT t.* FROM templates t JOIN template_builds b"
                        + " ON b.id = t.used_by_build WHERE t.type = 'layer' AND t.team_id = :team AND b.name = :name"
                        + " AND b.team_id = :team AND b.id <> :keep")
                .bind("team", teamId)
                .bind("name", name)
                .bind("keep", keep)
                .map((rs, ctx) -> TemplateStore.row(rs))
                .list());
    }
}
