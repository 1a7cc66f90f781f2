package dev.weft.stress;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The guarantees catalogue ({@code docs/guarantees.md}) that {@link StressSuite} writes from its
 * verdicts. An unfiltered run rewrites the page; a filtered run merges: it replaces (or adds)
 * the rows of the tests it ran and keeps the others as they were, so that a new test joins the
 * page after a short run of its own instead of a full one. The page lists every run its rows come
 * from, and each row names its run, so a merged page never passes one run's figures off as
 * another's. Rows of tests that are no longer in the jar are dropped.
 */
final class GuaranteesPage {
    private static final Pattern STAMP = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d UTC");
    private static final Pattern RUN_LINE = Pattern.compile("^- (" + STAMP.pattern() + "): (.*) \\(\\d+ rows?\\)$");
    private static final Pattern LEGACY_RUN = Pattern.compile("^Last run: (.*)\\.$");
    private static final String TABLE_HEAD = "| guarantee | test | samples | outcomes (count) | verdict | run |";

    private GuaranteesPage() {}

    /** One table row as the page shows it; {@code run} is the run's time stamp. */
    record PageRow(String guarantee, String test, String samples, String outcomes, String verdict, String run) {}

    static void write(Path page, List<StressSuite.Row> rows, String mode, String filter, boolean merge) throws IOException {
        String stamp = DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(Instant.now().atOffset(ZoneOffset.UTC).withNano(0)) + " UTC";
        String run = String.format("`%s` mode, filter `%s`, JDK %s (%s), %d CPUs", mode, filter,
                System.getProperty("java.version"), System.getProperty("java.vm.name"), Runtime.getRuntime().availableProcessors());
        Map<String, String> runs = new LinkedHashMap<>();
        Map<String, PageRow> byTest = new TreeMap<>();
        if (merge && Files.exists(page)) {
            read(Files.readAllLines(page), runs, byTest);
        }
        Set<String> inJar = Set.copyOf(StressSuite.allTests().stream().map(StressSuite::shortName).toList());
        byTest.keySet().retainAll(inJar);
        runs.put(stamp, run);
        for (StressSuite.Row r : rows) {
            String test = StressSuite.shortName(r.test());
            byTest.put(test, new PageRow(r.twin() ? "negative control of `" + r.twinOf() + "`: " + defect(r.test()) : r.guarantee(),
                    test, String.format("%,d", r.samples()), StressSuite.outcomes(r.outcomes()).replace("|", "\\|"),
                    r.verdict(), stamp));
        }
        Files.createDirectories(page.toAbsolutePath().getParent());
        Files.writeString(page, render(runs, orderedRows(byTest)));
    }

    /** Tests first, then twins, each by name (as the suite's own table). */
    private static List<PageRow> orderedRows(Map<String, PageRow> byTest) {
        List<PageRow> tests = new ArrayList<>();
        List<PageRow> twins = new ArrayList<>();
        for (PageRow r : byTest.values()) {
            (isTwin(r.test()) ? twins : tests).add(r);
        }
        tests.addAll(twins);
        return tests;
    }

    private static boolean isTwin(String shortName) {
        Class<?> c = StressSuite.load("dev.weft.stress." + shortName);
        return c != null && c.isAnnotationPresent(NegativeControl.class);
    }

