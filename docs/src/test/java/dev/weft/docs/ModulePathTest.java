package dev.weft.docs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The commands README.md gives are true: a user's program (src/test/app, the module
 * {@code weft.example}) runs in a child JVM with weft-fibers, weft-locks and JCTools on the
 * <em>module path</em>, and the same program runs with them on the <em>class path</em>, each with
 * the flags of {@code dev/weft/fibers/internal/jvm-flags.properties} for that case, which are the
 * flags README.md shows.
 *
 * <p>The jars come from Maven ({@code weft.docs.runtimePath}, set by the docs pom): in a reactor
 * build they are the modules' fresh jars (or class directories), otherwise the installed ones.
 */
class ModulePathTest {
    private static final List<String> EXPECTED_AFTER_FIRST_LINE = List.of("fiber: 42", "patched fiber: slept");

    @TempDir
    Path tmp;

    @Test
    void aProgramRunsWithWeftOnTheModulePathWithTheReadmesFlags() throws Exception {
        List<String> flags = flags("dev.weft.fibers");
        assertReadmeShows(flags);
        Path out = tmp.resolve("modules");
        compile("--module-path", runtimePath(), "-d", out.toString(),
                app().resolve("module-info.java").toString(), mainSource().toString());

        List<String> command = new ArrayList<>(List.of(java()));
        command.addAll(flags);
        command.addAll(List.of("--module-path", runtimePath() + java.io.File.pathSeparator + out,
                "-m", "weft.example/weft.example.Main"));
        List<String> lines = run(command);

        assertEquals("weft in a named module: true", lines.get(0), String.join("\n", lines));
        assertEquals(EXPECTED_AFTER_FIRST_LINE, lines.subList(1, lines.size()));
    }

    @Test
    void theSameProgramRunsWithWeftOnTheClassPath() throws Exception {
        List<String> flags = flags("ALL-UNNAMED");
        assertReadmeShows(flags);
        Path out = tmp.resolve("classes");
        compile("-cp", runtimePath(), "-d", out.toString(), mainSource().toString());

        List<String> command = new ArrayList<>(List.of(java()));
        command.addAll(flags);
        command.addAll(List.of("-cp", runtimePath() + java.io.File.pathSeparator + out, "weft.example.Main"));
        List<String> lines = run(command);

        assertEquals("weft in a named module: false", lines.get(0), String.join("\n", lines));
        assertEquals(EXPECTED_AFTER_FIRST_LINE, lines.subList(1, lines.size()));
    }

    /** The flags of jvm-flags.properties, each given to {@code target} (a module or ALL-UNNAMED). */
    static List<String> flags(String target) throws IOException {
        Properties p = new Properties();
        try (InputStream in = ClassLoader.getSystemResourceAsStream("dev/weft/fibers/internal/jvm-flags.properties")) {
            assertNotNull(in, "dev/weft/fibers/internal/jvm-flags.properties is not on the test class path");
            p.load(in);
        }
        String exports = p.getProperty("weft.add-exports");
        String opens = p.getProperty("weft.add-opens");
        assertNotNull(exports, "jvm-flags.properties has no weft.add-exports");
        assertNotNull(opens, "jvm-flags.properties has no weft.add-opens");
        return List.of("--add-exports", exports + "=" + target, "--add-opens", opens + "=" + target);
    }

    private static void assertReadmeShows(List<String> flags) throws IOException {
        String readme = Files.readString(basedir().resolve("../README.md"));
        for (int i = 0; i < flags.size(); i += 2) {
            String flag = flags.get(i) + " " + flags.get(i + 1);
            assertTrue(readme.contains(flag), "README.md does not show the flag " + flag);
        }
    }

    private static void compile(String... args) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = javac.run(null, null, err, args);
        assertEquals(0, rc, "javac failed (the runtime path is " + runtimePath() + "; a weft jar without "
                + "module-info.class there is a stale install: build fibers, locks and docs together):\n"
                + err.toString(StandardCharsets.UTF_8));
    }

    /** Runs {@code command}, waiting at most a minute; returns its output (stdout and stderr). */
    private List<String> run(List<String> command) throws IOException, InterruptedException {
        Path log = Files.createTempFile(tmp, "child", ".log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child JVM did not finish within 60 s: " + command
                    + "\n" + Files.readString(log));
            List<String> lines = Files.readAllLines(log);
            assertEquals(0, p.exitValue(), "the child JVM failed: " + command + "\n" + String.join("\n", lines));
            return lines;
        } finally {
            p.destroyForcibly();
        }
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String runtimePath() {
        String path = System.getProperty("weft.docs.runtimePath");
        assertNotNull(path, "weft.docs.runtimePath is not set: run this test through Maven (docs/pom.xml sets it)");
        return path;
    }

    static Path basedir() {
        return Path.of(System.getProperty("weft.docs.basedir", "")).toAbsolutePath();
    }

    private static Path app() {
        return basedir().resolve("src/test/app");
    }

    private static Path mainSource() {
        return app().resolve("weft/example/Main.java");
    }
}
