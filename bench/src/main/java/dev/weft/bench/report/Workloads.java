package dev.weft.bench.report;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.weft.bench.report.Goal.atMost;
import static dev.weft.bench.report.Goal.noAllocation;
import static dev.weft.bench.report.Goal.rateRatioAtLeast;
import static dev.weft.bench.report.Goal.ratioAtMost;

/**
 * The suite's workloads (issue 5 §1), their goals, and which JMH benchmark measures which peer
 * of which workload. A benchmark that no row names still appears in the report, in its
 * section of other benchmarks: nothing measured is dropped.
 */
final class Workloads {
    // ------------------------------------------------------------------ peers (table labels)
    static final String FLOOR = "raw continuation (floor)";
    static final String HUB = "Weft, hub";
    static final String MULTI = "Weft, multi-carrier";
    static final String VT_CUSTOM1 = "VT, 1 custom carrier";
    static final String VT_JDK1 = "VT, JDK scheduler ×1";
    static final String VT_DEFAULT = "VT, default scheduler";
    static final String PLATFORM = "platform threads";
    static final String MONKEY = "Weft, monkey mode (hub)";
    static final String GEVENT = "gevent";
    static final String WEFT_SEM = "Weft Semaphore";
    static final String JUC_FAIR = "j.u.c. Semaphore, fair";
    static final String JUC_NONFAIR = "j.u.c. Semaphore, non-fair";

    /** How each JMH peer is configured (gevent's configuration comes with its figures). */
    static final Map<String, String> PEER_SETUP = Map.ofEntries(
            Map.entry(FLOOR, "two raw `jdk.internal.vm.Continuation`s and an `ArrayDeque` run queue on the "
                    + "benchmark thread: no scheduler, no guarantees (`RawCarrier`)"),
            Map.entry(HUB, "Weft fibers on one `Hub` (one carrier thread)"),
            Map.entry(MULTI, "Weft fibers on a `MultiCarrierScheduler`, one carrier per CPU"),
            Map.entry(VT_CUSTOM1, "virtual threads on one platform carrier through a single-thread executor "
                    + "(`ThreadBuilders$VirtualThreadBuilder(Executor)`, by reflection)"),
            Map.entry(VT_JDK1, "virtual threads on the JDK's own scheduler in a fork with "
                    + "`-Djdk.virtualThreadScheduler.parallelism=1 -Djdk.virtualThreadScheduler.maxPoolSize=1`"),
            Map.entry(VT_DEFAULT, "virtual threads on the JDK's default scheduler (one carrier per CPU)"),
            Map.entry(MONKEY, "unchanged thread-per-connection `java.net` code whose threads are patched "
                    + "fibers of one `Hub` (`Monkey.spawn`)"),
            Map.entry(PLATFORM, "platform threads"),
            Map.entry(WEFT_SEM, "`dev.weft.locks.Semaphore`"),
            Map.entry(JUC_FAIR, "`java.util.concurrent.Semaphore(n, true)`"),
            Map.entry(JUC_NONFAIR, "`java.util.concurrent.Semaphore(n, false)`"));

    // ------------------------------------------------------------------ workloads and goals
    private static final List<Goal> PING_PONG_GOALS = List.of(
            ratioAtMost("≤ 1.1× the raw floor", HUB, 1.1, FLOOR),
            ratioAtMost("≤ 0.75× virtual threads (one custom carrier)", HUB, 0.75, VT_CUSTOM1),
            ratioAtMost("≤ 0.75× virtual threads (JDK scheduler, parallelism 1)", HUB, 0.75, VT_JDK1));

