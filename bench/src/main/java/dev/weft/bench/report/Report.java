package dev.weft.bench.report;

import joptsimple.OptionException;
import joptsimple.OptionParser;
import joptsimple.OptionSet;
import joptsimple.OptionSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Writes {@code REPORT.md} and its charts from one run of the comparison suite (issue 5 §3).
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar dev.weft.bench.report.Report --out DIR
 *      [--jmh jmh.json] [--lines gevent.jsonl]... [--mode short|full] [--filter REGEX]
 *      [--commit HASH] [--load-start "1.0 0.5 0.3"] [--gevent-missing]
 * </pre>
 * {@code ./weft bench} runs it after the benchmarks. Every figure comes from the files given;
 * a peer or goal with no figure is printed as "not measured", never estimated. Ratios are of
 * medians from this one run. The machine is described from {@code /proc/cpuinfo} and
 * {@code /proc/loadavg} (the load at the start is passed in by the launcher, the load at the
 * end is read here).
 */
public final class Report {
    static final String GEVENT_INSTALL = "apt-get install -y python3-gevent";

    private final Map<String, Map<String, Measurement>> byWorkload = new LinkedHashMap<>();
    private final List<Measurement> others = new ArrayList<>();
    private final Set<String> settings = new LinkedHashSet<>();
    private final Set<String> jvms = new LinkedHashSet<>();

    /** Files every figure (and nothing else) comes from. */
    Report(JmhJson jmh, List<Measurement> lines) {
        if (jmh != null) {
            settings.addAll(jmh.settings());
            jvms.addAll(jmh.jvms());
            jmh.measurements().forEach(this::add);
        }
        lines.forEach(this::add);
    }

    /** Files the measurement under its workload and peer, or under "other benchmarks". */
    private void add(Measurement m) {
        Workload w = Workloads.byId(m.workload()).orElse(null);
        if (w == null || m.peer().isEmpty() || !Units.convertible(m.unit(), w.unit())) {
            others.add(m);
            return;
        }
        Map<String, Measurement> peers = byWorkload.computeIfAbsent(w.id(), k -> new LinkedHashMap<>());
        if (peers.containsKey(m.peer())) {
            others.add(m); // a second figure for the same peer: shown, not judged
        } else {
            peers.put(m.peer(), m.in(w.unit()));
        }
    }

    /** The measurements of {@code w} by peer, in the workload's unit (empty if none). */
    Map<String, Measurement> measured(Workload w) {
        return byWorkload.getOrDefault(w.id(), Map.of());
    }

    List<Measurement> others() {
        return others;
    }

    /** The ratio of {@code m}'s median to {@code baseline}'s, NaN when either is missing. */
    static double ratio(Measurement m, Measurement baseline) {
        return m == null || baseline == null || !(baseline.median() > 0) ? Double.NaN : m.median() / baseline.median();
    }

    // ------------------------------------------------------------------ the markdown

    /** Run facts the launcher knows; any may be empty. */
    record Run(String mode, String filter, String commit, String loadStart, String loadEnd, String cpu,
               int cores, String date, boolean geventMissing) {
    }

    String markdown(Run run, Path out, boolean charts) throws IOException {
        StringBuilder md = new StringBuilder();
        md.append("# Weft performance report\n\n");
        md.append("Written by `./weft bench ").append(run.mode())
                .append(run.filter().isEmpty() ? "" : " '" + run.filter() + "'").append("` (")
                .append("`dev.weft.bench.report.Report`) from the raw results beside it. Every figure is the **median** "
                        + "of the measured iterations; ratios are of medians from this one run. A figure that was not "
                        + "measured is left empty and marked so: nothing here is estimated.\n\n");
        if (!run.filter().isEmpty()) {
            md.append("**Partial run**: only the benchmarks matching `").append(run.filter()).append("` ran.\n\n");
        }
        machine(md, run);
        goals(md);
        List<String> unmeasured = new ArrayList<>();
        for (Workload w : Workloads.ALL) {
            if (measured(w).isEmpty()) {
                unmeasured.add("`" + w.id() + "` (" + w.title() + ")");
                continue;
            }
            workload(md, w, run, out, charts);
        }
        if (!others.isEmpty()) {
            otherBenchmarks(md);
        }
        if (!unmeasured.isEmpty()) {
            md.append("## Not measured in this run\n\n");
            unmeasured.forEach(u -> md.append("- ").append(u).append('\n'));
            md.append('\n');
        }
        rawData(md, out);
        return md.toString();
    }

