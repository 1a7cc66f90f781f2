package dev.weft.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@link ParkedMemory} over several fresh JVMs ({@code --forks K}): each fork measures every
 * variant as one in-process run does, and each variant's result is the median of the forks'
 * medians, with the forks' medians as its samples.
 *
 * <p>Why forks: within one JVM the repetitions agree to a few bytes, because every strand of a
 * repetition freezes the same compiled frames; but which frames C2 compiled (what it inlined,
 * so how many values a frame spills) differs from JVM to JVM. A fiber blocked on a semaphore
 * read 422 to 526 B in five JVMs of the same jar, each of them steady within itself (issue 16). Only a spread over JVMs shows that; a single JVM's range understates it.
 *
 * <p>The forks run with {@code -XX:MarkSweepDeadRatio=0} unless the caller's flags set it: G1's
 * full collection otherwise leaves regions that are up to 5 % dead uncompacted, and that dead
 * space counts as used heap. With it, every repetition read 328 B per parked fiber (without it,
 * 332-334 B), and the figure is the live heap the strands keep.
 */
final class MemoryForks {
    static final String DEAD_RATIO = BenchFlags.LIVE_HEAP;
    private static final Pattern RESULT = Pattern.compile(
            "\"workload\": \"([^\"]+)\", \"peer\": \"([^\"]+)\".*\"median\": ([0-9.]+)");

    private MemoryForks() {}

    /**
     * Runs {@code forks} child JVMs with {@code positional} (count, reps, depths; {@code count} and
     * {@code reps} are what they come to), prints each variant's median and range over the forks,
     * and writes them to {@code jsonFile} if given.
     */
    static void run(int forks, List<Integer> positional, int count, int reps, Path jsonFile)
            throws IOException, InterruptedException {
        List<String> flags = new ArrayList<>(ManagementFactory.getRuntimeMXBean().getInputArguments());
        String deadRatio = flags.stream().filter(f -> f.startsWith("-XX:MarkSweepDeadRatio")).findFirst().orElse(null);
        if (deadRatio == null) {
            flags.add(deadRatio = DEAD_RATIO);
        }
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // key "workload\0peer", in the order the first fork printed them
        Map<String, List<Double>> medians = new LinkedHashMap<>();
        Path out = Files.createTempFile("parked-memory", ".jsonl");
        try {
            for (int k = 1; k <= forks; k++) {
                System.out.printf("# fork %d of %d%n", k, forks);
                List<String> command = new ArrayList<>();
                command.add(java);
                command.addAll(flags);
                command.addAll(List.of("-cp", System.getProperty("java.class.path"), ParkedMemory.class.getName(),
                        "--json", out.toString()));
                positional.forEach(n -> command.add(n.toString()));
                int status = new ProcessBuilder(command).inheritIO().start().waitFor();
                if (status != 0) {
                    throw new IOException("ParkedMemory fork " + k + " of " + forks + " failed with status " + status);
                }
                for (String line : Files.readAllLines(out)) {
                    Matcher m = RESULT.matcher(line);
                    if (m.find()) {
                        medians.computeIfAbsent(m.group(1) + '\0' + m.group(2), key -> new ArrayList<>())
                                .add(Double.parseDouble(m.group(3)));
                    }
                }
            }
        } finally {
            Files.deleteIfExists(out);
        }
        System.out.printf("# over %d forks (each the median of %d repetition(s)), %s%n", forks, reps, String.join(" ", flags));
        System.out.printf("%-18s %-22s %14s %18s%n", "variant", "workload", "bytes/strand", "forks' range");
        StringBuilder json = new StringBuilder();
        for (Map.Entry<String, List<Double>> e : medians.entrySet()) {
            String[] key = e.getKey().split("\0");
            double[] sorted = e.getValue().stream().mapToDouble(Double::doubleValue).sorted().toArray();
            System.out.printf(Locale.ROOT, "%-18s %-22s %14.0f %11.0f..%.0f%n", key[1], key[0], sorted[sorted.length / 2],
                    sorted[0], sorted[sorted.length - 1]);
            json.append(ParkedMemory.jsonLine(key[1], key[0], sorted, String.format(Locale.ROOT,
                    "heap retained per strand (used heap after System.gc() with %d parked minus before); median of "
                            + "%d JVMs' medians (%d repetition(s) each, %s), %s",
                    count, forks, reps, deadRatio, ParkedMemory.gcAndHeap())));
        }
        if (jsonFile != null) {
            Files.writeString(jsonFile, json);
        }
    }
}
