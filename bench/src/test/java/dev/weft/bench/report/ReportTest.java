package dev.weft.bench.report;

import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

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
}
