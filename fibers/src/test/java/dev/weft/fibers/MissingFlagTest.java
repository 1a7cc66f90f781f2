package dev.weft.fibers;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Without the --add-exports flag, the first spawn says which flag to add. */
class MissingFlagTest {

    /** Run in a JVM started without the flag. */
    public static final class SpawnWithoutFlag {
        public static void main(String[] args) {
            System.out.println("thread strand: " + Strand.current().isFiber());
            try {
                Fiber.spawn(() -> { });
                System.out.println("spawned");
            } catch (IllegalStateException e) {
                System.out.println(e.getMessage());
            }
        }
    }

    @Test
    void spawningWithoutTheFlagThrowsAMessageNamingTheFlag() throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                SpawnWithoutFlag.class.getName()).redirectErrorStream(true).start();
        try {
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child JVM did not finish");
            List<String> out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
            assertEquals("thread strand: false", out.get(0), "threads work as strands without the flag");
            String message = out.get(1);
            assertTrue(message.contains("--add-exports java.base/jdk.internal.vm=ALL-UNNAMED"), message);
            assertTrue(message.contains("--add-exports java.base/jdk.internal.vm=dev.weft.fibers"), message);
            assertEquals(2, out.size(), String.join("\n", out));
        } finally {
            p.destroyForcibly();
        }
    }
}
