package dev.weft.bench.report;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.weft.bench.ChannelPeers;
import org.openjdk.jmh.annotations.Benchmark;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStreamReader;
import java.io.Reader;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The report's reading, ratios and goal verdicts, on a small JMH fixture ({@code jmh-fixture.json})
 * and a few JSON lines; no benchmark runs and no chart is drawn.
 */
class ReportTest {
    private static final List<String> GEVENT_LINES = List.of(
            "not json: a stray line from a program",
            "{\"workload\": \"pingpong_yield\", \"peer\": \"gevent\", \"unit\": \"ns/op\", \"median\": 3000.0, "
                    + "\"error\": 500.0, \"samples\": [2500.0, 3000.0, 3500.0], \"config\": \"two greenlets; CPython 3.11.2, gevent 22.10.2\"}",
            "{\"workload\": \"parked_memory_shallow\", \"peer\": \"weft-hub\", \"unit\": \"B\", \"median\": 388.0, "
                    + "\"error\": 3.0, \"samples\": [385.0, 388.0, 391.0], \"config\": \"heap\"}",
            "{\"workload\": \"no_such_workload\", \"peer\": \"gevent\", \"unit\": \"ms\", \"median\": 1.0}");

    private static JmhJson fixture() throws Exception {
        try (Reader r = new InputStreamReader(Objects.requireNonNull(
                ReportTest.class.getResourceAsStream("jmh-fixture.json")), StandardCharsets.UTF_8)) {
            return JmhJson.parse(JsonParser.parseReader(r));
        }
    }

    private static Report report() throws Exception {
        return new Report(fixture(), JsonLines.parse(GEVENT_LINES, "gevent.jsonl"));
    }

    private static Workload workload(String id) {
        return Workloads.byId(id).orElseThrow();
    }

    @Test
    void jmhFiguresAreTheMedianTheErrorTheRangeAndTheAllocation() throws Exception {
        Measurement hub = report().measured(workload("pingpong_yield")).get(Workloads.HUB);
        assertEquals(220.0, hub.median());
        assertEquals(230.0, hub.mean());
        assertEquals(40.0, hub.error());
        assertEquals(200.0, hub.min());
        assertEquals(270.0, hub.max());
        assertEquals(3, hub.samples());
        assertEquals(0.0001, hub.bytesPerOp());
        assertTrue(Double.isNaN(report().measured(workload("pingpong_yield")).get(Workloads.FLOOR).error()),
                "JMH's \"NaN\" error is read as NaN");
    }

    @Test
    void benchmarkNamesMapToWorkloadAndPeerAndUnknownOnesAreKept() throws Exception {
        assertEquals(List.of("pingpong_yield", Workloads.HUB),
                List.of(Workloads.ofBenchmark("dev.weft.bench.PingPong.yield_hub").orElseThrow()));
        assertEquals(List.of("semaphore_threads8", Workloads.JUC_FAIR),
                List.of(Workloads.ofBenchmark("dev.weft.bench.SemaphoreBench.threads8_jucFair").orElseThrow()));
        assertTrue(Workloads.ofBenchmark("dev.weft.bench.Unheard.of").isEmpty());
        List<String> others = report().others().stream().map(Measurement::source).toList();
        assertEquals(Workloads.WEFT_SEM,
                Workloads.ofBenchmark("dev.weft.bench.SemaphoreBench.handoffThreads_weft:threads=4").orElseThrow()[1]);
        assertEquals("semaphore_handoff_threads4",
                Workloads.ofBenchmark("dev.weft.bench.SemaphoreBench.handoffThreads_weft:threads=4").orElseThrow()[0]);
        assertEquals(List.of("dev.weft.bench.MillionParked.hub:count=1000000:peakHeapBytesPerStrand",
                        "dev.weft.bench.Unheard.of", "dev.weft.bench.MillionParked.multiCarrier:count=1000",
                        "gevent.jsonl"), others,
                "unmapped benchmarks and metrics, a run of another size than the workload's, and an unknown "
                        + "workload are shown among the other benchmarks; gc.* metrics are not");
    }