    private void machine(StringBuilder md, Run run) {
        md.append("## Machine and run\n\n| | |\n|---|---|\n");
        md.append("| CPU | ").append(run.cpu()).append(", ").append(run.cores()).append(" cores (`availableProcessors`) |\n");
        md.append("| Load average (1, 5, 15 min) | start ").append(orUnknown(run.loadStart())).append("; end ")
                .append(orUnknown(run.loadEnd())).append(" |\n");
        md.append("| JVM | ").append(jvms.isEmpty() ? System.getProperty("java.vm.name") + " "
                + System.getProperty("java.vm.version") + " (the report's own JVM; no JMH results)"
                : String.join("; ", jvms)).append(" |\n");
        md.append("| JMH | ").append(settings.isEmpty() ? "not run" : String.join("; ", settings))
                .append(", `-prof gc` for B/op |\n");
        md.append("| gevent | ").append(geventLine(run)).append(" |\n");
        md.append("| Weft | commit `").append(orUnknown(run.commit())).append("` |\n");
        md.append("| Date | ").append(run.date()).append(" |\n\n");
        md.append("Columns: **median**; **error**: JMH's 99.9 % confidence half-width around its mean (the mean is "
                + "shown beside it), or, for the programs outside JMH (gevent, `ParkedMemory`), the largest distance "
                + "from the median to a measured iteration; **range**: the fastest and slowest iteration; **n**: "
                + "measured iterations; **B/op**: JMH's `gc.alloc.rate.norm`; **vs X**: this row's median divided "
                + "by X's. Goals are judged on the medians. The machine may be shared: read the ranges.\n\n");
    }

    private String geventLine(Run run) {
        String line = null;
        for (Map<String, Measurement> peers : byWorkload.values()) {
            Measurement g = peers.get(Workloads.GEVENT);
            if (g != null) {
                int i = g.config().lastIndexOf("CPython"); // weftbench.describe(): the versions
                line = i >= 0 ? g.config().substring(i) : line == null ? "measured" : line;
            }
        }
        if (line != null) {
            return line + " (`/usr/bin/python3`, `bench/gevent/`)";
        }
        return run.geventMissing() ? "**not installed**: the gevent column is empty. Install it with `"
                + GEVENT_INSTALL + "` (Debian) and run again; the programs run with `/usr/bin/python3`"
                : "not run";
    }

    private void goals(StringBuilder md) {
        md.append("## Goals\n\n| workload | goal | measured | result |\n|---|---|---|---|\n");
        for (Workload w : Workloads.ALL) {
            for (Goal g : w.goals()) {
                Goal.Verdict v = g.judge(measured(w), w.unit());
                md.append("| ").append(w.id()).append(" | ").append(g.peer()).append(": ").append(g.text())
                        .append(" | ").append(v.measured()).append(" | ").append(bold(v.result())).append(" |\n");
            }
        }
        md.append('\n');
    }

