package dev.wrenn.controlplane.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecipeParserTest {
    @Test
    void readsEveryInstructionItKnows() {
        var r = RecipeParser.parse("""
                # comment
                FROM minimal
                LABEL wrenn.vcpus=2 wrenn.memory_mb=1024 owner=me
                ENV A=1 B="two words"
                ENV C $A-x
                WORKDIR /srv
                WORKDIR app
                RUN apt-get update && \\
                    apt-get install -y jq
                RUN ["python3", "-c", "print(1)"]
                COPY --chown=user:user src/ ./
                USER user
                CMD ["python3", "-m", "http.server"]
                HEALTHCHECK --interval=2s --timeout=5s --start-period=1m --retries=3 CMD curl -sf localhost:8000
                """);
        assertThat(r.from()).isEqualTo("minimal");
        assertThat(r.vcpus()).isEqualTo(2);
        assertThat(r.memoryMb()).isEqualTo(1024);
        assertThat(r.diskMb()).isZero();
        assertThat(r.env())
                .containsEntry("A", "1")
                .containsEntry("B", "two words")
                .containsEntry("C", "1-x");
        assertThat(r.workdir()).contains("/srv/app");
        assertThat(r.user()).contains("user");
        var steps = r.steps();
        var install = (Step.Run) steps.get(4);
        assertThat(install.line()).isEqualTo(8);
        assertThat(install.argv().get(2).replaceAll("\\s+", " ")).isEqualTo("apt-get update && apt-get install -y jq");
        assertThat(steps.get(5)).isEqualTo(new Step.Run(10, List.of("python3", "-c", "print(1)")));
        assertThat(steps.get(6)).isEqualTo(new Step.Copy(11, List.of("src"), "/srv/app/", "user:user"));
        assertThat(r.start()).contains(List.of("python3", "-m", "http.server"));
        var ready = (Readiness.Command) r.ready().orElseThrow();
        assertThat(ready.argv()).containsExactly("/bin/sh", "-c", "curl -sf localhost:8000");
        assertThat(ready.interval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(ready.attemptTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(ready.deadline()).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void exposedPortsAreTheReadinessCheckWithoutAHealthcheck() {
        var r = RecipeParser.parse("FROM minimal\nCMD python3 -m http.server 8000\nEXPOSE 8000/tcp 9000\n");
        var ports = (Readiness.Ports) r.ready().orElseThrow();
        assertThat(ports.ports()).containsExactly(8000, 9000);
        assertThat(ports.argv().get(2)).contains(":1F40 ", ":2328 ");
        assertThat(RecipeParser.parse("FROM minimal\nCMD x\nEXPOSE 80\nHEALTHCHECK NONE\n")
                        .ready())
                .isEmpty();
    }

    @Test
    void refusalsNameTheLineAndWhatToDoInstead() {
        assertRefused("RUN true\n", "recipe line 1: the first instruction must be FROM");
        assertRefused("FROM minimal\nADD http://x /y\n", "recipe line 2: ADD is not supported: use COPY");
        assertRefused("FROM minimal\nFROM other\n", "only one FROM");
        assertRefused("FROM minimal AS build\n", "FROM takes one template name");
        assertRefused("FROM minimal\nCOPY ../etc/passwd /x\n", "outside the build context");
        assertRefused("FROM minimal\nCOPY *.py /x/\n", "wildcards are not supported");
        assertRefused("FROM minimal\nUSER 0:0\n", "USER takes one account name");
        assertRefused("FROM minimal\nEXPOSE 70000\n", "a TCP port 1-65535");
        assertRefused("FROM minimal\nEXPOSE 80\n", "needs a start command (CMD)");
        assertRefused("FROM minimal\nLABEL wrenn.vcpus=many\n", "must be a positive integer");
        assertRefused("FROM minimal\nFROBNICATE x\n", "unknown instruction FROBNICATE");
        assertRefused("", "a recipe starts with FROM");
        assertRefused("FROM minimal\n" + "RUN true\n".repeat(201), "more than 200 steps");
    }

    static void assertRefused(String recipe, String message) {
        assertThatThrownBy(() -> RecipeParser.parse(recipe))
                .isInstanceOf(RecipeException.class)
                .hasMessageContaining(message);
    }
}