    @Test
    void figuresAreConvertedToTheWorkloadsUnitAndSecondaryHeapMetricsAreTheirOwnWorkload() throws Exception {
        Report r = report();
        Measurement time = r.measured(workload("million_parked")).get(Workloads.HUB);
        assertEquals("ms", time.unit());
        assertEquals(1250.0, time.median(), 1e-9);
        Measurement heap = r.measured(workload("million_parked_heap")).get(Workloads.HUB);
        assertEquals(420.0 * (1 << 20) / 1e6, heap.median(), 1e-9, "MiB (the counter's unit) to MB");
        assertEquals("MB", heap.unit());
        assertTrue(Double.isNaN(heap.mean()), "an EVENTS counter's JMH score is a sum, not a mean: not shown");
    }

    @Test
    void ratiosAreOfMediansFromTheSameRun() throws Exception {
        Map<String, Measurement> m = report().measured(workload("pingpong_yield"));
        assertEquals(1.1, Report.ratio(m.get(Workloads.HUB), m.get(Workloads.FLOOR)), 1e-9);
        assertEquals(220.0 / 3000.0, Report.ratio(m.get(Workloads.HUB), m.get(Workloads.GEVENT)), 1e-9);
        assertTrue(Double.isNaN(Report.ratio(m.get(Workloads.HUB), m.get(Workloads.VT_JDK1))));
    }

    @Test
    void aSlowestIterationGoalJudgesTheRangesTopNotTheMedian() {
        Measurement m = new Measurement("test", "spawn_join", Workloads.HUB, "ns/op", 80, 85, 5, 75, 140, 3,
                Double.NaN, "");
        Map<String, Measurement> byPeer = Map.of(Workloads.HUB, m);
        Goal.Verdict v = Goal.slowestAtMost("", Workloads.HUB, 130).judge(byPeer, "ns/op");
        assertEquals("missed by 10.0 ns/op", v.result());
        assertTrue(v.measured().contains("slowest iteration"), v.measured());
        assertEquals("met", Goal.slowestAtMost("", Workloads.HUB, 140).judge(byPeer, "ns/op").result());
        assertEquals("met", Goal.atMost("", Workloads.HUB, 100).judge(byPeer, "ns/op").result(), "the median meets it");
        assertEquals("not measured", Goal.slowestAtMost("", Workloads.FLOOR, 130).judge(byPeer, "ns/op").result());
    }

    @Test
    void goalsAreMetMissedByHowMuchOrNotMeasured() throws Exception {
        Report r = report();
        Map<String, Measurement> pp = r.measured(workload("pingpong_yield"));
        // 220 / 200 = 1.1: exactly the bound is met
        assertEquals("met", Goal.ratioAtMost("", Workloads.HUB, 1.1, Workloads.FLOOR).judge(pp, "ns/op").result());
        assertEquals("missed by 0.10×",
                Goal.ratioAtMost("", Workloads.HUB, 1.0, Workloads.FLOOR).judge(pp, "ns/op").result());
        assertEquals("not measured",
                Goal.ratioAtMost("", Workloads.HUB, 0.75, Workloads.VT_JDK1).judge(pp, "ns/op").result());
        assertEquals("missed by 20.0 ns/op", Goal.atMost("", Workloads.HUB, 200).judge(pp, "ns/op").result());
        assertEquals("met", Goal.noAllocation("", Workloads.HUB).judge(pp, "ns/op").result());
        assertEquals("not measured", Goal.noAllocation("", Workloads.FLOOR).judge(pp, "ns/op").result(),
                "no -prof gc figure: not measured, not zero");
        assertEquals("missed by 250 ms",
                Goal.atMost("", Workloads.HUB, 1000).judge(r.measured(workload("million_parked")), "ms").result());
        // higher is better: 0.0733× gevent is short of 3× by 2.93×
        assertEquals("missed by 2.93×",
                Goal.ratioAtLeast("", Workloads.HUB, 3, Workloads.GEVENT).judge(pp, "ns/op").result());
        assertEquals("met", Goal.ratioAtLeast("", Workloads.GEVENT, 3, Workloads.HUB).judge(pp, "ns/op").result());
        // rates from times: gevent takes 3000 / 220 = 13.6× the hub's time, so the hub's rate is 13.6× gevent's
        assertEquals("met", Goal.rateRatioAtLeast("", Workloads.HUB, 3, Workloads.GEVENT).judge(pp, "ns/op").result());
        assertEquals("missed by 6.36×",
                Goal.rateRatioAtLeast("", Workloads.HUB, 20, Workloads.GEVENT).judge(pp, "ns/op").result());
    }

