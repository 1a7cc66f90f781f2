package dev.weft.bench.report;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static dev.weft.bench.report.Goal.atMost;
import static dev.weft.bench.report.Goal.either;
import static dev.weft.bench.report.Goal.noAllocation;
import static dev.weft.bench.report.Goal.rateRatioAtLeast;
import static dev.weft.bench.report.Goal.slowestAtMost;
import static dev.weft.bench.report.Goal.ratioAtMost;

/**
 * The suite's workloads (issue 5 §1; channels and queues, issue 13 §6; Kotlin coroutines among the
 * peers, issue 16), their goals, and which JMH benchmark measures which peer
 * of which workload. A benchmark that no row names still appears in the report, in its
 * section of other benchmarks: nothing measured is dropped.
 */
final class Workloads {
    // ------------------------------------------------------------------ peers (table labels)
    static final String FLOOR = "raw continuation (floor)";
    static final String HUB = "Weft, hub";
    static final String HUB_SEM = "Weft, hub, in Semaphore.acquire";
    static final String MULTI = "Weft, multi-carrier";
    static final String VT_CUSTOM1 = "VT, 1 custom carrier";
    static final String VT_JDK1 = "VT, JDK scheduler ×1";
    static final String VT_DEFAULT = "VT, default scheduler";
    static final String PLATFORM = "platform threads";
    static final String HUB_OWN_CARRIER = "Weft, hub, a carrier thread of its own";
    static final String CACHED_POOL = "cached thread pool";
    static final String MONKEY = "Weft, monkey mode (hub)";
    static final String GEVENT = "gevent";
    static final String NIO_FLOOR = "NIO selector loop (floor)";
    static final String WEFT_SEM = "Weft Semaphore";
    static final String JUC_FAIR = "j.u.c. Semaphore, fair";
    static final String JUC_NONFAIR = "j.u.c. Semaphore, non-fair";
    // channels and queues (issue 13 §6): jox's shapes, one row per implementation and scheduler
    static final String WEFT_CHANNEL = "Weft Channel, hub";
    static final String WEFT_QUEUE = "Weft Queue, hub";
    static final String WEFT_YIELD = "Weft yield, hub (baseline)";
    static final String WEFT_EVENT = "Weft Event.set, hub";
    static final String WEFT_RECEIVE = "Weft receive(), hub (baseline)";
    static final String WEFT_SELECT2 = "Weft select of 2, hub";
    static final String JOX_CUSTOM1 = "jox, VT 1 custom carrier";
    static final String JOX_DEFAULT = "jox, VT default scheduler";
    static final String SYNCQ_CUSTOM1 = "SynchronousQueue, VT 1 custom carrier";
    static final String SYNCQ_DEFAULT = "SynchronousQueue, VT default scheduler";
    static final String EXCHANGER_CUSTOM1 = "Exchanger, VT 1 custom carrier";
    static final String EXCHANGER_DEFAULT = "Exchanger, VT default scheduler";
    static final String ABQ_CUSTOM1 = "ArrayBlockingQueue(16), VT 1 custom carrier";
    static final String ABQ_DEFAULT = "ArrayBlockingQueue(16), VT default scheduler";
    static final String LBQ_CUSTOM1 = "LinkedBlockingQueue, VT 1 custom carrier";
    static final String LBQ_DEFAULT = "LinkedBlockingQueue, VT default scheduler";
    // Kotlin coroutines (issue 16, "Also"; the jar's profile kotlin-peers): the scheduling workloads,
    // and kotlinx.coroutines channels in the channel workloads, on one thread and on Dispatchers.Default
    static final String KOTLIN_1THREAD = "Kotlin coroutines, 1 thread";
    static final String KOTLIN_DEFAULT = "Kotlin coroutines, Dispatchers.Default";
    static final String KOTLIN_CHANNEL_1THREAD = "Kotlin Channel, 1 thread";
    static final String KOTLIN_CHANNEL_DEFAULT = "Kotlin Channel, Dispatchers.Default";

    private static final String JOX = "jox channels (`com.softwaremill.jox:channels` 1.0.1)";
    private static final String KOTLIN = "Kotlin coroutines (`kotlinx-coroutines-core` 1.11.0, Kotlin 2.4.21)";
    private static final String ONE_THREAD = " on one thread (`newSingleThreadContext`, whose executor also times "
            + "`delay`), driven by `runBlocking(dispatcher)` from the benchmark thread";
    private static final String DEFAULT_DISPATCHER = " on `Dispatchers.Default` (one thread per CPU), driven by "
            + "`runBlocking(Dispatchers.Default)` from the benchmark thread";