    private void workload(StringBuilder md, Workload w, Run run, Path out, boolean charts) throws IOException {
        Map<String, Measurement> peers = measured(w);
        md.append("## ").append(w.title()).append("\n\n`").append(w.id()).append("`, ").append(w.unit())
                .append(w.higherIsBetter() ? ", higher is better" : ", lower is better").append(". ")
                .append(w.what()).append("\n\n");
        List<Measurement> rows = new ArrayList<>();
        for (String p : w.peers()) {
            if (peers.containsKey(p)) {
                rows.add(peers.get(p));
            }
        }
        peers.values().stream().filter(m -> !w.peers().contains(m.peer())).forEach(rows::add);
        if (charts) {
            Path png = out.resolve("charts").resolve(w.id() + ".png");
            Files.createDirectories(png.getParent());
            Charts.write(png, w, rows);
            md.append("![").append(w.title()).append("](charts/").append(w.id()).append(".png)\n\n");
        }
        List<String> baselines = w.baselines().stream().filter(peers::containsKey).toList();
        Workload.Work work = w.workPerOp();
        md.append("| peer | median | mean ± error | range | n | B/op |");
        if (work != null) {
            md.append(' ').append(work.what()).append("/s |");
        }
        baselines.forEach(b -> md.append(" vs ").append(b).append(" |"));
        md.append("\n|---|---|---|---|---|---|");
        if (work != null) {
            md.append("---|");
        }
        baselines.forEach(b -> md.append("---|"));
        md.append('\n');
        List<String> order = new ArrayList<>(w.peers());
        rows.stream().map(Measurement::peer).filter(p -> !order.contains(p)).forEach(order::add);
        for (String p : order) {
            Measurement m = peers.get(p);
            String name = p.startsWith("Weft") ? "**" + p + "**" : p;
            if (m == null) {
                String why = p.equals(Workloads.GEVENT) && run.geventMissing()
                        ? "not measured (gevent not installed: `" + GEVENT_INSTALL + "`)" : "not measured";
                md.append("| ").append(name).append(" | ").append(why).append(" | | | | |");
                if (work != null) {
                    md.append(" |");
                }
                baselines.forEach(b -> md.append(" |"));
                md.append('\n');
                continue;
            }
            md.append("| ").append(name).append(" | ").append(p.startsWith("Weft") ? bold(Figures.format(m.median()))
                            : Figures.format(m.median())).append(" | ").append(meanError(m)).append(" | ")
                    .append(range(m)).append(" | ").append(m.samples() == 0 ? "" : m.samples()).append(" | ")
                    .append(Figures.format(m.bytesPerOp())).append(" |");
            if (work != null) {
                md.append(' ').append(Figures.format(work.amount() / (m.median() * Units.factor(w.unit(), "s/op"))))
                        .append(" |");
            }
            for (String b : baselines) {
                md.append(' ').append(b.equals(p) ? "1" : Figures.ratio(ratio(m, peers.get(b)))).append(" |");
            }
            md.append('\n');
        }
        md.append('\n');
        if (!w.goals().isEmpty()) {
            md.append("| goal | measured | result |\n|---|---|---|\n");
            for (Goal g : w.goals()) {
                Goal.Verdict v = g.judge(peers, w.unit());
                md.append("| ").append(g.peer()).append(": ").append(g.text()).append(" | ").append(v.measured())
                        .append(" | ").append(bold(v.result())).append(" |\n");
            }
            md.append('\n');
        }
        md.append("Peers:\n");
        for (Measurement m : rows) {
            String setup = Stream.of(Workloads.PEER_SETUP.getOrDefault(m.peer(), ""), m.config())
                    .filter(x -> !x.isEmpty()).collect(Collectors.joining("; "));
            md.append("- ").append(m.peer()).append(" (`").append(m.source()).append("`)")
                    .append(setup.isEmpty() ? "" : ": " + setup).append('\n');
        }
        md.append('\n');
    }

    private void otherBenchmarks(StringBuilder md) {
        md.append("## Other benchmarks\n\nMeasured in this run, but in no workload row of the table "
                + "(`Workloads.JMH`), or a second figure for a peer already shown.\n\n");
        md.append("| benchmark | median | mean ± error | range | n | unit | B/op |\n|---|---|---|---|---|---|---|\n");
        for (Measurement m : others) {
            md.append("| `").append(m.source()).append("` | ").append(Figures.format(m.median())).append(" | ")
                    .append(meanError(m)).append(" | ").append(range(m)).append(" | ")
                    .append(m.samples() == 0 ? "" : m.samples()).append(" | ").append(m.unit()).append(" | ")
                    .append(Figures.format(m.bytesPerOp())).append(" |\n");
        }
        md.append('\n');
    }

