package dev.weft.fibers.internal;

import dev.weft.fibers.Hub;
import dev.weft.fibers.Strand;
import org.junit.jupiter.api.Test;

import javax.management.ObjectName;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ./weft dump PID} from outside: a child JVM parks 1,000 fibers on one object and says
 * "ready"; the test attaches to it ({@link WeftDump}, the Attach API and local JMX) and checks
 * that the text and the JSON dump list every fiber with what it waits on and its frames.
 */
class WeftDumpTest {
    static final int FIBERS = 1_000;

    @Test
    void dumpsEveryParkedFiberOfAChildJvm() throws Exception {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElseThrow());
        command.addAll(JvmFlags.classPathFlags());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), ThousandParked.class.getName()));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String seen = CompletableFuture.supplyAsync(() -> { // its output up to "ready" (it may log before)
                StringBuilder lines = new StringBuilder();
                try {
                    for (String line; (line = out.readLine()) != null; ) {
                        lines.append(line).append('\n');
                        if (line.contains("ready")) {
                            break;
                        }
                    }
                } catch (java.io.IOException e) {
                    lines.append(e);
                }
                return lines.toString();
            }).get(60, TimeUnit.SECONDS);
            assertTrue(seen.endsWith("\nready\n") || seen.equals("ready\n"), "the child JVM did not get ready:\n" + seen);

            String text = WeftDump.dump(child.pid(), false);
            assertTrue(text.startsWith("Weft fiber dump at "), text);
            assertTrue(text.contains("Hub[dumped]" + System.lineSeparator() + "  carrier dumped: run queue 0, "), text);
            assertTrue(text.contains("live fibers " + FIBERS), text);
            assertEquals(FIBERS, count(text, "fiber parked-\\d+ \\(id \\p{XDigit}+, plain, PARKED\\) waits [\\d,]+ ms on Gate\\[closed\\]"));
            assertEquals(FIBERS, count(text, "at " + Pattern.quote(ThousandParked.class.getName()) + "\\.lambda\\$main"));

            String json = WeftDump.dump(child.pid(), true);
            assertTrue(json.startsWith("{\"time\":\""), json);
            assertEquals(FIBERS, count(json, "\\{\"id\":\"\\p{XDigit}+\",\"name\":\"parked-\\d+\",\"kind\":\"plain\","
                    + "\"state\":\"PARKED\",\"waitsOn\":\"Gate\\[closed\\]\""));
        } finally {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static int count(String s, String regex) {
        return (int) Pattern.compile(regex).matcher(s).results().count();
    }

    /** The child: 1,000 fibers parked on a gate, "ready" once they are and Weft's MBean is up; exits when killed. */
    static final class ThousandParked {
        public static void main(String[] args) throws Exception {
            Object gate = new Object() {
                @Override
                public String toString() {
                    return "Gate[closed]";
                }
            };
            AtomicInteger parked = new AtomicInteger();
            Hub hub = new Hub("dumped");
            for (int i = 0; i < FIBERS; i++) {
                hub.spawn("parked-" + i, () -> {
                    parked.incrementAndGet();
                    for (;;) {
                        Strand.park(gate);
                    }
                });
            }
            ObjectName mbean = new ObjectName("dev.weft:type=Schedulers");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while ((parked.get() < FIBERS || !ManagementFactory.getPlatformMBeanServer().isRegistered(mbean))
                    && System.nanoTime() < deadline) {
                Thread.sleep(10); // waits for a condition of another thread, bounded
            }
            System.out.println(parked.get() == FIBERS ? "ready" : "not ready: " + parked.get() + " fibers parked");
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE); // until the test kills this JVM
        }
    }
}
