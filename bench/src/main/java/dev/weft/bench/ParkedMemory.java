package dev.weft.bench;

import dev.weft.fibers.CheckedRunnable;
import dev.weft.fibers.Fiber;
import dev.weft.fibers.Hub;
import dev.weft.fibers.Strand;
import dev.weft.locks.Semaphore;
import jdk.internal.vm.Continuation;
import joptsimple.OptionException;
import joptsimple.OptionParser;
import joptsimple.OptionSet;
import joptsimple.OptionSpec;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;

/**
 * Heap retained per parked strand: the used heap (after full collections) with {@code count}
 * strands parked, minus the used heap before they were created, divided by {@code count}.
 * The references to the strands live in an array allocated before the first measurement, so
 * the figure is what the strand itself keeps alive: its object, continuation, stack chunk and
 * whatever its scheduler holds for it. Each variant is measured {@code reps} times after
 * {@value #WARM_UP_ROUNDS} unreported warm-up rounds (parked and released without a collection:
 * a strand parked by interpreted or C1-compiled code keeps larger frames in its stack chunk than
 * one parked by the steady state's C2 code, and under load one round was not enough to reach it:
 * the raw floor read 232 B in one run and 320 B in another); the median and the range are printed.
 *
 * <pre>
 * ./weft bench memory [--forks K] [count [reps [depth...]]]
 * java WEFT-FLAGS -cp bench/target/benchmarks.jar dev.weft.bench.ParkedMemory [--json FILE] [--forks K] [count [reps [depth...]]]
 * </pre>
 * With {@code --forks K} the measurement runs in K fresh JVMs and each result is the median of
 * their medians ({@link MemoryForks} says why a single JVM is not enough); {@code ./weft bench}
 * runs it so.
 * WEFT-FLAGS are the flags of {@code jvm-flags.properties} (weft-fibers), as {@code ./weft} passes them.
 * {@code depth} is the number of extra frames below the park (default: 0 and 50). With
 * {@code --json FILE} each result is also written to FILE as one JSON line, in the format of the
 * gevent programs ({@code bench/gevent/weftbench.py}), for {@code dev.weft.bench.report.Report}:
 * workload {@code parked_memory_shallow} (depth 0), {@code parked_memory_50} (depth 50) or
 * {@code parked_memory_DEPTH}, peer the variant's name, unit {@code B}.
 *
 * <p>Variants: {@code weft-hub} (fibers spawned from a thread on a {@link Hub}, each in
 * {@link Strand#park()}); {@code weft-hub-semaphore} (the same, each blocked in
 * {@link Semaphore#acquireUninterruptibly()} on a semaphore with no permits); {@code raw-continuation} (the floor: a continuation run until its
 * {@code yield}); {@code vt-default} and {@code vt-custom1} (virtual threads in
 * {@link LockSupport#park()} on the JDK's scheduler / on one custom carrier); {@code kotlin-1thread}
 * (Kotlin coroutines suspended in {@code suspendCancellableCoroutine} on one thread, only in a jar
 * built with the Maven profile {@code kotlin-peers}: {@code CoroutineParkedMemory}).
 */
public final class ParkedMemory {
    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

    /** Released strands return from their park loop. */
    private static volatile boolean released;

    /** One kind of strand; package-private for {@code CoroutineParkedMemory} (profile {@code kotlin-peers}). */
    interface Variant {
        /** Parks {@code keep.length} strands, storing them in {@code keep}; returns when all are parked. */
        void park(Object[] keep, int depth) throws Exception;

        /** Lets them end and waits for them. */
        void release(Object[] keep) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        OptionParser parser = new OptionParser();
        OptionSpec<String> jsonOpt = parser.accepts("json", "also write each result to FILE as a JSON line")
                .withRequiredArg().describedAs("FILE");
        OptionSpec<Integer> forksOpt = parser.accepts("forks", "measure in K fresh JVMs (0: in this one)")
                .withRequiredArg().ofType(Integer.class).defaultsTo(0).describedAs("K");
        OptionSpec<Integer> numbers = parser.nonOptions("count [reps [depth...]]").ofType(Integer.class);
        List<Integer> positional;
        Path jsonFile;
        int forks;
        try {
            OptionSet set = parser.parse(args);
            jsonFile = set.has(jsonOpt) ? Path.of(set.valueOf(jsonOpt)) : null;
            forks = set.valueOf(forksOpt);
            positional = set.valuesOf(numbers);
            if (forks < 0) {
                throw new IllegalArgumentException("--forks must not be negative, was " + forks);
            }
        } catch (OptionException | IllegalArgumentException e) {
            System.err.println("ParkedMemory: " + e.getMessage()
                    + " (usage: [--json FILE] [--forks K] [count [reps [depth...]]])");
            System.exit(2);
            return;
        }
        int count = positional.size() > 0 ? positional.get(0) : 100_000;
        int reps = positional.size() > 1 ? positional.get(1) : 5;
        if (forks > 0) {
            MemoryForks.run(forks, positional, count, reps, jsonFile);
            return;
        }
        StringBuilder json = jsonFile == null ? null : new StringBuilder();
        int[] depths = positional.size() > 2
                ? positional.subList(2, positional.size()).stream().mapToInt(Integer::intValue).toArray()
                : new int[] {0, 50};

