package dev.weft.docs;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every {@code ```java} snippet of README.md and docs/*.md compiles against the project's
 * classes, so a snippet cannot rot when the API changes.
 *
 * <p>The convention a snippet follows:
 * <ul>
 *   <li>A snippet whose first line starts with {@code package} or {@code import} is a whole
 *       compilation unit and is compiled as written.</li>
 *   <li>A snippet that starts with a type declaration ({@code class}, {@code interface},
 *       {@code record}, {@code enum}, possibly after modifiers) gets the usual imports below.</li>
 *   <li>Any other snippet is a sequence of statements: it becomes the body of a method
 *       {@code void run() throws Exception}, with the usual imports. Every name it uses must be
 *       declared in the snippet or come from those imports (no {@code ...} placeholders).</li>
 * </ul>
 * The usual imports: {@code dev.weft.fibers.*}, {@code dev.weft.fibers.io.*},
 * {@code dev.weft.locks.*} (its {@code Semaphore}, not {@code java.util.concurrent}'s),
 * {@code java.io.*}, {@code java.net.*}, {@code java.time.Duration}, {@code java.util.*} and
 * {@code java.util.concurrent.*}. Other fenced blocks ({@code ```sh}, {@code ```xml},
 * {@code ```python}, unlabelled) are not compiled.
 */
class DocSnippetsTest {
    static final String USUAL_IMPORTS = """
            import dev.weft.fibers.*;
            import dev.weft.fibers.io.*;
            import dev.weft.locks.*;
            import dev.weft.locks.Semaphore;
            import dev.weft.locks.Queue;
            import dev.weft.locks.PriorityQueue;
            import dev.weft.locks.channels.*;
            import dev.weft.locks.pool.*;
            import java.io.*;
            import java.net.*;
            import java.time.Duration;
            import java.util.*;
            import java.util.concurrent.*;
            """;
    private static final Pattern TYPE_DECLARATION = Pattern.compile(
            "^((public|final|abstract|sealed|non-sealed|static)\\s+)*(class|interface|record|enum)\\s+(\\w+)");

    @TempDir
    Path out;

    /** One snippet: where it is and its text. */
    record Snippet(Path file, int line, String code) {
        @Override
        public String toString() {
            return file.getFileName() + ":" + line;
        }
    }

    @Test
    void theDocsHaveJavaSnippetsToCompile() throws IOException {
        List<Snippet> snippets = snippets();
        assertTrue(snippets.stream().anyMatch(s -> s.file().getFileName().toString().equals("README.md")),
                "no ```java snippet found in README.md: " + snippets);
        assertTrue(snippets.size() >= 3, "expected the snippets of README.md, getting-started.md and locks.md: " + snippets);
    }

    @TestFactory
    Stream<DynamicTest> everyJavaSnippetCompiles() throws IOException {
        return snippets().stream().map(s -> DynamicTest.dynamicTest(s.toString(), () -> compile(s)));
    }

    static List<Snippet> snippets() throws IOException {
        Path docs = ModulePathTest.basedir();
        List<Path> files = new ArrayList<>();
        files.add(docs.resolve("../README.md").normalize());
        try (Stream<Path> md = Files.list(docs)) {
            md.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
        }
        List<Snippet> snippets = new ArrayList<>();
        for (Path file : files) {
            List<String> lines = Files.readAllLines(file);
            for (int i = 0; i < lines.size(); i++) {
                if (!lines.get(i).strip().equals("```java")) {
                    continue;
                }
                int start = i + 1;
                int end = start;
                while (end < lines.size() && !lines.get(end).strip().equals("```")) {
                    end++;
                }
                if (end == lines.size()) {
                    fail(file.getFileName() + ":" + (i + 1) + ": a ```java block is never closed");
                }
                snippets.add(new Snippet(file, start + 1, String.join("\n", lines.subList(start, end))));
                i = end;
            }
        }
        return snippets;
    }

    private void compile(Snippet snippet) throws IOException {
        String code = snippet.code();
        String first = code.strip();
        String source;
        String typeName = "Snippet";
        int headerLines;
        Matcher type = TYPE_DECLARATION.matcher(first);
        if (first.startsWith("package ") || first.startsWith("import ")) {
            source = code;
            headerLines = 0;
            Matcher publicType = Pattern.compile("(?m)^public\\s+(?:(?:final|abstract|sealed)\\s+)*"
                    + "(?:class|interface|record|enum)\\s+(\\w+)").matcher(code);
            if (publicType.find()) {
                typeName = publicType.group(1);
            }
        } else if (type.find()) {
            source = USUAL_IMPORTS + code;
            headerLines = lineCount(USUAL_IMPORTS);
            typeName = type.group(4);
        } else {
            String header = USUAL_IMPORTS + "class Snippet {\n    void run() throws Exception {\n";
            source = header + code + "\n    }\n}\n";
            headerLines = lineCount(header);
        }

        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        JavaFileObject file = new SimpleJavaFileObject(URI.create("string:///" + typeName + ".java"),
                JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return source;
            }
        };
        Path dir = Files.createTempDirectory(out, "snippet");
        List<String> options = List.of("-proc:none", "-classpath", System.getProperty("java.class.path"),
                "-d", dir.toString());
        boolean ok = javac.getTask(null, null, diagnostics, options, null, List.of(file)).call();
        if (!ok) {
            StringBuilder message = new StringBuilder("the ```java snippet at " + snippet.file() + ":" + snippet.line()
                    + " does not compile:\n");
            for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
                if (d.getKind() == Diagnostic.Kind.ERROR) {
                    long docLine = snippet.line() + d.getLineNumber() - 1 - headerLines;
                    message.append("  line ").append(docLine).append(": ")
                            .append(d.getMessage(Locale.ROOT)).append('\n');
                }
            }
            fail(message.toString());
        }
    }

    private static int lineCount(String text) {
        return (int) text.chars().filter(c -> c == '\n').count();
    }
}