    /** How each JMH peer is configured (gevent's configuration comes with its figures). */
    static final Map<String, String> PEER_SETUP = Map.ofEntries(
            Map.entry(FLOOR, "two raw `jdk.internal.vm.Continuation`s and an `ArrayDeque` run queue on the "
                    + "benchmark thread: no scheduler, no guarantees (`RawCarrier`)"),
            Map.entry(HUB, "Weft fibers on one `Hub` (one carrier thread)"),
            Map.entry(HUB_SEM, "Weft fibers on one `Hub`, each blocked in `dev.weft.locks.Semaphore."
                    + "acquireUninterruptibly()` on a semaphore with no permits (its wait-queue node included)"),
            Map.entry(MULTI, "Weft fibers on a `MultiCarrierScheduler`, one carrier per CPU"),
            Map.entry(VT_CUSTOM1, "virtual threads on one platform carrier through a single-thread executor "
                    + "(`ThreadBuilders$VirtualThreadBuilder(Executor)`, by reflection)"),
            Map.entry(VT_JDK1, "virtual threads on the JDK's own scheduler in a fork with "
                    + "`-Djdk.virtualThreadScheduler.parallelism=1 -Djdk.virtualThreadScheduler.maxPoolSize=1`"),
            Map.entry(VT_DEFAULT, "virtual threads on the JDK's default scheduler (one carrier per CPU)"),
            Map.entry(MONKEY, "unchanged thread-per-connection `java.net` code whose threads are patched "
                    + "fibers of one `Hub` (`Monkey.spawn`)"),
            Map.entry(PLATFORM, "platform threads"),
            Map.entry(HUB_OWN_CARRIER, "Weft fibers on one `Hub`, in a fork with `-Dweft.carrierKeepAliveMillis=0`: "
                    + "each hub starts a carrier thread, which ends with it"),
            Map.entry(CACHED_POOL, "`Executors.newCachedThreadPool()`: a task handed to an idle thread"),
            Map.entry(NIO_FLOOR, "the same exchange hand-written as one NIO `Selector` loop on the benchmark thread: "
                    + "listener, server connections and clients on one selector, each a small state machine; no "
                    + "strands, no scheduler (`SelectorLoopEcho`)"),
            Map.entry(WEFT_SEM, "`dev.weft.locks.Semaphore`"),
            Map.entry(JUC_FAIR, "`java.util.concurrent.Semaphore(n, true)`"),
            Map.entry(JUC_NONFAIR, "`java.util.concurrent.Semaphore(n, false)`"),
            Map.entry(WEFT_CHANNEL, "`dev.weft.locks.channels.Channel` (and `Select`) between fibers of one `Hub`"),
            Map.entry(WEFT_QUEUE, "`dev.weft.locks.Queue` between fibers of one `Hub`"),
            Map.entry(WEFT_YIELD, "`Fiber.yieldNow()` on one `Hub`, in the same shape: the floor of a switch"),
            Map.entry(WEFT_EVENT, "`dev.weft.locks.Event` on one `Hub`"),
            Map.entry(WEFT_RECEIVE, "a plain `Channel.receive()` on one `Hub`"),
            Map.entry(WEFT_SELECT2, "`Select.select` of a receive on the busy channel and one on an idle channel, "
                    + "on one `Hub`"),
            Map.entry(JOX_CUSTOM1, JOX + " on virtual threads with one carrier (a single-thread executor); its "
                    + "rendezvous operations spin before parking, and on one carrier the partner cannot run meanwhile"),
            Map.entry(JOX_DEFAULT, JOX + " on virtual threads of the JDK's default scheduler (jox's own "
                    + "configuration); its rendezvous spin runs while the partner works on another core"),
            Map.entry(SYNCQ_CUSTOM1, "`java.util.concurrent.SynchronousQueue` on virtual threads with one carrier; "
                    + "it spins before parking (wasted on one carrier)"),
            Map.entry(SYNCQ_DEFAULT, "`java.util.concurrent.SynchronousQueue` on virtual threads of the default "
                    + "scheduler"),
            Map.entry(EXCHANGER_CUSTOM1, "`java.util.concurrent.Exchanger` on virtual threads with one carrier; "
                    + "it spins before parking (wasted on one carrier)"),
            Map.entry(EXCHANGER_DEFAULT, "`java.util.concurrent.Exchanger` on virtual threads of the default "
                    + "scheduler"),
            Map.entry(ABQ_CUSTOM1, "`java.util.concurrent.ArrayBlockingQueue(16)` on virtual threads with one "
                    + "carrier"),
            Map.entry(ABQ_DEFAULT, "`java.util.concurrent.ArrayBlockingQueue(16)` on virtual threads of the "
                    + "default scheduler"),
            Map.entry(LBQ_CUSTOM1, "`java.util.concurrent.LinkedBlockingQueue` on virtual threads with one carrier"),
            Map.entry(LBQ_DEFAULT, "`java.util.concurrent.LinkedBlockingQueue` on virtual threads of the default "
                    + "scheduler"),
            Map.entry(KOTLIN_1THREAD, KOTLIN + ONE_THREAD),
            Map.entry(KOTLIN_DEFAULT, KOTLIN + DEFAULT_DISPATCHER),
            Map.entry(KOTLIN_CHANNEL_1THREAD, "`kotlinx.coroutines.channels.Channel` (and `select`) of " + KOTLIN
                    + ONE_THREAD + "; it does not spin"),
            Map.entry(KOTLIN_CHANNEL_DEFAULT, "`kotlinx.coroutines.channels.Channel` (and `select`) of " + KOTLIN
                    + DEFAULT_DISPATCHER));

    // ------------------------------------------------------------------ workloads and goals
    /** Round 1's goals against virtual threads, and round 2's against the floor (issue 16: ≤ 1.10× yield, ≤ 1.15× park). */
    private static List<Goal> pingPongGoals(double floorRatio) {
        return List.of(
                ratioAtMost("≤ " + floorRatio + "× the raw floor", HUB, floorRatio, FLOOR),
                ratioAtMost("≤ 0.75× virtual threads (one custom carrier)", HUB, 0.75, VT_CUSTOM1),
                ratioAtMost("≤ 0.75× virtual threads (JDK scheduler, parallelism 1)", HUB, 0.75, VT_JDK1));
    }