    @Test
    void anEitherOrGoalIsMetByEitherAndNotMeasuredOnlyIfNeitherIsMet() throws Exception {
        Map<String, Measurement> pp = report().measured(workload("pingpong_yield")); // hub 220, floor 200, gevent 3000
        Goal gevent20 = Goal.rateRatioAtLeast("", Workloads.HUB, 20, Workloads.GEVENT); // 13.6×: missed
        Goal floor = Goal.ratioAtMost("", Workloads.HUB, 1.1, Workloads.FLOOR); // 1.1×: met
        Goal.Verdict v = Goal.either("", gevent20, floor).judge(pp, "ns/op");
        assertEquals("met", v.result());
        assertEquals("13.6× gevent's rate; 1.10× raw continuation (floor)", v.measured());
        assertEquals("met", Goal.either("", floor, gevent20).judge(pp, "ns/op").result());
        assertEquals("missed by 6.36×; missed by 0.10×", Goal.either("", gevent20,
                Goal.ratioAtMost("", Workloads.HUB, 1.0, Workloads.FLOOR)).judge(pp, "ns/op").result());
        assertEquals("not measured", Goal.either("", gevent20,
                Goal.ratioAtMost("", Workloads.HUB, 1.0, Workloads.VT_JDK1)).judge(pp, "ns/op").result(),
                "one missed and one without figures: it could have been met");
        assertEquals("met", Goal.either("", Goal.ratioAtMost("", Workloads.HUB, 1.0, Workloads.VT_JDK1), floor)
                .judge(pp, "ns/op").result(), "one met is enough, even if the other has no figures");
    }

    @Test
    void everyEchoBenchmarkIsAPeerOfTheEchoWorkload() {
        List<String> names = Stream.of(dev.weft.bench.echo.EchoBench.class.getMethods())
                .filter(m -> m.isAnnotationPresent(Benchmark.class)).map(Method::getName).toList();
        assertTrue(names.contains("nioSelectorLoop"), names.toString());
        for (String name : names) {
            String[] mapped = Workloads.ofBenchmark("dev.weft.bench.echo.EchoBench." + name
                    + ":connections=50,roundTrips=2000").orElseThrow(() -> new AssertionError(name
                    + " has no row in Workloads.JMH: add one, or it lands among the other benchmarks"));
            assertEquals("echo", mapped[0]);
            assertTrue(workload("echo").peers().contains(mapped[1]), name + " maps to peer " + mapped[1]
                    + ", which the echo workload does not list");
            assertTrue(Workloads.PEER_SETUP.containsKey(mapped[1]), "no configuration text for " + mapped[1]);
        }
    }

    @Test
    void theReportMarksWhatWasNotMeasuredAndSaysHowToInstallGevent(@TempDir Path out) throws Exception {
        Report noGevent = new Report(fixture(), List.of());
        Report.Run run = new Report.Run("short", "", "abc1234", "0.1 0.2 0.3", "0.4 0.5 0.6", "`CPU`", 2,
                "2026-11-27", true);
        String md = noGevent.markdown(run, out, false);
        assertTrue(md.contains("| gevent | not measured (gevent not installed: `apt-get install -y python3-gevent`)"), md);
        assertTrue(md.contains("**not installed**"), md);
        assertTrue(md.contains("| VT, 1 custom carrier | not measured |"), md);
        assertTrue(md.contains("`spawn_join` (Spawn + join, per task)"), "a workload with no figure is listed as not measured");
        assertTrue(md.contains("start 0.1 0.2 0.3; end 0.4 0.5 0.6"), md);
        assertTrue(md.contains("`dev.weft.bench.Unheard.of`"), "unknown benchmarks are not dropped");
        assertFalse(md.contains("NaN"), md);
    }