        System.out.printf("count=%,d reps=%d (+%d warm-up rounds) gc=%s max heap=%,d MB%n", count, reps, WARM_UP_ROUNDS,
                ManagementFactory.getGarbageCollectorMXBeans().stream().map(b -> b.getName()).toList(),
                Runtime.getRuntime().maxMemory() >> 20);
        System.out.printf("%-18s %5s %14s %22s%n", "variant", "depth", "bytes/strand", "min..max over reps");
        try (OneCarrierVirtualThreads oneCarrier = new OneCarrierVirtualThreads()) {
            List<String> names = new ArrayList<>(List.of("weft-hub", "weft-hub-semaphore", "raw-continuation",
                    "vt-default", "vt-custom1"));
            List<Variant> variants = new ArrayList<>(List.of(new WeftHub(), new WeftHubSemaphore(), new RawContinuations(),
                    new VirtualThreads(Thread.ofVirtual()), new VirtualThreads(oneCarrier.builder())));
            Variant coroutines = kotlinCoroutines();
            if (coroutines != null) {
                names.add(KOTLIN_VARIANT);
                variants.add(coroutines);
            }
            for (int depth : depths) {
                for (int v = 0; v < variants.size(); v++) {
                    double[] perStrand = new double[reps];
                    for (int w = 0; w < WARM_UP_ROUNDS; w++) {
                        warmUp(variants.get(v), count, depth);
                    }
                    for (int r = 0; r < reps; r++) {
                        perStrand[r] = measure(variants.get(v), count, depth);
                    }
                    Arrays.sort(perStrand);
                    System.out.printf(Locale.ROOT, "%-18s %5d %14.0f %12.0f..%.0f%n", names.get(v), depth,
                            perStrand[reps / 2], perStrand[0], perStrand[reps - 1]);
                    if (json != null) {
                        json.append(jsonLine(names.get(v), depth, count, perStrand));
                    }
                }
            }
        }
        if (jsonFile != null) {
            Files.writeString(jsonFile, json);
        }
    }

    /**
     * Kotlin coroutines, the variant {@value #KOTLIN_VARIANT}, when the jar has them: only a build with
     * the Maven profile {@code kotlin-peers} (which {@code ./weft bench} turns on) compiles
     * {@value #KOTLIN_CLASS}, so this class cannot name it; null without it.
     */
    static Variant kotlinCoroutines() throws ReflectiveOperationException {
        try {
            return (Variant) Class.forName(KOTLIN_CLASS).getConstructor().newInstance();
        } catch (ClassNotFoundException e) {
            return null;
        }
    }

    static final String KOTLIN_VARIANT = "kotlin-1thread";
    private static final String KOTLIN_CLASS = "dev.weft.bench.CoroutineParkedMemory";

    /** One result as {@code weftbench.py} prints one: median, largest distance from it, samples. */
    private static String jsonLine(String variant, int depth, int count, double[] sorted) {
        return jsonLine(variant, workload(depth), sorted, "heap retained per strand (used heap after System.gc() with "
                + count + " parked minus before), " + depth + " extra frames, " + gcAndHeap());
    }

