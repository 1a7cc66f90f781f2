package dev.weft.stress;

import joptsimple.OptionException;
import joptsimple.OptionParser;
import joptsimple.OptionSet;
import joptsimple.OptionSpec;
import org.openjdk.jcstress.infra.TestInfo;
import org.openjdk.jcstress.infra.collectors.DiskReadCollector;
import org.openjdk.jcstress.infra.collectors.InProcessCollector;
import org.openjdk.jcstress.infra.collectors.TestResult;
import org.openjdk.jcstress.infra.grading.GradingResult;
import org.openjdk.jcstress.infra.grading.ReportUtils;
import org.openjdk.jcstress.infra.grading.TestGrading;
import org.openjdk.jcstress.infra.runners.TestList;
import org.openjdk.jcstress.infra.Status;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs Weft's jcstress suite and judges it: the entry point of {@code ./weft stress} and of the
 * CI run in {@code ./mvnw verify}.
 *
 * <p>It forks {@code java -jar jcstress.jar} with Weft's JVM flag, shows progress, then reads
 * jcstress's result blob and prints one row per test: guarantee, test, samples, outcomes seen,
 * verdict. The exit status is non-zero if any test failed, if any selected test produced no
 * result (jcstress skips a test it cannot schedule, "No scheduling is possible", and still
 * exits 0), if a test or twin ran 0 samples (NOT RUN: in ci, quick, default and tough modes),
 * or if any {@link NegativeControl broken twin} was not caught. With {@code --docs FILE} it
 * writes the guarantees catalogue from the results: an unfiltered run rewrites it, a filtered
 * one merges the rows of the tests it ran into it, and each row names the run it came from.
 *
 * <p>The tests are those of the jcstress test list in the jar this class runs from (jcstress's
 * {@link TestList}), which must be the jar that {@code --jar} forks.
 *
 * <p>Usage (also printed by {@code --help}):
 * <pre>
 * StressSuite [--java JAVA] [--jar JCSTRESS_JAR] [--work DIR] [--docs FILE] [--judge-only]
 *             [sanity|ci|quick|default|tough] [FILTER]
 * </pre>
 */
public final class StressSuite {
    /** The JVM flags of every forked test VM, from the one file that writes them (jvm-flags.properties). */
    private static final String WEFT_FLAGS = String.join(" ", dev.weft.fibers.internal.JvmFlags.classPathFlags());
    /** What sanity mode can and cannot prove: for ./weft help (one sentence). */
    static final String SANITY = "sanity runs each test for a few dozen samples (about 56 on a 2-CPU machine): it proves "
            + "that every test and twin loads, runs and reports, not that a guarantee holds, it misses 3 to 6 twins on such "
            + "a machine, and a test it leaves at 0 samples is reported NOT RUN, never PASS.";
    static final String USAGE = "usage: StressSuite [--java JAVA] [--jar JCSTRESS_JAR] [--work DIR] [--docs FILE] [--judge-only]\n"
            + "                   [sanity|ci|quick|default|tough] [FILTER]\n"
            + "  MODE    ci: one normal and one stress fork of 1 s per test (./mvnw verify); quick (the default), default, tough: jcstress's modes;\n"
            + "          " + wrap(SANITY, 100, "          ") + "\n"
            + "  FILTER  a regular expression found in the test's class name, as jcstress's -t (default: every test)\n"
            + "  --judge-only  runs nothing: judges the results already in the work directory (e.g. those of\n"
            + "          ./mvnw verify in stress/target/stress-ci), for MODE\n"
            + "  --docs FILE   writes the guarantees catalogue: rewritten by an unfiltered run, its rows of the tests\n"
            + "          run merged in by a filtered one";
    private static final List<String> MODES = List.of("sanity", "ci", "quick", "default", "tough");
    private static final Pattern PROGRESS = Pattern.compile("\\(Results: (\\d+) planned; (\\d+) passed, (\\d+) failed, (\\d+) soft errs, (\\d+) hard errs\\)");

    private StressSuite() {}

    /** One row of the verdict table. */
    record Row(String guarantee, String test, boolean twin, String twinOf, long samples,
               Map<String, Long> outcomes, String verdict, boolean ok) {}