    private static final List<Workload> BASE = List.of(
            new Workload("pingpong_yield", "Yield ping-pong: two strands on one carrier, per round trip", "ns/op",
                    false, List.of(HUB, FLOOR, VT_CUSTOM1, VT_JDK1, VT_DEFAULT, PLATFORM, KOTLIN_1THREAD,
                            KOTLIN_DEFAULT, GEVENT),
                    List.of(FLOOR, VT_CUSTOM1, VT_JDK1, KOTLIN_1THREAD, GEVENT), pingPongGoals(1.1),
                    "Strands A and B each yield 100,000 times (`Fiber.yieldNow`, `Thread.yield`, a raw "
                            + "`Continuation.yield`, gevent's `sleep(0)`); one round trip is each switched out and in "
                            + "once (`PingPong.yield_*`; Kotlin: `yield()`, `KotlinPeers.yield_*`)."),
            new Workload("pingpong_park", "Park/unpark ping-pong: two strands on one carrier, per round trip",
                    "ns/op", false, List.of(HUB, FLOOR, VT_CUSTOM1, VT_JDK1, VT_DEFAULT, PLATFORM),
                    List.of(FLOOR, VT_CUSTOM1, VT_JDK1), pingPongGoals(1.15),
                    "A and B take turns through a volatile field, each parking until its turn and unparking "
                            + "the other (`PingPong.park_*`). No gevent row."),
            new Workload("spawn_join", "Spawn + join, per task", "ns/op", false,
                    List.of(HUB, MULTI, FLOOR, VT_CUSTOM1, VT_DEFAULT, PLATFORM, KOTLIN_1THREAD, KOTLIN_DEFAULT,
                            GEVENT),
                    List.of(VT_CUSTOM1, VT_DEFAULT, PLATFORM, KOTLIN_1THREAD, GEVENT),
                    List.of(atMost("≤ 100 ns per task", HUB, 100),
                            slowestAtMost("≤ 130 ns per task in the slowest iteration", HUB, 130)),
                    "A strand starts 1,000 strands that do nothing, then joins each; 10 batches (`SpawnJoin`; "
                            + "Kotlin: `launch { }` then `join()`, `KotlinPeers.launchJoin_*`). "
                            + "The floor is `new Continuation` + `run`, for scale."),
            new Workload("parked_memory_shallow", "Memory per parked strand, shallow stack", "B", false,
                    List.of(HUB, HUB_SEM, FLOOR, VT_DEFAULT, VT_CUSTOM1, KOTLIN_1THREAD, GEVENT),
                    List.of(FLOOR, VT_DEFAULT, KOTLIN_1THREAD, GEVENT),
                    List.of(atMost("≤ 320 B per fiber parked in Strand.park", HUB, 320),
                            atMost("≤ 360 B per fiber blocked in Semaphore.acquire", HUB_SEM, 360)),
                    "Memory retained per parked strand whose park is its first call (`ParkedMemory`: used heap "
                            + "after `System.gc()` with the strands parked, minus before). gevent's figure is RSS growth "
                            + "(no heap of its own to read): see its configuration. Kotlin: a coroutine suspended in "
                            + "`suspendCancellableCoroutine`, its continuation kept (`CoroutineParkedMemory`); each "
                            + "extra frame is a suspending call with its own continuation object."),
            new Workload("parked_memory_50", "Memory per parked strand, 50 extra frames", "B", false,
                    List.of(HUB, HUB_SEM, FLOOR, VT_DEFAULT, VT_CUSTOM1, KOTLIN_1THREAD, GEVENT),
                    List.of(FLOOR, VT_DEFAULT, KOTLIN_1THREAD, GEVENT),
                    List.of(),
                    "As above, with 50 extra frames of a recursive method below the park."),
            new Workload("semaphore_uncontended", "Semaphore, uncontended acquire + release", "ns/op", false,
                    List.of(WEFT_SEM, JUC_FAIR, JUC_NONFAIR, GEVENT), List.of(JUC_FAIR, JUC_NONFAIR, GEVENT),
                    List.of(ratioAtMost("≤ 1.2× j.u.c. (fair)", WEFT_SEM, 1.2, JUC_FAIR),
                            ratioAtMost("≤ 1.2× j.u.c. (non-fair)", WEFT_SEM, 1.2, JUC_NONFAIR),
                            noAllocation("0 B/op", WEFT_SEM)),
                    "One thread, `acquire(); release()` on a one-permit semaphore of its own "
                            + "(`SemaphoreBench.uncontended_*`)."),
            new Workload("semaphore_uncontended_adapter", "Semaphore, uncontended acquire + release, through an "
                    + "adapter interface", "ns/op", false, List.of(WEFT_SEM, JUC_FAIR, JUC_NONFAIR),
                    List.of(JUC_FAIR, JUC_NONFAIR),
                    List.of(ratioAtMost("≤ 1.2× j.u.c. (fair)", WEFT_SEM, 1.2, JUC_FAIR),
                            ratioAtMost("≤ 1.2× j.u.c. (non-fair)", WEFT_SEM, 1.2, JUC_NONFAIR)),
                    "As above, called the way an independent harness calls it: through a thin adapter "
                            + "interface, from a method that is not inlined into the benchmark loop and whose call "
                            + "sites have seen all three semaphores (megamorphic) (`SemaphoreBench.adapter_*`)."),
            new Workload("semaphore_handoff", "Semaphore hand-off, two strands on one carrier, per hand-off",
                    "ns/op", false, List.of(HUB, VT_CUSTOM1, GEVENT), List.of(VT_CUSTOM1, GEVENT),
                    List.of(atMost("≤ 300 ns per hand-off", HUB, 300)),
                    "Two strands on one carrier, each 10,000 × `acquire(); release()` on one semaphore, both "
                            + "queued before the first release: every release hands the permit to the parked other "
                            + "(`SemaphoreBench.handoff_*`). Weft `Semaphore` on hub fibers; "
                            + "`java.util.concurrent.Semaphore(0, true)` on virtual threads with one carrier; gevent "
                            + "cannot hand off without yielding (see its configuration)."),
            threads(2), threads(4), threads(8), threadHandoff(2), threadHandoff(4), threadHandoff(8),
            new Workload("semaphore_mixed", "Semaphore hand-off, fibers and platform threads mixed", "ns/op",
                    false, List.of(WEFT_SEM, JUC_FAIR), List.of(JUC_FAIR), List.of(),
                    "Fibers and platform threads contending on one semaphore (`SemaphoreBench.mixed*`)."),
            new Workload("hub_open_close", "Opening and closing a `Hub`", "µs/op", false,
                    List.of(HUB, HUB_OWN_CARRIER, PLATFORM, CACHED_POOL),
                    List.of(CACHED_POOL, PLATFORM), List.of(atMost("≤ 100 µs", HUB, 100)),
                    "`new Hub()` then `close()`, which returns once the carrier has left the hub's loop "
                            + "(`HubLifecycle.openClose_hub`): the hub takes the idle carrier the last hub "
                            + "closed left; its floor is an empty task handed to an idle thread of a cached pool "
                            + "and waited for (`HubLifecycle.submitGet_cachedThreadPool`). With carriers not "
                            + "reused (`openClose_hubOwnCarrier`), the floor is a platform thread started and joined "
                            + "(`HubLifecycle.startJoin_platformThread`), which such a carrier is."),
            new Workload("timer_storm", "Timer storm: 10,000 strands × 10 × sleep(1 ms), wall time", "ms", false,
                    List.of(HUB, MULTI, VT_CUSTOM1, VT_DEFAULT, KOTLIN_1THREAD, KOTLIN_DEFAULT, GEVENT),
                    List.of(VT_CUSTOM1, VT_DEFAULT, KOTLIN_1THREAD, GEVENT),
                    List.of(atMost("≤ 25 ms (hub)", HUB, 25), atMost("≤ 20 ms (multi-carrier)", MULTI, 20)),
                    "10,000 strands each sleep 1 ms ten times; the wall time of the whole (ideal: 10 ms). Kotlin: "
                            + "`delay(1)` (`KotlinPeers.timerStorm_*`)."),
            new Workload("million_parked", "10⁶ strands parked, then all woken: time", "ms", false,
                    List.of(HUB, MULTI, VT_DEFAULT, KOTLIN_1THREAD, KOTLIN_DEFAULT, GEVENT),
                    List.of(VT_DEFAULT, KOTLIN_1THREAD, GEVENT),
                    List.of(atMost("≤ 1 s (hub)", HUB, 1000), atMost("≤ 1 s (multi-carrier)", MULTI, 1000)),
                    "10⁶ strands parked at once, then all woken; the wall time from the first start to the "
                            + "last end. Kotlin: coroutines suspended in `suspendCancellableCoroutine`, resumed by "
                            + "the driver (`KotlinMillionParked`)."),
            new Workload("million_parked_heap", "10⁶ strands parked, then all woken: peak heap", "MB", false,
                    List.of(HUB, MULTI, VT_DEFAULT, KOTLIN_1THREAD, KOTLIN_DEFAULT, GEVENT),
                    List.of(VT_DEFAULT, KOTLIN_1THREAD, GEVENT),
                    List.of(atMost("≤ 400 MB (hub)", HUB, 400), atMost("≤ 400 MB (multi-carrier)", MULTI, 400)),
                    "The peak heap of the same run (gevent: peak RSS growth)."),
            new Workload("million_sleeping", "10⁶ strands asleep in sleep(60 s), then each ended and joined: time",
                    "ms", false, List.of(HUB, MULTI, VT_DEFAULT), List.of(VT_DEFAULT), List.of(),
                    "10⁶ strands each `sleep(60 s)` (the shape of the public async-runtimes memory benchmark, whose 10 s is too short for virtual threads to be interrupted and joined on 2 CPUs), "
                            + "then the driver ends and joins each in turn (Weft `kill` + `join`, VT `interrupt` + "
                            + "`join`); the wall time of the whole (`MillionSleeping`)."),
            new Workload("million_sleeping_heap", "10⁶ strands asleep in sleep(60 s): heap", "MB", false,
                    List.of(HUB, MULTI, VT_DEFAULT), List.of(VT_DEFAULT),
                    List.of(atMost("≤ 400 MB (hub)", HUB, 400), ratioAtMost("≤ 0.5× VTs' heap (hub)", HUB, 0.5, VT_DEFAULT),
                            atMost("≤ 400 MB (multi-carrier)", MULTI, 400),
                            ratioAtMost("≤ 0.5× VTs' heap (multi-carrier)", MULTI, 0.5, VT_DEFAULT)),
                    "The live heap with every strand asleep, minus before (its `bytesPerStrand` is per strand): "
                            + "each keeps its timer (Weft: a task in its carrier's timer wheel)."),
            new Workload("million_sleeping_kill_join", "Kill + join of a strand asleep among 10⁶, per strand", "ns",
                    false, List.of(HUB, MULTI, VT_DEFAULT), List.of(VT_DEFAULT),
                    List.of(atMost("≤ 1 µs per fiber (hub)", HUB, 1000)),
                    "The ending phase of the same run, per strand: Weft `kill()` + `join()` (the timer cancelled "
                            + "among 10⁶), VT `interrupt()` + `join()`."),
            new Workload("million_sleeping_close", "Closing a hub with 10⁶ sleeping fibers", "ms", false,
                    List.of(HUB), List.of(), List.of(atMost("≤ 2 s", HUB, 2000)),
                    "`Hub.close()` with 10⁶ fibers in `sleep(60 s)`: every one killed, unwound, its timer "
                            + "cancelled, completed (`SleepingHubClose`)."),
            new Workload("echo", "TCP echo: 50 connections × 2,000 round trips of 64 B over loopback, wall time",
                    "ms", false, List.of(HUB, NIO_FLOOR, MULTI, MONKEY, VT_JDK1, VT_DEFAULT, GEVENT),
                    List.of(NIO_FLOOR, VT_JDK1, VT_DEFAULT, GEVENT),
                    List.of(either("≥ 3× gevent's round trips/s, or within 10 % of the NIO selector floor (time ≤ "
                                    + "1.1× its time)", rateRatioAtLeast("", HUB, 3, GEVENT),
                                    ratioAtMost("", HUB, 1.1, NIO_FLOOR)),
                            rateRatioAtLeast("≥ 1× virtual threads' round trips/s, one carrier each", HUB, 1,
                                    VT_JDK1),
                            rateRatioAtLeast("≥ 1× VT, JDK scheduler ×1's round trips/s", MONKEY, 1, VT_JDK1),
                            rateRatioAtLeast("≥ 1× virtual threads' round trips/s, one carrier per CPU each", MULTI,
                                    1, VT_DEFAULT)),
                    "Clients and an echo server in one process, every reply checked; one sample is the whole "
                            + "exchange of 100,000 round trips, timed (`EchoBench`, `bench/gevent/echo.py`). The "
                            + "rate column is 100,000 round trips over the median time; the goals compare rates.",
                    new Workload.Work(100_000, "round trips")));

