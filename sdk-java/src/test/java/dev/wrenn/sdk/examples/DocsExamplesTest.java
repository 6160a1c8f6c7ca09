package dev.wrenn.sdk.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The Java blocks of docs/sdk-java.md are the examples ExamplesIT runs, verbatim. A block in the docs is preceded
 * by {@code <!-- example: NAME -->}; its source is the text between {@code // docs:begin NAME} and
 * {@code // docs:end NAME} in this package, less the indentation its lines share. Every block has a source,
 * every source a block.
 */
class DocsExamplesTest {
    static final Pattern DOC_BLOCK =
            Pattern.compile("<!-- example: ([a-z0-9-]+) -->\\n```java\\n(.*?)```\\n", Pattern.DOTALL);
    static final Pattern BEGIN = Pattern.compile("^\\s*// docs:begin ([a-z0-9-]+)\\s*$");
    static final Pattern END = Pattern.compile("^\\s*// docs:end ([a-z0-9-]+)\\s*$");

    static Path docs() {
        return Path.of(System.getProperty("wrenn.docs", "../docs/sdk-java.md"));
    }

    static Path examples() {
        return Path.of(System.getProperty("wrenn.examples", "src/test/java/dev/wrenn/sdk/examples"));
    }

    @Test
    void everyJavaBlockOfTheDocsIsAnExampleVerbatimAndEveryExampleIsShown() throws IOException {
        String doc = Files.readString(docs());
        Map<String, String> shown = new LinkedHashMap<>();
        Matcher m = DOC_BLOCK.matcher(doc);
        while (m.find()) {
            assertThat(shown.put(m.group(1), m.group(2)))
                    .as("example %s shown twice", m.group(1))
                    .isNull();
        }
        long javaBlocks = doc.lines().filter(l -> l.strip().equals("```java")).count();
        assertThat(shown)
                .as("every ```java block is preceded by its example marker")
                .hasSize((int) javaBlocks);

        Map<String, String> sources = regions();
        assertThat(shown.keySet()).containsExactlyInAnyOrderElementsOf(sources.keySet());
        for (var e : shown.entrySet()) {
            assertThat(e.getValue())
                    .as("docs/sdk-java.md example %s", e.getKey())
                    .isEqualTo(sources.get(e.getKey()));
        }
    }

    /** Every marked region of the example sources, dedented. */
    static Map<String, String> regions() throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(examples())) {
            for (Path f :
                    files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                if (f.getFileName().toString().equals("DocsExamplesTest.java")) continue;
                out.putAll(regions(f.getFileName().toString(), Files.readAllLines(f)));
            }
        }
        assertThat(out).as("example regions in " + examples()).isNotEmpty();
        return out;
    }

    static Map<String, String> regions(String file, List<String> lines) {
        Map<String, String> out = new LinkedHashMap<>();
        String open = null;
        List<String> body = new ArrayList<>();
        for (String line : lines) {
            Matcher b = BEGIN.matcher(line);
            Matcher e = END.matcher(line);
            if (b.matches()) {
                assertThat(open)
                        .as("%s: %s opens inside %s", file, b.group(1), open)
                        .isNull();
                open = b.group(1);
                body.clear();
            } else if (e.matches()) {
                assertThat(e.group(1)).as("%s: the end of %s", file, open).isEqualTo(open);
                assertThat(out.put(open, dedent(body)))
                        .as("%s: %s twice", file, open)
                        .isNull();
                open = null;
            } else if (open != null) {
                body.add(line);
            }
        }
        assertThat(open).as("%s: %s is never closed", file, open).isNull();
        return out;
    }

    static String dedent(List<String> lines) {
        int indent = lines.stream()
                .filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length())
                .min()
                .orElse(0);
        var sb = new StringBuilder();
        for (String l : lines) sb.append(l.isBlank() ? "" : l.substring(indent)).append('\n');
        return sb.toString();
    }

    @Test
    void regionsAreFoundAndDedented() {
        var r = regions(
                "X.java",
                List.of("class X {", "    // docs:begin a", "    int x;", "", "      y();", "    // docs:end a", "}"));
        assertThat(r).containsExactly(Map.entry("a", "int x;\n\n  y();\n"));
    }
}
