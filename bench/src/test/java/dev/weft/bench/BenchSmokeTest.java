package dev.weft.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CI smoke run (issue 5 §3): every JMH benchmark runs once, very briefly, and
 * {@link ParkedMemory} runs on a few strands. It asserts nothing about speed, only that each
 * benchmark ran and produced a finite score.
 *
 * <p>It runs JMH in this JVM ({@code forks(0)}, so no JVM start per benchmark): the flags of
 * the benchmarks' {@code @Fork(jvmArgsAppend)} come from Surefire's {@code argLine} instead, and
 * the {@code vtJdk1} variants run on the JDK's default virtual-thread scheduler here, not on
 * one carrier. No warm-up, one 50 ms iteration per benchmark (at least one invocation), every
 * {@code @Param} value, except {@link MillionParked}'s count: 1,000 strands. It ignores
 * JMH's machine-wide lock, so it can run beside a real benchmark run (which it then disturbs).
 */
class BenchSmokeTest {

    @Test
    void everyBenchmarkRunsOnce() throws Exception {
        Set<String> expected = BenchmarkList.defaultList()
                .getAll(OutputFormatFactory.createFormatInstance(
                        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), VerboseMode.SILENT),
                        List.of())
                .stream().map(BenchmarkListEntry::getUsername).collect(Collectors.toCollection(TreeSet::new));
        assertTrue(expected.size() >= 20, "too few benchmarks found in META-INF/BenchmarkList: " + expected);

        // JMH allows one run per machine (/tmp/jmh.lock); a smoke run measures nothing, so it may
        // overlap a real benchmark run or another build's smoke run (also set by the pom).
        System.setProperty("jmh.ignoreLock", "true");
        Options opts = new OptionsBuilder()
                .include("dev\\.weft\\.bench\\..*")
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(50))
                .param("count", "1000") // MillionParked: a thousand strands, not a million
                .param("connections", "4").param("roundTrips", "50") // EchoBench: 4 connections x 50 round trips, not 50 x 2,000
                .verbosity(VerboseMode.SILENT)
                .shouldFailOnError(true)
                .build();
        long t0 = System.nanoTime();
        Collection<RunResult> results = new Runner(opts).run();
        TreeMap<String, Double> scores = new TreeMap<>();
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark();
            double score = r.getPrimaryResult().getScore();
            // a benchmark with @Param values runs once per value: a run without a score must not be hidden
            scores.merge(name, score, (a, b) -> Double.isFinite(a) && a > 0 ? b : a);
            System.out.printf("  %-60s %-16s %14.1f %s%n", name, paramsOf(r), score, r.getPrimaryResult().getScoreUnit());
        }
        System.out.printf("bench smoke: %d benchmarks (%d runs) in %.1f s%n", scores.size(), results.size(),
                (System.nanoTime() - t0) / 1e9);

        assertEquals(expected, scores.keySet(), "every benchmark ran");
        scores.forEach((name, score) -> assertTrue(Double.isFinite(score) && score > 0,
                name + " produced no score: " + score));
    }

    private static String paramsOf(RunResult r) {
        return r.getParams().getParamsKeys().stream()
                .map(k -> k + "=" + r.getParams().getParam(k))
                .collect(Collectors.joining(","));
    }

    @Test
    void parkedMemoryRuns(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("memory.jsonl");
        ParkedMemory.main(new String[] {"--json", json.toString(), "1000", "1", "0", "5"});
        assertOneResultPerVariantAndDepth(Files.readAllLines(json));
    }

    /** {@code --forks}: each result is over the forks, one sample per fork, without G1's dead space. */
    @Test
    void parkedMemoryRunsInForks(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("memory.jsonl");
        ParkedMemory.main(new String[] {"--json", json.toString(), "--forks", "2", "1000", "1", "0", "5"});
        List<String> lines = Files.readAllLines(json);
        assertOneResultPerVariantAndDepth(lines);
        Pattern twoSamples = Pattern.compile(".*\"samples\": \\[[0-9.-]+, [0-9.-]+\\],.*");
        for (String line : lines) {
            assertTrue(twoSamples.matcher(line).matches(), "not one sample per fork: " + line);
            assertTrue(line.contains("median of 2 JVMs' medians") && line.contains(MemoryForks.DEAD_RATIO), line);
        }
    }

    /** One finite result per variant and depth, in the format the report reads. */
    private static void assertOneResultPerVariantAndDepth(List<String> lines) throws ReflectiveOperationException {
        Pattern result = Pattern.compile("\\{\"workload\": \"(parked_memory_\\w+)\", \"peer\": \"([\\w-]+)\", "
                + "\"unit\": \"B\", \"median\": (-?[0-9.]+),.*");
        Set<String> measured = new TreeSet<>();
        for (String line : lines) {
            Matcher m = result.matcher(line);
            assertTrue(m.matches(), "not a ParkedMemory result: " + line);
            assertTrue(Double.isFinite(Double.parseDouble(m.group(3))), line);
            measured.add(m.group(1) + " " + m.group(2));
        }
        Set<String> expected = new TreeSet<>();
        for (String workload : List.of("parked_memory_shallow", "parked_memory_5")) {
            List<String> peers = new ArrayList<>(List.of("weft-hub", "weft-hub-semaphore", "raw-continuation", "vt-default",
                    "vt-custom1"));
            if (ParkedMemory.kotlinCoroutines() != null) { // built with the profile kotlin-peers
                peers.add(ParkedMemory.KOTLIN_VARIANT);
            }
            for (String peer : peers) {
                expected.add(workload + " " + peer);
            }
        }
        assertEquals(expected, measured, String.join("\n", lines));
        assertEquals(expected.size(), lines.size(), String.join("\n", lines));
    }
}