    // ------------------------------------------------------------------ channels and queues (issue 13 §6)

    /** A JMH result of one benchmark: its median (= mean here) in ns/op and its B/op (NaN: no -prof gc). */
    private static JsonObject jmhResult(String benchmark, double nsPerOp, double bytesPerOp) {
        JsonObject primary = new JsonObject();
        primary.addProperty("score", nsPerOp);
        primary.addProperty("scoreUnit", "ns/op");
        JsonObject b = new JsonObject();
        b.addProperty("benchmark", "dev.weft.bench." + benchmark);
        b.add("primaryMetric", primary);
        if (!Double.isNaN(bytesPerOp)) {
            JsonObject alloc = new JsonObject();
            alloc.addProperty("score", bytesPerOp);
            alloc.addProperty("scoreUnit", "B/op");
            JsonObject secondary = new JsonObject();
            secondary.add("gc.alloc.rate.norm", alloc);
            b.add("secondaryMetrics", secondary);
        }
        return b;
    }

    private static String geventLine(String workload, double nsPerOp) {
        return "{\"workload\": \"" + workload + "\", \"peer\": \"gevent\", \"unit\": \"ns/op\", \"median\": "
                + nsPerOp + ", \"error\": 1.0, \"samples\": [" + nsPerOp + "], \"config\": \"CPython 3.11.2, gevent 22.10.2\"}";
    }

    private static Report channelReport() {
        JsonArray results = new JsonArray();
        Stream.of(jmhResult("ChannelBench.rendezvous_hub", 130, Double.NaN),
                jmhResult("ChannelBench.yield_hub", 100, Double.NaN),
                jmhResult("ChannelBench.receive_hub", 60, Double.NaN),
                jmhResult("ChannelBench.select2_hub", 90, Double.NaN),
                jmhResult("ChannelPeers.buffered16_weftHub", 40, 0.0001),
                jmhResult("ChannelPeers.buffered16_joxVtDefault", 100, 0.02),
                jmhResult("ChannelPeers.buffered16_joxVtCustom1", 50, 0.02),
                jmhResult("ChannelPeers.buffered16_arrayBlockingQueueVtCustom1", 200, 30),
                jmhResult("ChannelPeers.chain1000_weftHub", 30, 0.1),
                jmhResult("ChannelPeers.chain1000_joxVtDefault", 50, 0.1),
                jmhResult("ChannelPeers.queueHandoff_weftHub", 100, 0),
                jmhResult("ChannelPeers.eventWake1000_weftHub", 150, 100),
                jmhResult("ChannelPeers.yield1000_weftHub", 100, 100)).forEach(results::add);
        return new Report(JmhJson.parse(results), JsonLines.parse(List.of(geventLine("queue_handoff", 3000),
                geventLine("channel_buffered16", 500), geventLine("channel_rendezvous", 5000)), "gevent.jsonl"));
    }

    private static String verdict(Report r, String workload, String peer, String baseline) {
        Workload w = workload(workload);
        return w.goals().stream().filter(g -> g.peer().equals(peer) && Objects.equals(g.baseline(), baseline)
                        && !g.bytesPerOp()).findFirst().orElseThrow().judge(r.measured(w), w.unit()).result();
    }

    @Test
    void everyChannelPeersBenchmarkIsAPeerOfAChannelWorkload() {
        List<String> names = Stream.concat(
                        Stream.of(ChannelPeers.class.getMethods()).filter(m -> m.isAnnotationPresent(Benchmark.class))
                                .map(Method::getName).map(n -> "ChannelPeers." + n),
                        Stream.of("rendezvous_hub", "yield_hub", "receive_hub", "select2_hub").map(n -> "ChannelBench." + n))
                .toList();
        assertTrue(names.size() > 20, names.toString());
        for (String name : names) {
            String[] mapped = Workloads.ofBenchmark("dev.weft.bench." + name).orElseThrow(
                    () -> new AssertionError(name + " has no row in Workloads.JMH: add one, or it lands among the "
                            + "other benchmarks"));
            assertTrue(workload(mapped[0]).peers().contains(mapped[1]),
                    name + " maps to peer " + mapped[1] + ", which its workload " + mapped[0] + " does not list");
            assertTrue(Workloads.PEER_SETUP.containsKey(mapped[1]), "no configuration text for " + mapped[1]);
        }
    }

