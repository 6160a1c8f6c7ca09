package dev.wrenn.hostagent.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A bare Debian has only its required packages: every host program Wrenn runs must be declared in
 * {@link HostTool}, and its package installed by scripts/install-deps.sh unless every Debian has it.
 */
class HostToolTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern PACKAGES = Pattern.compile("(?s)PACKAGES=\\((.*?)\\)");
    // Packages added only where a program is missing: `command -v node >/dev/null || PACKAGES+=(nodejs)`.
    private static final Pattern MORE_PACKAGES = Pattern.compile("PACKAGES\\+=\\(([^)]*)\\)");
    // HostCommand.run("x", ...), HostCommand.check(List.of("x", ...)), new ProcessBuilder("x", ...)
    private static final Pattern CALL = Pattern.compile("(?:HostCommand\\.(?:run|check)\\(\\s*(?:List\\.of\\(\\s*)?|new"
            + " ProcessBuilder\\(\\s*(?:List\\.of\\(\\s*)?)\"([^\"]+)\"");
    // ... "netns", "exec", <namespace>, "x" ...: the program run inside a namespace
    private static final Pattern IN_NETNS =
            Pattern.compile("\"netns\",\\s*\"exec\",\\s*(?:[^,\"\\s]+|\"[^\"]*\"),\\s*\"([^\"]+)\"");

    @Test
    void everyDeclaredPackageIsInstalledByTheProjectOrPartOfEveryDebian() throws Exception {
        Set<String> installed = installDepsPackages();
        for (HostTool tool : HostTool.values()) {
            if (installed.contains(tool.debianPackage())) continue;
            assertThat(priority(tool.debianPackage()))
                    .as(
                            "%s comes from %s, which scripts/install-deps.sh does not install and a"
                                    + " bare Debian may lack",
                            tool.command(), tool.debianPackage())
                    .isEqualTo("required");
        }
    }

    @Test
    void everyProgramTheHostSideSourcesRunIsDeclared() throws IOException {
        Set<String> found = new TreeSet<>();
        for (Path file : hostSideSources()) {
            String src = Files.readString(file, StandardCharsets.UTF_8);
            for (Pattern p : List.of(CALL, IN_NETNS)) {
                Matcher m = p.matcher(src);
                while (m.find()) found.add(m.group(1));
            }
        }
        // The scan must see the calls it is meant to police, or it proves nothing.
        assertThat(found).contains("ip", "nft", "qemu-img", "sh");
        List<String> undeclared =
                found.stream().filter(c -> HostTool.of(c).isEmpty()).toList();
        assertThat(undeclared)
                .as("programs run on the host but not declared in HostTool")
                .isEmpty();
    }

    @Test
    void anUndeclaredProgramIsRefusedBeforeItRuns() {
        assertThatThrownBy(() -> HostCommand.run("sysctl", "-a"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("undeclared host tool 'sysctl'")
                .hasMessageContaining("install-deps.sh");
        assertThatThrownBy(() -> HostCommand.run("ip", "netns", "exec", "x", "sysctl", "-a"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'sysctl'");
    }

    @Test
    void theRuntimeToolsAreHereAndAMissingOneNamesItsPackage() {
        HostTool.requireRuntimeTools();
        assertThat(HostTool.NFT.missingMessage())
                .isEqualTo("'nft' is not installed: install the Debian package "
                        + "nftables (./scripts/install-deps.sh installs everything Wrenn needs)");
    }

    private static Set<String> installDepsPackages() throws IOException {
        Matcher m = PACKAGES.matcher(Files.readString(ROOT.resolve("scripts/install-deps.sh")));
        assertThat(m.find()).as("PACKAGES=( ... ) in scripts/install-deps.sh").isTrue();
        Set<String> out = new TreeSet<>();
        for (String line : m.group(1).split("\n")) {
            String code = line.replaceAll("#.*", "").strip();
            if (!code.isEmpty()) out.addAll(Arrays.asList(code.split("\\s+")));
        }
        Matcher more = MORE_PACKAGES.matcher(Files.readString(ROOT.resolve("scripts/install-deps.sh")));
        while (more.find()) out.addAll(Arrays.asList(more.group(1).strip().split("\\s+")));
        return out;
    }

    private static String priority(String pkg) throws Exception {
        var p = new ProcessBuilder("dpkg-query", "-W", "-f=${Priority}", pkg)
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor()).as("dpkg-query %s: %s", pkg, out).isZero();
        return out;
    }

    /** Code that runs on the host: everything but the guest agent's main code, which runs in the VM. */
    private static List<Path> hostSideSources() throws IOException {
        List<Path> files = new ArrayList<>();
        for (String dir :
                List.of("host-agent/src", "control-plane/src", "cli/src", "bench/src", "guest-agent/src/test")) {
            Path d = ROOT.resolve(dir);
            if (!Files.isDirectory(d)) continue;
            try (Stream<Path> s = Files.walk(d)) {
                // This test names undeclared programs on purpose.
                s.filter(f -> f.toString().endsWith(".java") && !f.endsWith("HostToolTest.java"))
                        .forEach(files::add);
            }
        }
        return files;
    }
}