    public static void main(String[] args) throws Exception {
        OptionParser parser = new OptionParser();
        OptionSpec<String> javaOpt = parser.accepts("java", "the java that runs jcstress").withRequiredArg()
                .defaultsTo(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        OptionSpec<String> jarOpt = parser.accepts("jar", "the jcstress jar (the one this class runs from)").withRequiredArg();
        OptionSpec<String> workOpt = parser.accepts("work", "the work directory").withRequiredArg()
                .defaultsTo(Path.of("stress", "target", "stress-run").toString());
        OptionSpec<String> docsOpt = parser.accepts("docs", "the guarantees catalogue to write").withRequiredArg();
        OptionSpec<Void> judgeOnlyOpt = parser.accepts("judge-only", "judge the results in the work directory");
        OptionSpec<Void> helpOpt = parser.acceptsAll(List.of("h", "help"), "this text").forHelp();
        OptionSpec<String> positionalOpt = parser.nonOptions("[MODE] [FILTER]");
        OptionSet options;
        try {
            options = parser.parse(args);
        } catch (OptionException e) {
            System.err.println("weft stress: " + e.getMessage() + "\n" + USAGE);
            System.exit(2);
            return;
        }
        if (options.has(helpOpt)) {
            System.out.println(USAGE);
            return;
        }
        String java = options.valueOf(javaOpt);
        Path jar = jarOfThisClass();
        if (options.has(jarOpt) && !(Files.exists(Path.of(options.valueOf(jarOpt)))
                && Files.isSameFile(Path.of(options.valueOf(jarOpt)), jar))) {
            System.err.println("weft stress: --jar " + options.valueOf(jarOpt) + " is not the jar this suite runs from ("
                    + jar + "): the test list comes from the latter; run StressSuite with -cp set to the jar it forks");
            System.exit(2);
        }
        Path work = Path.of(options.valueOf(workOpt));
        Path docs = options.has(docsOpt) ? Path.of(options.valueOf(docsOpt)) : null;
        boolean judgeOnly = options.has(judgeOnlyOpt);
        List<String> positional = new ArrayList<>(options.valuesOf(positionalOpt));
        String mode = !positional.isEmpty() && MODES.contains(positional.getFirst()) ? positional.removeFirst() : "quick";
        String filter = positional.isEmpty() ? ".*" : positional.removeFirst();
        if (!positional.isEmpty()) {
            System.err.println("weft stress: unexpected arguments " + positional + "\n" + USAGE);
            System.exit(2);
        }
        List<String> selected = selectedTests(filter);
        if (selected.isEmpty()) {
            System.err.println("weft stress: no test matches \"" + filter + "\" (list them with: java -jar " + jar + " -l)");
            System.exit(2);
        }
        Files.createDirectories(work);
        Instant start = Instant.now();
        int jcstressExit = 0;
        if (!judgeOnly) {
            try (var old = Files.newDirectoryStream(work, "jcstress-results-*.bin.gz")) {
                for (Path p : old) {
                    Files.delete(p);
                }
            }
            jcstressExit = runJcstress(java, jar, work, mode, filter, selected.size(), start);
        }
        Duration elapsed = Duration.between(start, Instant.now());

        List<Row> rows = new ArrayList<>(judge(selected, readResults(work), mode));
        if (!judgeOnly) {
            retryUncaughtTwins(rows, java, jar, work, mode, start);
        }
        printTable(rows);
        boolean ok = rows.stream().allMatch(Row::ok);
        long twins = rows.stream().filter(Row::twin).count();
        System.out.printf("%nweft stress: %s mode, %d tests (%d broken twins), %s, jcstress exit %d: %s%n",
                mode, rows.size(), twins, format(elapsed), jcstressExit,
                ok ? "every guarantee held and every twin was caught" : "FAILED (see the verdicts above)");
        if (docs != null) {
            boolean merge = !filter.equals(".*");
            GuaranteesPage.write(docs, rows, mode, filter, merge);
            System.out.println("weft stress: " + (merge ? "merged " + rows.size() + " rows into " : "wrote ") + docs);
        }
        System.exit(ok ? 0 : 1);
    }

    /**
     * Some twins break a race that a short run hits only now and then (a lost wake-up a few
     * times in 10^5 samples). A twin must be caught, but a single short run that misses one
     * proves little: it gets up to two more runs of its own, and counts as caught if any run
     * caught it. A guarantee that fails is never retried.
     */
    static void retryUncaughtTwins(List<Row> rows, String java, Path jar, Path work, String mode, Instant start)
            throws Exception {
        for (int attempt = 2; attempt <= 3; attempt++) {
            List<String> uncaught = rows.stream().filter(r -> r.twin() && !r.ok()).map(Row::test).toList();
            if (uncaught.isEmpty()) {
                return;
            }
            System.out.printf("weft stress: %d twin(s) not caught yet, run %d of 3 for them: %s%n",
                    uncaught.size(), attempt, uncaught);
            Path retryWork = work.resolve("twin-run-" + attempt);
            Files.createDirectories(retryWork);
            try (var old = Files.newDirectoryStream(retryWork, "jcstress-results-*.bin.gz")) {
                for (Path p : old) {
                    Files.delete(p);
                }
            }
            String filter = String.join("|", uncaught.stream().map(Pattern::quote).toList());
            runJcstress(java, jar, retryWork, mode, filter, uncaught.size(), start);
            for (Row retried : judge(uncaught, readResults(retryWork), mode)) {
                if (retried.ok()) {
                    rows.replaceAll(r -> r.test().equals(retried.test()) ? retried : r);
                }
            }
        }
    }

    // ------------------------------------------------------------------ running jcstress

    /**
     * jcstress arguments per mode: "ci" is one short fork per test, in one JVM configuration.
     * Its strides are capped at 20 × 256 samples (jcstress's default: 40 × 256): before each fork
     * runs, jcstress sizes its strides by running the test five times at each of about fifty
     * growing counts up to the cap, and for a test whose sample costs tens of microseconds (a
     * fiber woken across threads on this 2-CPU machine) that sizing took longer than the
     * one-second run itself (Park_02: 30 s a test at 40 strides, 22 s at 20, with 229,000 and
     * 198,000 samples).
     */
    static List<String> modeArgs(String mode) {
        return switch (mode) {
            case "ci" -> List.of("-jvmArgs", WEFT_FLAGS, "-sc", "false", "-f", "1", "-fsm", "1", "-iters", "1", "-time", "1000",
                    "-strideCount", "20");
            default -> List.of("-m", mode, "-jvmArgsPrepend", WEFT_FLAGS);
        };
    }

    private static int runJcstress(String java, Path jar, Path work, String mode, String filter, int tests,
                                   Instant start) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(java, "-jar", jar.toAbsolutePath().toString()));
        cmd.addAll(modeArgs(mode));
        cmd.addAll(List.of("-t", filter, "-r", work.resolve("results").toAbsolutePath().toString()));
        System.out.println("weft stress: " + tests + " tests, mode " + mode + ": " + String.join(" ", cmd));
        Path log = work.resolve("jcstress.log");
        Process p = new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true).start();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
             var out = Files.newBufferedWriter(log)) {
            String planned = "?";
            for (String line; (line = in.readLine()) != null; ) {
                out.write(line);
                out.newLine();
                Matcher m = PROGRESS.matcher(line);
                if (m.find()) {
                    long done = Long.parseLong(m.group(2)) + Long.parseLong(m.group(3))
                            + Long.parseLong(m.group(4)) + Long.parseLong(m.group(5));
                    planned = m.group(1);
                    long total = Long.parseLong(planned);
                    System.out.printf("weft stress: %d/%d tests done (%s/%s runs), %s elapsed%n",
                            total == 0 ? 0 : done * tests / total, tests, done, planned, format(Duration.between(start, Instant.now())));
                } else if (line.contains("[FAILED]") || line.contains("[ERROR]") || line.contains("No scheduling is possible")) {
                    System.out.println("weft stress: " + line.replace("......", "").trim());
                }
            }
        }
        int exit = p.waitFor();
        System.out.println("weft stress: jcstress finished (log: " + log + ")");
        return exit;
    }

    // ------------------------------------------------------------------ judging

    /** The tests of jcstress's test list whose name matches {@code filter} as jcstress's -t does (find), sorted. */
    static List<String> selectedTests(String filter) {
        Pattern p = Pattern.compile(filter);
        return allTests().stream().filter(name -> p.matcher(name).find()).sorted().toList();
    }

    /** Every test of jcstress's test list (META-INF/TestList of the jar this class runs from). */
    static List<String> allTests() {
        try {
            return List.copyOf(TestList.tests());
        } catch (RuntimeException | ExceptionInInitializerError e) {
            throw new IllegalStateException("the jcstress test list (META-INF/TestList) is missing or unreadable: the jcstress "
                    + "annotation processor did not run (JDK 23+ needs <proc>full</proc>); rebuild the stress module", e);
        }
    }

    /** The guarantee a test states: its jcstress description. */
    static String guarantee(String test) {
        TestInfo info = TestList.getInfo(test);
        return info == null || info.description() == null ? "" : info.description();
    }

    private static Map<String, TestResult> readResults(Path work) throws Exception {
        InProcessCollector collector = new InProcessCollector();
        try (var blobs = Files.newDirectoryStream(work, "jcstress-results-*.bin.gz")) {
            for (Path blob : blobs) {
                DiskReadCollector reader = new DiskReadCollector(blob.toString(), collector);
                reader.dump();
                reader.close();
            }
        }
        Map<String, TestResult> byName = new LinkedHashMap<>();
        for (TestResult r : ReportUtils.mergedByName(collector.getTestResults())) {
            byName.put(r.getName(), r);
        }
        return byName;
    }

    /** Whether a test or twin that ran 0 samples fails the suite in {@code mode} (all but sanity). */
    static boolean notRunFails(String mode) {
        return !mode.equals("sanity");
    }

    static List<Row> judge(List<String> selected, Map<String, TestResult> results, String mode) {
        List<Row> rows = new ArrayList<>();
        for (String name : selected) {
            Class<?> c = load(name);
            NegativeControl twin = c == null ? null : c.getAnnotation(NegativeControl.class);
            String guarantee = guarantee(name);
            String twinOf = twin == null ? null : twin.of().getSimpleName();
            TestResult r = results.get(name);
            if (r == null) {
                rows.add(new Row(guarantee, name, twin != null, twinOf, 0, Map.of(),
                        "SKIPPED (no result: not schedulable, or jcstress stopped)", false));
                continue;
            }
            Map<String, Long> outcomes = new LinkedHashMap<>();
            for (String key : r.getStateKeys()) {
                outcomes.put(key, r.getCount(key));
            }
            TestGrading g = r.grading();
            boolean forbiddenSeen = g.gradingResults.values().stream()
                    .anyMatch(gr -> gr.count > 0 && !TestGrading.passed(gr.expect, gr.count));
            boolean hang = r.status() == Status.TIMEOUT_ERROR;
            boolean normal = r.status() == Status.NORMAL;
            boolean notRun = r.getTotalCount() == 0;
            String verdict;
            boolean ok;
            if (twin != null && (forbiddenSeen || hang)) {
                ok = true;
                verdict = "CAUGHT (" + (hang ? "hang" : "forbidden outcome") + ")";
            } else if (twin == null && !normal) {
                ok = false;
                verdict = "ERROR (" + r.status() + ")";
            } else if (notRun) {
                ok = !notRunFails(mode);
                verdict = "NOT RUN (0 samples)";
            } else if (twin != null) {
                ok = false;
                verdict = "NOT CAUGHT: the twin passed";
            } else {
                ok = g.isPassed;
                verdict = ok ? "PASS" : "FAIL (forbidden outcome)";
            }
            rows.add(new Row(guarantee, name, twin != null, twinOf, r.getTotalCount(), outcomes, verdict, ok));
        }
        return rows;
    }

    static Class<?> load(String name) {
        try {
            return Class.forName(name, false, StressSuite.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            return null;
        }
    }

    // ------------------------------------------------------------------ reporting

    private static void printTable(List<Row> rows) {
        List<String[]> cells = new ArrayList<>();
        cells.add(new String[] {"guarantee", "test", "samples", "outcomes seen", "verdict"});
        for (Row r : rows) {
            cells.add(new String[] {r.twin() ? "(twin of " + r.twinOf() + ")" : r.guarantee(), shortName(r.test()),
                    String.format("%,d", r.samples()), outcomes(r.outcomes()), r.verdict()});
        }
        int[] width = new int[5];
        for (String[] row : cells) {
            for (int i = 0; i < 5; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        System.out.println();
        for (int n = 0; n < cells.size(); n++) {
            String[] row = cells.get(n);
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < 5; i++) {
                line.append(i == 2 ? String.format("%" + width[i] + "s", row[i]) : String.format("%-" + width[i] + "s", row[i]));
                line.append(i < 4 ? " | " : "");
            }
            System.out.println(line.toString().stripTrailing());
            if (n == 0) {
                System.out.println("-".repeat(line.length()));
            }
        }
    }

    static String outcomes(Map<String, Long> outcomes) {
        StringBuilder s = new StringBuilder();
        outcomes.forEach((k, v) -> s.append(s.isEmpty() ? "" : "; ").append('[').append(k).append("] ").append(String.format("%,d", v)));
        return s.toString();
    }

    static String shortName(String test) {
        return test.substring("dev.weft.stress.".length());
    }

    private static String wrap(String text, int width, String indent) {
        StringBuilder out = new StringBuilder();
        int lineStart = -indent.length();
        for (String word : text.split(" ")) {
            if (out.length() - lineStart + word.length() + 1 > width && out.length() > lineStart) {
                out.append('\n').append(indent);
                lineStart = out.length() - indent.length();
            } else if (!out.isEmpty()) {
                out.append(' ');
            }
            out.append(word);
        }
        return out.toString();
    }

    private static String format(Duration d) {
        return String.format("%d:%02d", d.toMinutes(), d.toSecondsPart());
    }

    private static Path jarOfThisClass() throws Exception {
        return Path.of(StressSuite.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }
}