    /** Every workload, in report order. */
    static final List<Workload> ALL = Stream.concat(BASE.stream(), channels().stream()).toList();

    /** jox's published figures (M1 Max, Java 21), quoted in each channel workload's text. */
    private static String joxPublished(String jox, String kotlin) {
        return " jox's published figure (M1 Max, Java 21, default scheduler): " + jox + " ns; Kotlin's: " + kotlin
                + " ns.";
    }

    /**
     * Issue 13 §6: channels and queues beside jox, {@code java.util.concurrent} and gevent, in jox's
     * benchmark shapes ({@code ChannelPeers}, {@code ChannelBench}, {@code bench/gevent/channel.py},
     * {@code queue_handoff.py}).
     */
    private static List<Workload> channels() {
        return List.of(
                new Workload("channel_rendezvous_pingpong", "Rendezvous channel ping-pong, two strands on one "
                        + "carrier, per round trip", "ns/op", false, List.of(WEFT_CHANNEL, WEFT_YIELD, GEVENT),
                        List.of(WEFT_YIELD, GEVENT),
                        List.of(ratioAtMost("≤ 1.2× the fiber yield ping-pong round trip of the same run",
                                WEFT_CHANNEL, 1.2, WEFT_YIELD)),
                        "A sends on channel 1 and receives on channel 2, B the other way round, 100,000 round trips "
                                + "(two messages each) (`ChannelBench.rendezvous_hub`); the baseline is the yield "
                                + "ping-pong of the same class (`ChannelBench.yield_hub`): one message costs at "
                                + "least one switch. gevent: two `gevent.queue.Channel()`s (`channel.py`)."),
                new Workload("channel_rendezvous", "Rendezvous channel, one sender and one receiver, per item",
                        "ns/op", false, List.of(WEFT_CHANNEL, JOX_CUSTOM1, JOX_DEFAULT, SYNCQ_CUSTOM1, SYNCQ_DEFAULT,
                        EXCHANGER_CUSTOM1, EXCHANGER_DEFAULT, KOTLIN_CHANNEL_1THREAD, KOTLIN_CHANNEL_DEFAULT, GEVENT),
                        List.of(JOX_CUSTOM1, JOX_DEFAULT, SYNCQ_CUSTOM1, KOTLIN_CHANNEL_1THREAD, GEVENT), List.of(),
                        "jox's `RendezvousBenchmark`: A sends 100,000 items, B receives them (`ChannelPeers."
                                + "rendezvous_*`; the one-carrier rows of the spinning peers, 10,000). jox, "
                                + "`SynchronousQueue` and `Exchanger` spin before parking: on one carrier the "
                                + "partner cannot run during the spin, so their one-carrier rows cost microseconds "
                                + "per item; on the default scheduler two cores spin for them."
                                + joxPublished("199", "108")),
                new Workload("channel_buffered16", "Buffered(16) channel, one producer and one consumer, per item",
                        "ns/op", false, List.of(WEFT_CHANNEL, WEFT_QUEUE, JOX_CUSTOM1, JOX_DEFAULT, ABQ_CUSTOM1,
                        ABQ_DEFAULT, KOTLIN_CHANNEL_1THREAD, KOTLIN_CHANNEL_DEFAULT, GEVENT),
                        List.of(JOX_CUSTOM1, JOX_DEFAULT, ABQ_CUSTOM1, KOTLIN_CHANNEL_1THREAD, GEVENT),
                        List.of(ratioAtMost("≤ 0.5× jox on its default scheduler", WEFT_CHANNEL, 0.5, JOX_DEFAULT),
                                ratioAtMost("≤ 0.7× jox on one carrier", WEFT_CHANNEL, 0.7, JOX_CUSTOM1),
                                noAllocation("0 B/op in the buffered steady state", WEFT_CHANNEL)),
                        "jox's `BufferedBenchmark` (capacity 16): A sends 100,000 items, B receives them "
                                + "(`ChannelPeers.buffered16_*`; Weft's `Queue(16)` beside its `Channel.buffered(16)`). "
                                + "gevent has no buffered channel: its row is `Queue(16)` (`queue_handoff.py`)."
                                + joxPublished("201", "35.7")),
                new Workload("channel_chain1000", "1,000 chained buffered(16) channels, per send-receive pair",
                        "ns/op", false, List.of(WEFT_CHANNEL, JOX_CUSTOM1, JOX_DEFAULT, ABQ_CUSTOM1, ABQ_DEFAULT,
                                KOTLIN_CHANNEL_1THREAD, KOTLIN_CHANNEL_DEFAULT),
                        List.of(JOX_CUSTOM1, JOX_DEFAULT, ABQ_DEFAULT, KOTLIN_CHANNEL_1THREAD),
                        List.of(ratioAtMost("≤ 0.5× jox (its default scheduler)", WEFT_CHANNEL, 0.5, JOX_DEFAULT),
                                ratioAtMost("≤ 0.5× jox (one carrier)", WEFT_CHANNEL, 0.5, JOX_CUSTOM1)),
                        "jox's `ChainedBenchmark` with 1,000 links instead of 10,000: a source, 999 strands each "
                                + "forwarding 1,000 items from one buffered(16) channel to the next, and a sink; "
                                + "1,000,000 send-receive pairs per invocation (`ChannelPeers.chain1000_*`). "
                                + "No gevent row." + joxPublished("12.7 (10,000 links)", "7.0")),
                new Workload("channel_select1", "Select of 1 receive clause, per item", "ns/op", false,
                        List.of(WEFT_CHANNEL, JOX_CUSTOM1, JOX_DEFAULT, KOTLIN_CHANNEL_1THREAD, KOTLIN_CHANNEL_DEFAULT),
                        List.of(JOX_CUSTOM1, JOX_DEFAULT, KOTLIN_CHANNEL_1THREAD), List.of(),
                        "jox's `SelectBenchmark.selectWithSingleClause`: A sends 100,000 items on a rendezvous "
                                + "channel, B receives each with a `select` of that one clause "
                                + "(`ChannelPeers.select1_*`)." + joxPublished("229", "171")),
                new Workload("channel_select2", "Select of 2 receive clauses, two senders, per item", "ns/op", false,
                        List.of(WEFT_CHANNEL, JOX_CUSTOM1, JOX_DEFAULT, KOTLIN_CHANNEL_1THREAD, KOTLIN_CHANNEL_DEFAULT),
                        List.of(JOX_CUSTOM1, JOX_DEFAULT, KOTLIN_CHANNEL_1THREAD), List.of(),
                        "jox's `SelectBenchmark.selectWithTwoClauses`: A and B send 50,000 items each on their "
                                + "own rendezvous channel, C receives all 100,000 with a `select` over both "
                                + "(`ChannelPeers.select2_*`)." + joxPublished("761", "228")),
                new Workload("channel_select_overhead", "Select of 2 against a plain receive, per item", "ns/op",
                        false, List.of(WEFT_SELECT2, WEFT_RECEIVE), List.of(WEFT_RECEIVE),
                        List.of(ratioAtMost("≤ 2× a plain receive", WEFT_SELECT2, 2, WEFT_RECEIVE)),
                        "A sends 100,000 items on a rendezvous channel; B receives each with `receive()`, or with "
                                + "a `select` over that channel and a second, idle one (`ChannelBench.receive_hub`, "
                                + "`ChannelBench.select2_hub`)."),
                new Workload("queue_handoff", "Queue hand-off between two strands on one carrier, per hand-off",
                        "ns/op", false, List.of(WEFT_QUEUE, LBQ_CUSTOM1, LBQ_DEFAULT, GEVENT),
                        List.of(LBQ_CUSTOM1, GEVENT),
                        List.of(rateRatioAtLeast("≥ 10× gevent's hand-offs/s", WEFT_QUEUE, 10, GEVENT)),
                        "A puts on queue 1 and takes from queue 2, B the other way round, 100,000 round trips on "
                                + "two unbounded queues: every take finds its queue empty, so every item is handed "
                                + "to a parked taker; two hand-offs per round trip (`ChannelPeers.queueHandoff_*`, "
                                + "gevent `Queue()` in `queue_handoff.py`)."),
                new Workload("event_wake1000", "Event.set waking 1,000 waiters, until all have run, per waiter",
                        "ns/op", false, List.of(WEFT_EVENT, WEFT_YIELD), List.of(WEFT_YIELD),
                        List.of(ratioAtMost("≤ 1.5× 1,000 yields of the same run", WEFT_EVENT, 1.5, WEFT_YIELD)),
                        "A driver fiber spawns 1,000 fibers, yields once so that each runs up to its "
                                + "`Event.await()` (its `Fiber.yieldNow()`), calls `Event.set()` (nothing) and joins "
                                + "them all, 10 batches (`ChannelPeers.eventWake1000_weftHub`, "
                                + "`ChannelPeers.yield1000_weftHub`): the two differ only in how a waiter is resumed, "
                                + "woken by `set()` or requeued by its own yield."));
    }

