package dev.wrenn.controlplane.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Cache keys and the build context: what changes a key, what does not, and what a COPY packs. */
class BuildPlanTest {
    static final String RECIPE = "FROM minimal\nENV A=1\nCOPY app/ /srv/\nRUN make\nRUN make test\n";

    static BuildPlan plan(String recipe, Map<String, String> files, String identity) throws Exception {
        return BuildPlan.of(
                RecipeParser.parse(recipe), BuildContext.read(BuildRequests.tar(files)), identity, 1, 512, 0);
    }

    @Test
    void aChangeReKeysItsStepAndEveryStepAfterIt() throws Exception {
        var files = Map.of("app/a.txt", "a", "app/b.sh", "b");
        var one = plan(RECIPE, files, "image minimal abc");
        var same = plan(
                RECIPE.replace("RUN make\n", "RUN   make\n").replace("make test", "make  test"),
                files,
                "image minimal abc");
        // Spacing around a RUN's text does not count; inside it, it is the command's and does.
        assertThat(same.steps().get(2).key()).isEqualTo(one.steps().get(2).key());
        assertThat(same.steps().get(3).key()).isNotEqualTo(one.steps().get(3).key());
        var again = plan(RECIPE, files, "image minimal abc");
        assertThat(again.steps())
                .extracting(BuildPlan.Planned::key)
                .containsExactlyElementsOf(
                        one.steps().stream().map(BuildPlan.Planned::key).toList());

        var changedFile = plan(RECIPE, Map.of("app/a.txt", "A", "app/b.sh", "b"), "image minimal abc");
        assertThat(changedFile.steps().get(0).key())
                .isEqualTo(one.steps().get(0).key());
        assertThat(changedFile.steps().get(1).key())
                .isNotEqualTo(one.steps().get(1).key());
        assertThat(changedFile.finalKey()).isNotEqualTo(one.finalKey());

        var otherFileOutsideTheCopy = Map.of("app/a.txt", "a", "app/b.sh", "b", "README", "x");
        assertThat(plan(RECIPE, otherFileOutsideTheCopy, "image minimal abc").finalKey())
                .isEqualTo(one.finalKey());

        var newImage = plan(RECIPE, files, "image minimal def");
        assertThat(newImage.rootKey()).isNotEqualTo(one.rootKey());
        assertThat(newImage.steps().get(0).key())
                .isNotEqualTo(one.steps().get(0).key());
    }

    @Test
    void eachStepRunsWithTheEnvUserAndWorkdirBeforeIt() throws Exception {
        var p = plan("FROM minimal\nWORKDIR /w\nENV X=1\nUSER user\nRUN id\n", Map.of(), "i");
        var run = p.steps().get(3);
        assertThat(run.layered()).isTrue();
        assertThat(run.env()).containsEntry("X", "1");
        assertThat(run.user()).isEqualTo("user");
        assertThat(run.workdir()).isEqualTo("/w");
        assertThat(p.steps().get(0).user()).isEqualTo("root");
    }

    @Test
    void aCopyPacksItsFilesUnderTheDestinationOwnedAsAsked() throws Exception {
        var p = plan(
                "FROM minimal\nCOPY --chown=user app/ /srv/\nCOPY app/b.sh /bin/\n",
                Map.of("app/a.txt", "a", "app/b.sh", "b"),
                "i");
        assertThat(p.steps().get(0).copy().paths()).containsExactly("srv/a.txt", "srv/b.sh");
        assertThat(p.steps().get(1).copy().paths()).containsExactly("bin/b.sh");
        var entries = BuildContext.read(p.steps().get(0).copy().tar());
        assertThat(entries.pack(new Step.Copy(1, java.util.List.of("srv"), "/x/", null))
                        .paths())
                .containsExactly("x/a.txt", "x/b.sh");
    }

    @Test
    void contextsThatReachOutsideThemselvesAreRefused() throws Exception {
        assertThatThrownBy(() -> BuildContext.read(BuildRequests.tar(Map.of("../evil", "x"))))
                .hasMessageContaining("outside the build context");
        assertThatThrownBy(() -> BuildContext.read(BuildRequests.tar(Map.of("/etc/passwd", "x"))))
                .hasMessageContaining("outside the build context");
        assertThatThrownBy(() -> BuildContext.read("not a tar at all, but long enough to look".getBytes()))
                .hasMessageContaining("not a tar");
        var missing = RecipeParser.parse("FROM minimal\nCOPY nothere /x\n");
        assertThatThrownBy(() ->
                        BuildContext.EMPTY.pack((Step.Copy) missing.steps().getFirst()))
                .hasMessageContaining("'nothere' is not in the build context");
    }
}
