package dev.weft.bench;

import dev.weft.fibers.CheckedRunnable;
import dev.weft.fibers.Fiber;
import dev.weft.fibers.Hub;
import dev.weft.fibers.Strand;
import dev.weft.locks.Semaphore;

import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one suspended fiber keeps, class by class: {@code count} fibers of one kind are suspended
 * on a {@link Hub}, then the JVM's class histogram is taken (the {@code DiagnosticCommand} MBean's
 * {@code gcClassHistogram}, what {@code jcmd PID GC.class_histogram} prints; it collects the heap
 * first) and compared with one taken before they were spawned: every class that grew by at least
 * one byte per fiber is printed as bytes per fiber.
 * Where {@link ParkedMemory} gives one figure per strand (the heap's growth), this says where the
 * bytes are: the stack chunk (the frozen frames), the fiber, its continuation, its timer task or
 * wait node. The sizes in docs/performance.md's "Leaner fibers" table come from it.
 *
 * <pre>
 * ./weft bench histogram [parked|semaphore|sleeping [count [rounds]]]
 * java WEFT-FLAGS -cp bench/target/benchmarks.jar dev.weft.bench.StrandHistogram [KIND [count [rounds]]]
 * </pre>
 * Kinds: {@code parked} (in {@link Strand#park()}, the default), {@code semaphore} (in
 * {@link Semaphore#acquireUninterruptibly()} on a semaphore with no permits), {@code sleeping}
 * (in {@link Fiber#sleep(Duration)} of an hour). Defaults: 100,000 fibers, after 10 rounds that
 * suspend and end as many fibers unmeasured (a fiber frozen by interpreted or C1 code keeps larger
 * frames than one frozen by the steady state's C2 code). A chunk's size still follows what the
 * JIT had compiled when the fibers froze, so it varies by a few dozen bytes from run to run: run it
 * twice before trusting a difference of that size.
 */
public final class StrandHistogram {
    private static final Pattern ROW = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");
    /** The array this program keeps the fibers in: its own, not the fibers'. */
    private static final String KEEP_ARRAY = "[L" + Fiber.class.getName() + ";";
    private static final Duration LONG_SLEEP = Duration.ofHours(1);

    /** Released fibers leave their park loop. */
    private static volatile boolean released;

    private StrandHistogram() {}

    /** One way to suspend a fiber, and the way to end it. */
    enum Kind {
        PARKED {
            @Override
            CheckedRunnable body(Semaphore none) {
                return () -> {
                    while (!released) {
                        Strand.park();
                    }
                };
            }

            @Override
            void release(Fiber<?>[] fibers, Semaphore none) {
                for (Fiber<?> f : fibers) {
                    f.unpark();
                }
            }
        },
        SEMAPHORE {
            @Override
            CheckedRunnable body(Semaphore semaphore) {
                return semaphore::acquireUninterruptibly;
            }

            @Override
            void release(Fiber<?>[] fibers, Semaphore semaphore) {
                semaphore.release(fibers.length);
            }
        },
        SLEEPING {
            @Override
            CheckedRunnable body(Semaphore none) {
                return () -> Fiber.sleep(LONG_SLEEP);
            }

            @Override
            void release(Fiber<?>[] fibers, Semaphore none) {
                for (Fiber<?> f : fibers) {
                    f.kill(); // join below waits for the end
                }
            }
        };

        abstract CheckedRunnable body(Semaphore semaphore);

        abstract void release(Fiber<?>[] fibers, Semaphore semaphore);
    }

    /** One class's share: {@code bytes} over {@code instances} objects. */
    record Share(String className, long instances, long bytes) {}

    public static void main(String[] args) throws Exception {
        Kind kind = args.length > 0 ? kind(args[0]) : Kind.PARKED;
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        if (count <= 0 || rounds < 0) {
            throw new IllegalArgumentException("StrandHistogram: count must be positive and rounds not negative, was "
                    + count + " and " + rounds);
        }
        List<Share> shares = measure(kind, count, rounds);
        System.out.printf(Locale.ROOT, "%,d fibers %s on a hub, after %d warm-up rounds (%s)%n", count,
                kind.name().toLowerCase(Locale.ROOT), rounds, Runtime.version());
        System.out.printf(Locale.ROOT, "%-48s %12s %10s %12s%n", "class (growth)", "instances", "B each", "B per fiber");
        long total = 0;
        for (Share s : shares) {
            total += s.bytes();
            String each = s.instances() > 0 ? String.format(Locale.ROOT, "%.1f", s.bytes() / (double) s.instances()) : "-";
            System.out.printf(Locale.ROOT, "%-48s %,12d %10s %12.1f%n", s.className(), s.instances(), each,
                    s.bytes() / (double) count);
        }
        System.out.printf(Locale.ROOT, "%-48s %12s %10s %12.1f%n", "total", "", "", total / (double) count);
    }

    private static Kind kind(String name) {
        try {
            return Kind.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("StrandHistogram: unknown kind '" + name
                    + "': use parked, semaphore or sleeping", e);
        }
    }

    /**
     * Suspends {@code count} fibers of {@code kind} after {@code rounds} unmeasured rounds, and
     * returns what the heap holds more with them suspended than without, per class (a histogram
     * taken before they were spawned, minus one taken while they are suspended), for the classes
     * that grew by at least one byte per fiber, largest first; this program's own array of the
     * fibers is left out.
     */
    static List<Share> measure(Kind kind, int count, int rounds) throws Exception {
        for (int r = 0; r < rounds; r++) {
            suspendThen(kind, count, null);
        }
        Map<String, Share> before = parse(histogram());
        List<Share> grown = new ArrayList<>();
        suspendThen(kind, count, () -> {
            for (Share now : parse(histogram()).values()) {
                Share then = before.getOrDefault(now.className(), new Share(now.className(), 0, 0));
                long bytes = now.bytes() - then.bytes();
                if (bytes >= count && !now.className().equals(KEEP_ARRAY)) {
                    grown.add(new Share(now.className(), now.instances() - then.instances(), bytes));
                }
            }
        });
        grown.sort(Comparator.comparingLong(Share::bytes).reversed());
        return grown;
    }

    /** Suspends {@code count} fibers, runs {@code whileSuspended} (if any), then ends them all. */
    private static void suspendThen(Kind kind, int count, Runnable whileSuspended) throws Exception {
        try (Hub hub = new Hub("histogram-hub")) {
            Semaphore semaphore = new Semaphore(0);
            CheckedRunnable body = kind.body(semaphore);
            Fiber<?>[] fibers = new Fiber<?>[count];
            released = false;
            for (int i = 0; i < count; i++) {
                fibers[i] = hub.spawn(body);
            }
            hub.invoke(() -> null); // FIFO: runs after every fiber above has suspended
            if (whileSuspended != null) {
                whileSuspended.run();
            }
            released = true;
            kind.release(fibers, semaphore);
            for (Fiber<?> f : fibers) {
                f.join();
            }
        }
    }

    /** The class histogram, as {@code jcmd PID GC.class_histogram} prints it. */
    static String histogram() {
        try {
            return (String) ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                    new Object[] {new String[0]}, new String[] {String[].class.getName()});
        } catch (Exception e) {
            throw new IllegalStateException("StrandHistogram: the JVM's class histogram is not available: " + e, e);
        }
    }

    /** The histogram's rows, by class name. */
    static Map<String, Share> parse(String histogram) {
        Map<String, Share> rows = new HashMap<>();
        for (String line : histogram.split("\n")) {
            Matcher m = ROW.matcher(line);
            if (m.find()) {
                rows.put(m.group(3), new Share(m.group(3), Long.parseLong(m.group(1)), Long.parseLong(m.group(2))));
            }
        }
        return rows;
    }
}