    private static Workload threads(int n) {
        return new Workload("semaphore_threads" + n, "Semaphore, " + n + " platform threads contending, per "
                + "acquire + release and thread", "ns/op", false, List.of(WEFT_SEM, JUC_FAIR), List.of(JUC_FAIR),
                n >= 4 ? List.of(ratioAtMost("≤ 1.0× j.u.c. (fair)", WEFT_SEM, 1.0, JUC_FAIR)) : List.of(),
                "Platform threads (JMH threads), each `acquire(); release()` on one shared one-permit "
                + "semaphore; per pair and thread (`SemaphoreBench.threads*`).");
    }

    private static Workload threadHandoff(int n) {
        return new Workload("semaphore_handoff_threads" + n, "Semaphore hand-off between " + n
                + " platform threads, per hand-off", "ns/op", false, List.of(WEFT_SEM, JUC_FAIR), List.of(JUC_FAIR),
                n >= 4 ? List.of(ratioAtMost("≤ 1.0× j.u.c. (fair)", WEFT_SEM, 1.0, JUC_FAIR)) : List.of(),
                "Platform threads queued on one semaphore before the first release, so every release "
                + "hands the permit to a parked thread (`SemaphoreBench.handoffThreads_*`).");
    }

    // ------------------------------------------------------------------ JMH benchmark -> workload, peer
    /**
     * A JMH benchmark, named {@code Class.method} without the {@code dev.weft.bench.} package
     * prefix and followed by {@code :param=value,...} when it has {@code @Param}s, matching
     * {@code name} measures {@code peer} in {@code workload}; {@code $1} in either is the
     * pattern's first group. A workload's size is part of its definition, so a benchmark run
     * with other parameters (the CI smoke run's small {@code count}) is not a row of it.
     */
    record Row(Pattern name, String workload, String peer) {
        Row(String regex, String workload, String peer) {
            this(Pattern.compile(regex), workload, peer);
        }
    }