    static final List<Workload> ALL = List.of(
            new Workload("pingpong_yield", "Yield ping-pong: two strands on one carrier, per round trip", "ns/op",
                    false, List.of(HUB, FLOOR, VT_CUSTOM1, VT_JDK1, VT_DEFAULT, PLATFORM, GEVENT),
                    List.of(FLOOR, VT_CUSTOM1, VT_JDK1, GEVENT), PING_PONG_GOALS,
                    "Strands A and B each yield 100,000 times (`Fiber.yieldNow`, `Thread.yield`, a raw "
                            + "`Continuation.yield`, gevent's `sleep(0)`); one round trip is each switched out and in "
                            + "once (`PingPong.yield_*`)."),
            new Workload("pingpong_park", "Park/unpark ping-pong: two strands on one carrier, per round trip",
                    "ns/op", false, List.of(HUB, FLOOR, VT_CUSTOM1, VT_JDK1, VT_DEFAULT, PLATFORM),
                    List.of(FLOOR, VT_CUSTOM1, VT_JDK1), PING_PONG_GOALS,
                    "A and B take turns through a volatile field, each parking until its turn and unparking "
                            + "the other (`PingPong.park_*`). No gevent row."),
            new Workload("spawn_join", "Spawn + join, per task", "ns/op", false,
                    List.of(HUB, MULTI, FLOOR, VT_CUSTOM1, VT_DEFAULT, PLATFORM, GEVENT),
                    List.of(VT_CUSTOM1, VT_DEFAULT, PLATFORM, GEVENT),
                    List.of(atMost("≤ 100 ns per task", HUB, 100)),
                    "A strand starts 1,000 strands that do nothing, then joins each; 10 batches (`SpawnJoin`). "
                            + "The floor is `new Continuation` + `run`, for scale."),
            new Workload("parked_memory_shallow", "Memory per parked strand, shallow stack", "B", false,
                    List.of(HUB, FLOOR, VT_DEFAULT, VT_CUSTOM1, GEVENT), List.of(FLOOR, VT_DEFAULT, GEVENT),
                    List.of(atMost("≤ 400 B per parked fiber", HUB, 400)),
                    "Memory retained per parked strand whose park is its first call (`ParkedMemory`: used heap "
                            + "after `System.gc()` with the strands parked, minus before). gevent's figure is RSS growth "
                            + "(no heap of its own to read): see its configuration."),
            new Workload("parked_memory_50", "Memory per parked strand, 50 extra frames", "B", false,
                    List.of(HUB, FLOOR, VT_DEFAULT, VT_CUSTOM1, GEVENT), List.of(FLOOR, VT_DEFAULT, GEVENT),
                    List.of(),
                    "As above, with 50 extra frames of a recursive method below the park."),
            new Workload("semaphore_uncontended", "Semaphore, uncontended acquire + release", "ns/op", false,
                    List.of(WEFT_SEM, JUC_FAIR, JUC_NONFAIR, GEVENT), List.of(JUC_FAIR, JUC_NONFAIR, GEVENT),
                    List.of(ratioAtMost("≤ 1.2× j.u.c. (fair)", WEFT_SEM, 1.2, JUC_FAIR),
                            ratioAtMost("≤ 1.2× j.u.c. (non-fair)", WEFT_SEM, 1.2, JUC_NONFAIR),
                            noAllocation("0 B/op", WEFT_SEM)),
                    "One thread, `acquire(); release()` on a one-permit semaphore of its own "
                            + "(`SemaphoreBench.uncontended_*`)."),
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
            new Workload("timer_storm", "Timer storm: 10,000 strands × 10 × sleep(1 ms), wall time", "ms", false,
                    List.of(HUB, MULTI, VT_CUSTOM1, VT_DEFAULT, GEVENT), List.of(VT_CUSTOM1, VT_DEFAULT, GEVENT),
                    List.of(atMost("≤ 25 ms (hub)", HUB, 25), atMost("≤ 25 ms (multi-carrier)", MULTI, 25)),
                    "10,000 strands each sleep 1 ms ten times; the wall time of the whole (ideal: 10 ms)."),
            new Workload("million_parked", "10⁶ strands parked, then all woken: time", "ms", false,
                    List.of(HUB, MULTI, VT_DEFAULT, GEVENT), List.of(VT_DEFAULT, GEVENT),
                    List.of(atMost("≤ 1 s (hub)", HUB, 1000), atMost("≤ 1 s (multi-carrier)", MULTI, 1000)),
                    "10⁶ strands parked at once, then all woken; the wall time from the first start to the "
                            + "last end."),
            new Workload("million_parked_heap", "10⁶ strands parked, then all woken: peak heap", "MB", false,
                    List.of(HUB, MULTI, VT_DEFAULT, GEVENT), List.of(VT_DEFAULT, GEVENT),
                    List.of(atMost("≤ 500 MB (hub)", HUB, 500), atMost("≤ 500 MB (multi-carrier)", MULTI, 500)),
                    "The peak heap of the same run (gevent: peak RSS growth)."),
            new Workload("echo", "TCP echo: 50 connections × 2,000 round trips of 64 B over loopback, wall time",
                    "ms", false, List.of(HUB, MULTI, MONKEY, VT_JDK1, VT_DEFAULT, GEVENT),
                    List.of(VT_JDK1, VT_DEFAULT, GEVENT),
                    List.of(rateRatioAtLeast("≥ 3× gevent's round trips/s", HUB, 3, GEVENT),
                            rateRatioAtLeast("≥ 1× virtual threads' round trips/s, one carrier each", HUB, 1,
                                    VT_JDK1),
                            rateRatioAtLeast("≥ 1× virtual threads' round trips/s, one carrier per CPU each", MULTI,
                                    1, VT_DEFAULT)),
                    "Clients and an echo server in one process, every reply checked; one sample is the whole "
                            + "exchange of 100,000 round trips, timed (`EchoBench`, `bench/gevent/echo.py`). The "
                            + "rate column is 100,000 round trips over the median time; the goals compare rates.",
                    new Workload.Work(100_000, "round trips")));