    @Test
    void channelGoalsAreJudgedOnTheSameRunsFigures() {
        Report r = channelReport();
        // 130 / 100: the rendezvous ping-pong misses 1.2x the yield ping-pong by 0.10x
        assertEquals("missed by 0.10×", verdict(r, "channel_rendezvous_pingpong", Workloads.WEFT_CHANNEL,
                Workloads.WEFT_YIELD));
        assertEquals("met", verdict(r, "channel_buffered16", Workloads.WEFT_CHANNEL, Workloads.JOX_DEFAULT)); // 0.4x
        assertEquals("missed by 0.10×",
                verdict(r, "channel_buffered16", Workloads.WEFT_CHANNEL, Workloads.JOX_CUSTOM1)); // 0.8x
        Workload buffered = workload("channel_buffered16");
        assertEquals("met", buffered.goals().stream().filter(Goal::bytesPerOp).findFirst().orElseThrow()
                .judge(r.measured(buffered), "ns/op").result());
        assertEquals("missed by 0.10×",
                verdict(r, "channel_chain1000", Workloads.WEFT_CHANNEL, Workloads.JOX_DEFAULT)); // 0.6x
        assertEquals("not measured", verdict(r, "channel_chain1000", Workloads.WEFT_CHANNEL, Workloads.JOX_CUSTOM1));
        assertEquals("met", verdict(r, "channel_select_overhead", Workloads.WEFT_SELECT2, Workloads.WEFT_RECEIVE));
        // gevent's 3000 ns per hand-off against 100: 30x the rate
        assertEquals("met", verdict(r, "queue_handoff", Workloads.WEFT_QUEUE, Workloads.GEVENT));
        assertEquals("met", verdict(r, "event_wake1000", Workloads.WEFT_EVENT, Workloads.WEFT_YIELD)); // exactly 1.5x
    }

    @Test
    void theChannelSectionsShowJoxJucAndGeventSideBySide(@TempDir Path out) throws Exception {
        Report.Run run = new Report.Run("short", "ChannelPeers", "abc1234", "1 1 1", "2 2 2", "`CPU`", 2,
                "2026-12-03", false);
        String md = channelReport().markdown(run, out, false);
        assertTrue(md.contains("## Buffered(16) channel, one producer and one consumer, per item"), md);
        assertTrue(md.contains("| **Weft Channel, hub** | **40.0** |"), md);
        assertTrue(md.contains("| jox, VT default scheduler | 100 |"), md);
        assertTrue(md.contains("| ArrayBlockingQueue(16), VT 1 custom carrier | 200 |"), md);
        assertTrue(md.contains("| gevent | 500 |"), md);
        assertTrue(md.contains("| ArrayBlockingQueue(16), VT default scheduler | not measured |"), md);
        assertTrue(md.contains("| queue_handoff | Weft Queue, hub: ≥ 10× gevent's "
                + "hand-offs/s | 30.0× gevent's rate | **met** |"), md);
        assertTrue(md.contains("`channel_select1` (Select of 1 receive clause, per item)"),
                "a channel workload with no figure is listed as not measured");
        assertFalse(md.contains("## Other benchmarks"), "every channel benchmark is in a workload: " + md);
    }

    // ------------------------------------------------------------------ Kotlin coroutines (issue 16, "Also")

    /**
     * The Kotlin benchmarks' names, as the profile kotlin-peers compiles them (KotlinPeers,
     * KotlinMillionParked): spelled out, since CI compiles this test without them.
     */
    private static final List<String> KOTLIN_BENCHMARKS = Stream.of("kotlin1Thread", "kotlinDefault")
            .flatMap(config -> Stream.concat(Stream.of("yield", "launchJoin", "timerStorm", "rendezvous", "buffered16",
                            "chain1000", "select1", "select2").map(w -> "KotlinPeers." + w + "_" + config),
                    Stream.of("KotlinMillionParked." + config + ":count=1000000")))
            .toList();