    static final List<Row> JMH = List.of(
            new Row("PingPong\\.yield_floor", "pingpong_yield", FLOOR),
            new Row("PingPong\\.yield_hub", "pingpong_yield", HUB),
            new Row("PingPong\\.yield_vtCustom1", "pingpong_yield", VT_CUSTOM1),
            new Row("PingPong\\.yield_vtJdk1", "pingpong_yield", VT_JDK1),
            new Row("PingPong\\.yield_vtDefault", "pingpong_yield", VT_DEFAULT),
            new Row("PingPong\\.yield_platform\\w*", "pingpong_yield", PLATFORM),
            new Row("PingPong\\.park_floor", "pingpong_park", FLOOR),
            new Row("PingPong\\.park_hub", "pingpong_park", HUB),
            new Row("PingPong\\.park_vtCustom1", "pingpong_park", VT_CUSTOM1),
            new Row("PingPong\\.park_vtJdk1", "pingpong_park", VT_JDK1),
            new Row("PingPong\\.park_vtDefault", "pingpong_park", VT_DEFAULT),
            new Row("PingPong\\.park_platform\\w*", "pingpong_park", PLATFORM),
            new Row("SpawnJoin\\.floor", "spawn_join", FLOOR),
            new Row("SpawnJoin\\.hub_inFiber_join", "spawn_join", HUB),
            new Row("SpawnJoin\\.(?:workStealing|multiCarrier)_inFiber_join", "spawn_join", MULTI),
            new Row("SpawnJoin\\.vtCustom1_fromVirtual_join", "spawn_join", VT_CUSTOM1),
            new Row("SpawnJoin\\.vtDefault_fromVirtual_join", "spawn_join", VT_DEFAULT),
            new Row("SpawnJoin\\.platform_join", "spawn_join", PLATFORM),
            new Row("SemaphoreBench\\.uncontended_weft", "semaphore_uncontended", WEFT_SEM),
            new Row("SemaphoreBench\\.uncontended_jucFair", "semaphore_uncontended", JUC_FAIR),
            new Row("SemaphoreBench\\.uncontended_jucNonFair", "semaphore_uncontended", JUC_NONFAIR),
            new Row("SemaphoreBench\\.adapter_weft", "semaphore_uncontended_adapter", WEFT_SEM),
            new Row("SemaphoreBench\\.adapter_jucFair", "semaphore_uncontended_adapter", JUC_FAIR),
            new Row("SemaphoreBench\\.adapter_jucNonFair", "semaphore_uncontended_adapter", JUC_NONFAIR),
            new Row("SemaphoreBench\\.handoff_hub", "semaphore_handoff", HUB),
            new Row("SemaphoreBench\\.handoff_vtCustom1", "semaphore_handoff", VT_CUSTOM1),
            new Row("SemaphoreBench\\.threads(\\d+)_weft", "semaphore_threads$1", WEFT_SEM),
            new Row("SemaphoreBench\\.threads(\\d+)_jucFair", "semaphore_threads$1", JUC_FAIR),
            new Row("SemaphoreBench\\.handoffThreads_weft:threads=(\\d+)", "semaphore_handoff_threads$1", WEFT_SEM),
            new Row("SemaphoreBench\\.handoffThreads_jucFair:threads=(\\d+)", "semaphore_handoff_threads$1",
                    JUC_FAIR),
            new Row("SemaphoreBench\\.mixed_weft", "semaphore_mixed", WEFT_SEM),
            new Row("SemaphoreBench\\.mixed_jucFair", "semaphore_mixed", JUC_FAIR),
            new Row("HubLifecycle\\.openClose_hub", "hub_open_close", HUB),
            new Row("HubLifecycle\\.startJoin_platformThread", "hub_open_close", PLATFORM),
            new Row("HubLifecycle\\.openClose_hubOwnCarrier", "hub_open_close", HUB_OWN_CARRIER),
            new Row("HubLifecycle\\.submitGet_cachedThreadPool", "hub_open_close", CACHED_POOL),
            new Row("TimerStorm\\.hub", "timer_storm", HUB),
            new Row("TimerStorm\\.multiCarrier", "timer_storm", MULTI),
            new Row("TimerStorm\\.virtualThreads", "timer_storm", VT_DEFAULT),
            new Row("TimerStorm\\.virtualThreadsOneCarrier", "timer_storm", VT_CUSTOM1),
            new Row("MillionParked\\.hub:count=1000000", "million_parked", HUB),
            new Row("MillionParked\\.multiCarrier:count=1000000", "million_parked", MULTI),
            new Row("MillionParked\\.virtualThreads:count=1000000", "million_parked", VT_DEFAULT),
            new Row("MillionSleeping\\.hub:count=1000000", "million_sleeping", HUB),
            new Row("MillionSleeping\\.multiCarrier:count=1000000", "million_sleeping", MULTI),
            new Row("MillionSleeping\\.virtualThreads:count=1000000", "million_sleeping", VT_DEFAULT),
            new Row("SleepingHubClose\\.hub:count=1000000", "million_sleeping_close", HUB),
            new Row("echo\\.EchoBench\\.weftFibers:connections=50,roundTrips=2000", "echo", HUB),
            new Row("echo\\.EchoBench\\.weftFibersMultiCarrier:connections=50,roundTrips=2000", "echo", MULTI),
            new Row("echo\\.EchoBench\\.weftMonkey:connections=50,roundTrips=2000", "echo", MONKEY),
            new Row("echo\\.EchoBench\\.virtualThreads:connections=50,roundTrips=2000", "echo", VT_DEFAULT),
            new Row("echo\\.EchoBench\\.virtualThreadsOneCarrier:connections=50,roundTrips=2000", "echo",
                    VT_JDK1),
            new Row("echo\\.EchoBench\\.nioSelectorLoop:connections=50,roundTrips=2000", "echo", NIO_FLOOR),
            new Row("ChannelBench\\.rendezvous_hub", "channel_rendezvous_pingpong", WEFT_CHANNEL),
            new Row("ChannelBench\\.yield_hub", "channel_rendezvous_pingpong", WEFT_YIELD),
            new Row("ChannelBench\\.receive_hub", "channel_select_overhead", WEFT_RECEIVE),
            new Row("ChannelBench\\.select2_hub", "channel_select_overhead", WEFT_SELECT2),
            new Row("ChannelPeers\\.rendezvous_weftHub", "channel_rendezvous", WEFT_CHANNEL),
            new Row("ChannelPeers\\.rendezvous_joxVtCustom1", "channel_rendezvous", JOX_CUSTOM1),
            new Row("ChannelPeers\\.rendezvous_joxVtDefault", "channel_rendezvous", JOX_DEFAULT),
            new Row("ChannelPeers\\.rendezvous_synchronousQueueVtCustom1", "channel_rendezvous", SYNCQ_CUSTOM1),
            new Row("ChannelPeers\\.rendezvous_synchronousQueueVtDefault", "channel_rendezvous", SYNCQ_DEFAULT),
            new Row("ChannelPeers\\.rendezvous_exchangerVtCustom1", "channel_rendezvous", EXCHANGER_CUSTOM1),
            new Row("ChannelPeers\\.rendezvous_exchangerVtDefault", "channel_rendezvous", EXCHANGER_DEFAULT),
            new Row("ChannelPeers\\.buffered16_weftHub", "channel_buffered16", WEFT_CHANNEL),
            new Row("ChannelPeers\\.buffered16_weftQueueHub", "channel_buffered16", WEFT_QUEUE),
            new Row("ChannelPeers\\.buffered16_joxVtCustom1", "channel_buffered16", JOX_CUSTOM1),
            new Row("ChannelPeers\\.buffered16_joxVtDefault", "channel_buffered16", JOX_DEFAULT),
            new Row("ChannelPeers\\.buffered16_arrayBlockingQueueVtCustom1", "channel_buffered16", ABQ_CUSTOM1),
            new Row("ChannelPeers\\.buffered16_arrayBlockingQueueVtDefault", "channel_buffered16", ABQ_DEFAULT),
            new Row("ChannelPeers\\.chain1000_weftHub", "channel_chain1000", WEFT_CHANNEL),
            new Row("ChannelPeers\\.chain1000_joxVtCustom1", "channel_chain1000", JOX_CUSTOM1),
            new Row("ChannelPeers\\.chain1000_joxVtDefault", "channel_chain1000", JOX_DEFAULT),
            new Row("ChannelPeers\\.chain1000_arrayBlockingQueueVtCustom1", "channel_chain1000", ABQ_CUSTOM1),
            new Row("ChannelPeers\\.chain1000_arrayBlockingQueueVtDefault", "channel_chain1000", ABQ_DEFAULT),
            new Row("ChannelPeers\\.select1_weftHub", "channel_select1", WEFT_CHANNEL),
            new Row("ChannelPeers\\.select1_joxVtCustom1", "channel_select1", JOX_CUSTOM1),
            new Row("ChannelPeers\\.select1_joxVtDefault", "channel_select1", JOX_DEFAULT),
            new Row("ChannelPeers\\.select2_weftHub", "channel_select2", WEFT_CHANNEL),
            new Row("ChannelPeers\\.select2_joxVtCustom1", "channel_select2", JOX_CUSTOM1),
            new Row("ChannelPeers\\.select2_joxVtDefault", "channel_select2", JOX_DEFAULT),
            new Row("ChannelPeers\\.queueHandoff_weftHub", "queue_handoff", WEFT_QUEUE),
            new Row("ChannelPeers\\.queueHandoff_linkedBlockingQueueVtCustom1", "queue_handoff", LBQ_CUSTOM1),
            new Row("ChannelPeers\\.queueHandoff_linkedBlockingQueueVtDefault", "queue_handoff", LBQ_DEFAULT),
            new Row("ChannelPeers\\.eventWake1000_weftHub", "event_wake1000", WEFT_EVENT),
            new Row("ChannelPeers\\.yield1000_weftHub", "event_wake1000", WEFT_YIELD),
            // Kotlin coroutines: KotlinPeers.WORKLOAD_kotlin1Thread / _kotlinDefault, in the jar's profile kotlin-peers
            new Row("KotlinPeers\\.yield_kotlin1Thread", "pingpong_yield", KOTLIN_1THREAD),
            new Row("KotlinPeers\\.yield_kotlinDefault", "pingpong_yield", KOTLIN_DEFAULT),
            new Row("KotlinPeers\\.launchJoin_kotlin1Thread", "spawn_join", KOTLIN_1THREAD),
            new Row("KotlinPeers\\.launchJoin_kotlinDefault", "spawn_join", KOTLIN_DEFAULT),
            new Row("KotlinPeers\\.timerStorm_kotlin1Thread", "timer_storm", KOTLIN_1THREAD),
            new Row("KotlinPeers\\.timerStorm_kotlinDefault", "timer_storm", KOTLIN_DEFAULT),
            new Row("KotlinMillionParked\\.kotlin1Thread:count=1000000", "million_parked", KOTLIN_1THREAD),
            new Row("KotlinMillionParked\\.kotlinDefault:count=1000000", "million_parked", KOTLIN_DEFAULT),
            new Row("KotlinPeers\\.(rendezvous|buffered16|chain1000|select1|select2)_kotlin1Thread", "channel_$1",
                    KOTLIN_CHANNEL_1THREAD),
            new Row("KotlinPeers\\.(rendezvous|buffered16|chain1000|select1|select2)_kotlinDefault", "channel_$1",
                    KOTLIN_CHANNEL_DEFAULT));