    /** Reads the runs and rows of an existing page, in this format or the older one (one "Last run" for every row). */
    static void read(List<String> lines, Map<String, String> runs, Map<String, PageRow> byTest) {
        String legacyStamp = null;
        boolean inTable = false;
        for (String line : lines) {
            Matcher m = RUN_LINE.matcher(line);
            Matcher legacy = LEGACY_RUN.matcher(line);
            if (m.matches()) {
                runs.put(m.group(1), m.group(2));
            } else if (legacy.matches()) {
                Matcher stamp = STAMP.matcher(legacy.group(1));
                if (stamp.find()) {
                    legacyStamp = stamp.group();
                    runs.put(legacyStamp, legacy.group(1).replace(", " + legacyStamp, ""));
                }
            } else if (line.startsWith("| guarantee | test |")) {
                inTable = true;
            } else if (inTable && line.startsWith("|---")) {
                continue;
            } else if (inTable && line.startsWith("| ")) {
                String[] cells = line.substring(2, line.length() - 2).split(" \\| ", -1);
                String run = cells.length >= 6 ? cells[5] : legacyStamp;
                String test = cells[1].replace("`", "");
                byTest.put(test, new PageRow(cells[0], test, cells[2], cells[3], cells[4], run));
            } else if (inTable) {
                inTable = false;
            }
        }
    }

    private static String render(Map<String, String> runs, List<PageRow> rows) {
        Map<String, Integer> rowsPerRun = new TreeMap<>();
        rows.forEach(r -> rowsPerRun.merge(r.run(), 1, Integer::sum));
        StringBuilder md = new StringBuilder();
        md.append("# Concurrency guarantees and their proofs\n\n");
        md.append("<!-- Generated by `./weft stress` (dev.weft.stress.StressSuite) from jcstress's results: do not edit by hand. -->\n\n");
        md.append("Each guarantee below has a jcstress test in `stress/` that tries to break it, and, where it\n");
        md.append("applies, a broken twin: a copy of the algorithm with one step broken on purpose, run in the\n");
        md.append("same shape, that the run must catch (a forbidden outcome, or a hang). A suite whose twins\n");
        md.append("pass proves nothing. Read a test's block comment for the interleaving it exercises; rerun\n");
        md.append("one with `./weft stress quick <name>`. The long random run of the same primitives, the\n");
        md.append("soak, is reported in [soak.md](soak.md).\n\n");
        md.append(rowsPerRun.size() == 1 ? "The rows come from one run (column \"run\"):\n\n"
                : "The rows come from " + rowsPerRun.size() + " runs: an unfiltered run wrote the page, later filtered runs "
                + "replaced or added the rows of the tests they ran (column \"run\"):\n\n");
        rowsPerRun.forEach((stamp, n) -> md.append("- ").append(stamp).append(": ").append(runs.getOrDefault(stamp, "(unknown)"))
                .append(" (").append(n).append(n == 1 ? " row)\n" : " rows)\n"));
        md.append('\n').append(TABLE_HEAD).append("\n|---|---|---:|---|---|---|\n");
        for (PageRow r : rows) {
            md.append("| ").append(r.guarantee()).append(" | `").append(r.test()).append("` | ").append(r.samples())
                    .append(" | ").append(r.outcomes()).append(" | ").append(r.verdict()).append(" | ").append(r.run()).append(" |\n");
        }
        md.append("\n## Guarantees and their twins\n\n");
        for (PageRow r : rows) {
            if (isTwin(r.test())) {
                continue;
            }
            String simple = r.test().substring(r.test().lastIndexOf('.') + 1);
            List<String> twins = rows.stream().filter(t -> simple.equals(twinOf(t.test())))
                    .map(t -> "`" + t.test() + "` (" + t.verdict() + ")").toList();
            md.append("- **").append(r.guarantee()).append("** `").append(r.test()).append("`: ").append(r.verdict())
                    .append(". Twin: ").append(twins.isEmpty() ? "none" : String.join(", ", twins)).append(".\n");
        }
        return md.toString();
    }

    private static String twinOf(String shortName) {
        Class<?> c = StressSuite.load("dev.weft.stress." + shortName);
        NegativeControl n = c == null ? null : c.getAnnotation(NegativeControl.class);
        return n == null ? null : n.of().getSimpleName();
    }

    private static String defect(String test) {
        Class<?> c = StressSuite.load(test);
        NegativeControl n = c == null ? null : c.getAnnotation(NegativeControl.class);
        return n == null ? "" : n.defect();
    }
}