    @Test
    void everyKotlinBenchmarkIsAPeerOfTheWorkloadItStandsBeside() {
        assertEquals(18, KOTLIN_BENCHMARKS.size());
        for (String name : KOTLIN_BENCHMARKS) {
            String[] mapped = Workloads.ofBenchmark("dev.weft.bench." + name).orElseThrow(
                    () -> new AssertionError(name + " has no row in Workloads.JMH"));
            assertTrue(workload(mapped[0]).peers().contains(mapped[1]),
                    name + " maps to peer " + mapped[1] + ", which its workload " + mapped[0] + " does not list");
            assertTrue(Workloads.PEER_SETUP.containsKey(mapped[1]), "no configuration text for " + mapped[1]);
        }
        assertEquals(List.of("channel_chain1000", Workloads.KOTLIN_CHANNEL_DEFAULT),
                List.of(Workloads.ofBenchmark("dev.weft.bench.KotlinPeers.chain1000_kotlinDefault").orElseThrow()));
        assertEquals(List.of("spawn_join", Workloads.KOTLIN_1THREAD),
                List.of(Workloads.ofBenchmark("dev.weft.bench.KotlinPeers.launchJoin_kotlin1Thread").orElseThrow()));
        assertTrue(Workloads.ofBenchmark("dev.weft.bench.KotlinMillionParked.kotlin1Thread:count=1000").isEmpty(),
                "a smoke-sized run is not a row of million_parked");
    }

    @Test
    void kotlinRowsStandBesideTheOtherPeersWithTheirRatios(@TempDir Path out) throws Exception {
        JsonArray results = new JsonArray();
        Stream.of(jmhResult("PingPong.yield_hub", 100, Double.NaN),
                jmhResult("PingPong.yield_vtCustom1", 300, Double.NaN),
                jmhResult("KotlinPeers.yield_kotlin1Thread", 250, Double.NaN),
                jmhResult("KotlinPeers.yield_kotlinDefault", 400, Double.NaN),
                jmhResult("ChannelPeers.buffered16_weftHub", 40, 0.0001),
                jmhResult("ChannelPeers.buffered16_joxVtDefault", 100, 0.02),
                jmhResult("KotlinPeers.buffered16_kotlin1Thread", 80, 0.5),
                jmhResult("KotlinPeers.buffered16_kotlinDefault", 120, 0.5)).forEach(results::add);
        Report r = new Report(JmhJson.parse(results), JsonLines.parse(List.of(
                "{\"workload\": \"parked_memory_shallow\", \"peer\": \"kotlin-1thread\", \"unit\": \"B\", "
                        + "\"median\": 200.0, \"error\": 2.0, \"samples\": [198.0, 200.0, 202.0], \"config\": \"heap\"}"),
                "memory.jsonl"));
        assertEquals(200.0, r.measured(workload("parked_memory_shallow")).get(Workloads.KOTLIN_1THREAD).median(),
                "ParkedMemory's kotlin-1thread variant is the Kotlin row");
        Map<String, Measurement> pp = r.measured(workload("pingpong_yield"));
        assertEquals(0.4, Report.ratio(pp.get(Workloads.HUB), pp.get(Workloads.KOTLIN_1THREAD)), 1e-9);

        Report.Run run = new Report.Run("short", "", "abc1234", "1 1 1", "2 2 2", "`CPU`", 2, "2026-12-03", false);
        String md = r.markdown(run, out, false);
        assertTrue(md.contains("| Kotlin coroutines, 1 thread | 250 |"), md);
        assertTrue(md.contains("| Kotlin coroutines, Dispatchers.Default | 400 |"), md);
        assertTrue(md.contains("| Kotlin Channel, 1 thread | 80.0 |"), md);
        assertTrue(md.contains("| Kotlin Channel, Dispatchers.Default | 120 |"), md);
        assertTrue(md.contains(" vs Kotlin coroutines, 1 thread |"), "a ratio column to Kotlin on one thread: " + md);
        assertTrue(md.contains(" vs Kotlin Channel, 1 thread |"), md);
        assertFalse(md.contains("## Other benchmarks"), "every Kotlin benchmark is in a workload: " + md);
    }
}