    /** This JVM's collectors and maximum heap, for a result's configuration. */
    static String gcAndHeap() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream().map(b -> b.getName()).toList()
                + " max heap " + (Runtime.getRuntime().maxMemory() >> 20) + " MB";
    }

    /** The report's workload for strands parked below {@code depth} extra frames. */
    private static String workload(int depth) {
        return depth == 0 ? "parked_memory_shallow" : "parked_memory_" + depth;
    }

    /** A result line of {@code workload} with the given configuration text. */
    static String jsonLine(String variant, String workload, double[] sorted, String config) {
        double median = sorted[sorted.length / 2];
        double error = Math.max(median - sorted[0], sorted[sorted.length - 1] - median);
        StringBuilder samples = new StringBuilder();
        for (double s : sorted) {
            samples.append(samples.isEmpty() ? "" : ", ").append(String.format(Locale.ROOT, "%.1f", s));
        }
        return String.format(Locale.ROOT, "{\"workload\": \"%s\", \"peer\": \"%s\", \"unit\": \"B\", "
                        + "\"median\": %.1f, \"error\": %.1f, \"samples\": [%s], \"config\": \"%s\"}%n",
                workload, variant, median, error, samples, config);
    }

    /** Rounds parked and released before the measured ones, to bring the JIT to its steady state. */
    static final int WARM_UP_ROUNDS = 10;

    private static void warmUp(Variant v, int count, int depth) throws Exception {
        Object[] keep = new Object[count];
        released = false;
        v.park(keep, depth);
        released = true;
        v.release(keep);
    }

    private static double measure(Variant v, int count, int depth) throws Exception {
        Object[] keep = new Object[count];
        released = false;
        long before = usedAfterGc();
        v.park(keep, depth);
        long after = usedAfterGc();
        released = true;
        v.release(keep);
        return (after - before) / (double) count;
    }

    private static long usedAfterGc() {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            used = Math.min(used, MEMORY.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    /**
     * A strand body that runs {@code park} below {@code depth} extra frames. At depth 0 it is
     * {@code park} itself, so the strand keeps no frame the measurement put there: each variant
     * parks from one lambda frame, as a user's task would (the fiber variants build the same
     * shape from a {@code CheckedRunnable}). (Until issue 16's last round depth 0
     * still went through {@link #parkAt} and a capturing lambda, whose compiled frames every
     * variant's stack kept: about 120 B per strand, the raw floor read 352-368 B instead of 232 B.)
     */
    static Runnable atDepth(int depth, Runnable park) {
        return depth == 0 ? park : () -> parkAt(depth, park);
    }

    /** {@code depth} extra frames, then {@code park}. */
    private static void parkAt(int depth, Runnable park) {
        if (depth > 0) {
            parkAt(depth - 1, park);
        } else {
            park.run();
        }
    }

    private static final class WeftHub implements Variant {
        private Hub hub;

        @Override
        public void park(Object[] keep, int depth) throws Exception {
            hub = new Hub("memory-hub");
            Runnable parkFiber = WeftHub::parkUntilReleased;
            CheckedRunnable body = depth == 0 ? WeftHub::parkUntilReleased : () -> parkAt(depth, parkFiber);
            for (int i = 0; i < keep.length; i++) {
                keep[i] = hub.spawn(body);
            }
            // FIFO: this fiber runs after every fiber above has run to its park
            hub.invoke(() -> null);
        }

        private static void parkUntilReleased() {
            while (!released) {
                Strand.park();
            }
        }

        @Override
        public void release(Object[] keep) throws Exception {
            for (Object f : keep) {
                ((Fiber<?>) f).unpark();
            }
            for (Object f : keep) {
                ((Fiber<?>) f).join();
            }
            hub.close();
        }
    }

    /**
     * Fibers of one hub blocked in {@link Semaphore#acquire()} on a semaphore with no permits: the
     * issue's second shape (a fiber waiting on a lock), with the semaphore's wait-queue node.
     */
    private static final class WeftHubSemaphore implements Variant {
        private Hub hub;
        private Semaphore semaphore;

        @Override
        public void park(Object[] keep, int depth) throws Exception {
            hub = new Hub("memory-hub");
            Semaphore s = semaphore = new Semaphore(0);
            Runnable acquire = s::acquireUninterruptibly;
            CheckedRunnable body = depth == 0 ? s::acquireUninterruptibly : () -> parkAt(depth, acquire);
            for (int i = 0; i < keep.length; i++) {
                keep[i] = hub.spawn(body);
            }
            hub.invoke(() -> null); // FIFO: runs after every fiber above has blocked
        }

        @Override
        public void release(Object[] keep) throws Exception {
            semaphore.release(keep.length);
            for (Object f : keep) {
                ((Fiber<?>) f).join();
            }
            hub.close();
        }
    }

    private static final class RawContinuations implements Variant {
        @Override
        public void park(Object[] keep, int depth) {
            Runnable yield = () -> Continuation.yield(RawCarrier.SCOPE);
            Runnable body = atDepth(depth, yield);
            for (int i = 0; i < keep.length; i++) {
                Continuation c = new Continuation(RawCarrier.SCOPE, body);
                c.run();
                keep[i] = c;
            }
        }

        @Override
        public void release(Object[] keep) {
            for (Object c : keep) {
                ((Continuation) c).run();
            }
        }
    }

    private static final class VirtualThreads implements Variant {
        private final Thread.Builder.OfVirtual builder;

        VirtualThreads(Thread.Builder.OfVirtual builder) {
            this.builder = builder;
        }

        @Override
        public void park(Object[] keep, int depth) throws InterruptedException {
            CountDownLatch started = new CountDownLatch(keep.length);
            Runnable parkThread = () -> {
                started.countDown();
                while (!released) {
                    LockSupport.park();
                }
            };
            Runnable body = atDepth(depth, parkThread);
            for (int i = 0; i < keep.length; i++) {
                keep[i] = builder.start(body);
            }
            started.await();
            for (Object t : keep) {
                while (((Thread) t).getState() != Thread.State.WAITING) {
                    Thread.onSpinWait();
                }
            }
        }

        @Override
        public void release(Object[] keep) throws InterruptedException {
            for (Object t : keep) {
                LockSupport.unpark((Thread) t);
            }
            for (Object t : keep) {
                ((Thread) t).join();
            }
        }
    }
}