    private static Workload threads(int n) {
        return new Workload("semaphore_threads" + n, "Semaphore, " + n + " platform threads contending, per "
                + "acquire + release and thread", "ns/op", false, List.of(WEFT_SEM, JUC_FAIR), List.of(JUC_FAIR),
                List.of(), "Platform threads (JMH threads), each `acquire(); release()` on one shared one-permit "
                + "semaphore; per pair and thread (`SemaphoreBench.threads*`).");
    }

    private static Workload threadHandoff(int n) {
        return new Workload("semaphore_handoff_threads" + n, "Semaphore hand-off between " + n
                + " platform threads, per hand-off", "ns/op", false, List.of(WEFT_SEM, JUC_FAIR), List.of(JUC_FAIR),
                List.of(), "Platform threads queued on one semaphore before the first release, so every release "
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
            new Row("SemaphoreBench\\.handoff_hub", "semaphore_handoff", HUB),
            new Row("SemaphoreBench\\.handoff_vtCustom1", "semaphore_handoff", VT_CUSTOM1),
            new Row("SemaphoreBench\\.threads(\\d+)_weft", "semaphore_threads$1", WEFT_SEM),
            new Row("SemaphoreBench\\.threads(\\d+)_jucFair", "semaphore_threads$1", JUC_FAIR),
            new Row("SemaphoreBench\\.handoffThreads_weft:threads=(\\d+)", "semaphore_handoff_threads$1", WEFT_SEM),
            new Row("SemaphoreBench\\.handoffThreads_jucFair:threads=(\\d+)", "semaphore_handoff_threads$1",
                    JUC_FAIR),
            new Row("SemaphoreBench\\.mixed_weft", "semaphore_mixed", WEFT_SEM),
            new Row("SemaphoreBench\\.mixed_jucFair", "semaphore_mixed", JUC_FAIR),
            new Row("TimerStorm\\.hub", "timer_storm", HUB),
            new Row("TimerStorm\\.multiCarrier", "timer_storm", MULTI),
            new Row("TimerStorm\\.virtualThreads", "timer_storm", VT_DEFAULT),
            new Row("TimerStorm\\.virtualThreadsOneCarrier", "timer_storm", VT_CUSTOM1),
            new Row("MillionParked\\.hub:count=1000000", "million_parked", HUB),
            new Row("MillionParked\\.multiCarrier:count=1000000", "million_parked", MULTI),
            new Row("MillionParked\\.virtualThreads:count=1000000", "million_parked", VT_DEFAULT),
            new Row("echo\\.EchoBench\\.weftFibers:connections=50,roundTrips=2000", "echo", HUB),
            new Row("echo\\.EchoBench\\.weftFibersMultiCarrier:connections=50,roundTrips=2000", "echo", MULTI),
            new Row("echo\\.EchoBench\\.weftMonkey:connections=50,roundTrips=2000", "echo", MONKEY),
            new Row("echo\\.EchoBench\\.virtualThreads:connections=50,roundTrips=2000", "echo", VT_DEFAULT),
            new Row("echo\\.EchoBench\\.virtualThreadsOneCarrier:connections=50,roundTrips=2000", "echo",
                    VT_JDK1));

    /**
     * JMH secondary metrics (JMH's {@code @AuxCounters}) that are a workload of their own: the
     * metric's name, the workload id's suffix, and the metric's unit (JMH gives such counters
     * the unit {@code #}). {@code MillionParked}'s {@code peakHeapMB} (in MiB) is the
     * {@code million_parked_heap} row. Other non-{@code gc.*} secondary metrics are listed among
     * the other benchmarks.
     */
    record Secondary(String metric, String suffix, String unit) {
    }

    static final List<Secondary> SECONDARY = List.of(new Secondary("peakHeapMB", "_heap", "MiB"));

    /** Peer names as {@code ParkedMemory --json} writes them (the gevent programs write {@code gevent}). */
    static final Map<String, String> PROGRAM_PEERS = Map.of(
            "weft-hub", HUB,
            "raw-continuation", FLOOR,
            "vt-default", VT_DEFAULT,
            "vt-custom1", VT_CUSTOM1);

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