    /**
     * JMH secondary metrics (JMH's {@code @AuxCounters}) that are a workload of their own: the
     * metric's name, the workload id's suffix, and the metric's unit (JMH gives such counters
     * the unit {@code #}). {@code MillionParked}'s {@code peakHeapMB} (in MiB) is the
     * {@code million_parked_heap} row ({@code MillionSleeping}'s the {@code million_sleeping_heap} row), and
     * {@code MillionSleeping}'s {@code killJoinNs} the {@code million_sleeping_kill_join} row. Other non-{@code gc.*} secondary metrics are listed among
     * the other benchmarks.
     */
    record Secondary(String metric, String suffix, String unit) {
    }

    static final List<Secondary> SECONDARY = List.of(new Secondary("peakHeapMB", "_heap", "MiB"),
            new Secondary("killJoinNs", "_kill_join", "ns"));

    /** Peer names as {@code ParkedMemory --json} writes them (the gevent programs write {@code gevent}). */
    static final Map<String, String> PROGRAM_PEERS = Map.of(
            "weft-hub", HUB,
            "weft-hub-semaphore", HUB_SEM,
            "raw-continuation", FLOOR,
            "vt-default", VT_DEFAULT,
            "vt-custom1", VT_CUSTOM1,
            "kotlin-1thread", KOTLIN_1THREAD);

    private static final Map<String, Workload> BY_ID = new LinkedHashMap<>();

    static {
        for (Workload w : ALL) {
            BY_ID.put(w.id(), w);
        }
    }

    private Workloads() {}

    static Optional<Workload> byId(String id) {
        return Optional.ofNullable(BY_ID.get(id));
    }

    /** The workload and peer of a JMH benchmark's full name, if a row names it. */
    static Optional<String[]> ofBenchmark(String fullName) {
        String name = fullName.startsWith("dev.weft.bench.") ? fullName.substring("dev.weft.bench.".length())
                : fullName;
        for (Row row : JMH) {
            Matcher m = row.name().matcher(name);
            if (m.matches()) {
                String g = m.groupCount() > 0 && m.group(1) != null ? m.group(1) : "";
                return Optional.of(new String[] {row.workload().replace("$1", g), row.peer().replace("$1", g)});
            }
        }
        return Optional.empty();
    }
}
