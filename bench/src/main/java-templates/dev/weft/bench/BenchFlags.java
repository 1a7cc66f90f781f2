package dev.weft.bench;

/**
 * The JVM flags of the forked benchmark JVMs, as compile-time constants for {@code @Fork}.
 *
 * <p>JMH forks run {@code java -cp benchmarks.jar ...}, not {@code java -jar}, so the jar's
 * {@code Add-Exports} manifest attribute does not reach them: every benchmark class names the
 * flags in {@code @Fork(jvmArgsAppend = ...)}. A {@code -jvmArgsAppend} given on the command
 * line replaces these, so it must repeat them. Public for the benchmarks of the subpackages.
 *
 * <p>Generated at build time (templating-maven-plugin, from {@code src/main/java-templates}): the
 * Weft flags come from {@code jvm-flags.properties} of weft-fibers, the one place they are written.
 */
public final class BenchFlags {
    /** Weft (and the raw-continuation floor) run on {@code jdk.internal.vm.Continuation}. */
    public static final String EXPORT_VM = "--add-exports=${weft.add-exports}=ALL-UNNAMED";
    /** The package-private {@code VirtualThreadBuilder(Executor)} constructor, by reflection. */
    public static final String OPEN_LANG = "--add-opens=${weft.add-opens}=ALL-UNNAMED";
    /** The JDK's own virtual-thread scheduler (a ForkJoinPool) with one carrier. */
    public static final String VT_PARALLELISM_1 = "-Djdk.virtualThreadScheduler.parallelism=1";
    public static final String VT_MAX_POOL_1 = "-Djdk.virtualThreadScheduler.maxPoolSize=1";
    /**
     * Every Weft scheduler of the fork with the blocked-carrier monitor off (the watchdog thread
     * then never looks): the {@code *_monitorOff} twins, whose difference to their twin is the
     * monitor's overhead. The carriers' two stores per switch stay: they are not switchable.
     */
    public static final String MONITOR_OFF = "-D" + dev.weft.fibers.Scheduler.BLOCKED_CARRIER_THRESHOLD + "=off";

    /**
     * The memory benchmarks' forks (and {@code ParkedMemory}'s, see {@code MemoryForks}): G1's full
     * collection then compacts every region, so the used heap after {@code System.gc()} is the
     * live heap. By default it leaves regions that are less than 5 % dead as they are, and their
     * dead space counts as used: up to 5 % of what the strands keep, varying from run to run.
     */
    public static final String LIVE_HEAP = "-XX:MarkSweepDeadRatio=0";

    private BenchFlags() {}
}