    private static void rawData(StringBuilder md, Path out) throws IOException {
        md.append("## Raw data\n\n");
        try (Stream<Path> files = Files.list(out)) {
            files.filter(f -> f.toFile().length() > 0).map(f -> f.getFileName().toString())
                    .filter(f -> f.endsWith(".json") || f.endsWith(".jsonl"))
                    .sorted().forEach(f -> md.append("- [`").append(f).append("`](").append(f).append(")\n"));
        }
        md.append('\n');
    }

    private static String meanError(Measurement m) {
        String e = Double.isNaN(m.error()) ? "" : "± " + Figures.format(m.error());
        return Double.isNaN(m.mean()) ? e : (Figures.format(m.mean()) + " " + e).strip();
    }

    private static String range(Measurement m) {
        return Double.isNaN(m.min()) ? "" : Figures.format(m.min()) + "–" + Figures.format(m.max());
    }

    private static String bold(String s) {
        return s.isEmpty() ? s : "**" + s + "**";
    }

    private static String orUnknown(String s) {
        return s == null || s.isEmpty() ? "unknown" : s;
    }

    // ------------------------------------------------------------------ main

    public static void main(String[] args) throws IOException {
        System.setProperty("java.awt.headless", "true");
        OptionParser parser = new OptionParser();
        OptionSpec<String> outOpt = parser.accepts("out", "directory of REPORT.md and its charts")
                .withRequiredArg().required();
        OptionSpec<String> jmhOpt = parser.accepts("jmh", "JMH's JSON result").withRequiredArg();
        OptionSpec<String> linesOpt = parser.accepts("lines", "a JSON-lines file (repeatable)").withRequiredArg();
        OptionSpec<String> modeOpt = parser.accepts("mode").withRequiredArg().defaultsTo("");
        OptionSpec<String> filterOpt = parser.accepts("filter").withRequiredArg().defaultsTo("");
        OptionSpec<String> commitOpt = parser.accepts("commit").withRequiredArg().defaultsTo("");
        OptionSpec<String> loadStartOpt = parser.accepts("load-start").withRequiredArg().defaultsTo("");
        OptionSpec<Void> geventMissingOpt = parser.accepts("gevent-missing");
        OptionSet set;
        try {
            set = parser.parse(args);
        } catch (OptionException e) {
            System.err.println("weft report: " + e.getMessage() + " (see the Javadoc of dev.weft.bench.report.Report)");
            parser.printHelpOn(System.err);
            System.exit(2);
            return;
        }
        Path out = Path.of(set.valueOf(outOpt));
        Path jmh = set.has(jmhOpt) ? Path.of(set.valueOf(jmhOpt)) : null;
        List<Path> lines = set.valuesOf(linesOpt).stream().map(Path::of).toList();
        String mode = set.valueOf(modeOpt);
        String filter = set.valueOf(filterOpt);
        String commit = set.valueOf(commitOpt);
        String loadStart = set.valueOf(loadStartOpt);
        boolean geventMissing = set.has(geventMissingOpt);
        Files.createDirectories(out);
        List<Measurement> fromLines = new ArrayList<>();
        for (Path p : lines) {
            if (Files.isRegularFile(p)) {
                fromLines.addAll(JsonLines.read(p));
            }
        }
        JmhJson results = jmh != null && Files.isRegularFile(jmh) && Files.size(jmh) > 0 ? JmhJson.read(jmh) : null;
        Report report = new Report(results, fromLines);
        Run run = new Run(mode, filter, commit, loadStart, loadAverage(), cpuModel(),
                Runtime.getRuntime().availableProcessors(),
                ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")),
                geventMissing);
        Path md = out.resolve("REPORT.md");
        Files.writeString(md, report.markdown(run, out, true));
        System.out.println("weft: wrote " + md);
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    static String cpuModel() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(l -> l.startsWith("model name")).map(l -> l.substring(l.indexOf(':') + 1).strip())
                    .findFirst().map(s -> "`" + s + "`").orElse("unknown");
        } catch (IOException | RuntimeException e) {
            return System.getProperty("os.arch");
        }
    }
}
