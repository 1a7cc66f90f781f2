package dev.weft.bench;

import joptsimple.OptionException;
import joptsimple.OptionParser;
import joptsimple.OptionSet;
import joptsimple.OptionSpec;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.format.OutputFormat;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The JMH step of {@code ./weft bench}: runs the benchmarks a filter selects with the defaults of
 * a mode ({@code short} or {@code full}) plus {@code -prof gc}, writes JMH's JSON result and its
 * full console log, and shows one progress line per benchmark (k of n, elapsed time, JMH's
 * estimate of the time left) and then its score.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar dev.weft.bench.JmhSuite --mode short [--filter REGEX]
 *      --result jmh.json --log jmh.log [--then TEXT] [-- JMH-OPTIONS]
 * </pre>
 * JMH-OPTIONS are JMH's own command-line options ({@link CommandLineOptions}); a mode's default
 * applies only where they do not set that option. Exit status: 0 when JMH ran (a benchmark that
 * failed is reported and shows in the log), 2 for bad arguments, 3 when another JMH run holds
 * JMH's machine-wide lock, 1 when JMH failed otherwise.
 */
public final class JmhSuite {
    private static final String PREFIX = "dev.weft.bench.";

    private JmhSuite() {}

    /** A default of a mode: its command-line form, whether the user's options set it, and how to set it. */
    private record Default(String flag, String value, Predicate<Options> isSet, Consumer<ChainedOptionsBuilder> apply) {}

    private static List<Default> defaults(String mode) {
        boolean full = switch (mode) {
            case "short" -> false;
            case "full" -> true;
            default -> throw new IllegalArgumentException("unknown mode " + mode + ": short or full");
        };
        // full: two forks (fork-to-fork variance shows), 3 + 5 iterations of 1 s: about 40 minutes for
        // the 120 benchmarks, an hour with ParkedMemory and gevent, so that a quiet full run fits a
        // working session; 3 forks of 5 + 10 iterations of 2 s would take over three hours
        int forks = full ? 2 : 1;
        int warmups = full ? 3 : 1;
        int iterations = full ? 5 : 3;
        // short: half-second iterations, so that the 120 benchmarks (each in its own fork, about 2 s
        // of fork and set-up besides its iterations) fit the 10 minutes with ParkedMemory and
        // gevent; 1 s iterations took 11:49 of JMH alone
        TimeValue time = full ? TimeValue.seconds(1) : TimeValue.milliseconds(500);
        String shownTime = full ? "1s" : "500ms";
        return List.of(
                new Default("-f", String.valueOf(forks), o -> o.getForkCount().hasValue(), b -> b.forks(forks)),
                new Default("-wi", String.valueOf(warmups), o -> o.getWarmupIterations().hasValue(),
                        b -> b.warmupIterations(warmups)),
                new Default("-w", shownTime, o -> o.getWarmupTime().hasValue(), b -> b.warmupTime(time)),
                new Default("-i", String.valueOf(iterations), o -> o.getMeasurementIterations().hasValue(),
                        b -> b.measurementIterations(iterations)),
                new Default("-r", shownTime, o -> o.getMeasurementTime().hasValue(), b -> b.measurementTime(time)));
    }

    /** JMH's options for a run, and how they read on the command line (the mode's defaults first). */
    record Plan(Options options, String shown) {}

    /**
     * The options of a run: {@code jmhArgs} (JMH's command line), the mode's defaults for what
     * they leave unset, {@code -prof gc} unless they ask for it, the filter, and JSON results to
     * {@code result}.
     *
     * @throws CommandLineOptionException if JMH rejects {@code jmhArgs}
     * @throws IllegalArgumentException if {@code mode} is neither short nor full
     */
    static Plan plan(String mode, String filter, List<String> jmhArgs, Path result)
            throws CommandLineOptionException {
        List<Default> modeDefaults = defaults(mode);
        CommandLineOptions cmd = new CommandLineOptions(jmhArgs.toArray(String[]::new));
        ChainedOptionsBuilder builder = new OptionsBuilder().parent(cmd);
        List<String> shown = new ArrayList<>();
        for (Default d : modeDefaults) {
            if (!d.isSet().test(cmd)) {
                d.apply().accept(builder);
                shown.add(d.flag() + " " + d.value());
            }
        }
        shown.addAll(jmhArgs);
        if (cmd.getProfilers().stream().noneMatch(p -> p.getKlass().equals("gc"))) {
            builder.addProfiler("gc");
            shown.add("-prof gc");
        }
        if (!filter.isEmpty()) {
            builder.include(filter);
        }
        Options options = builder.resultFormat(ResultFormatType.JSON).result(result.toString()).build();
        return new Plan(options, String.join(" ", shown));
    }

    /** Runs the JMH step of {@code ./weft bench}; the class comment gives the arguments and exit statuses. */
    public static void main(String[] args) throws IOException {
        OptionParser parser = new OptionParser();
        OptionSpec<String> modeOpt = parser.accepts("mode", "short or full").withRequiredArg().defaultsTo("short");
        OptionSpec<String> filterOpt = parser.accepts("filter", "JMH regexp").withRequiredArg().defaultsTo("");
        OptionSpec<String> resultOpt = parser.accepts("result", "JMH's JSON result").withRequiredArg().required();
        OptionSpec<String> logOpt = parser.accepts("log", "JMH's console output").withRequiredArg().required();
        OptionSpec<String> thenOpt = parser.accepts("then", "what follows JMH, for the first line")
                .withRequiredArg().defaultsTo("");
        OptionSpec<String> jmhArgs = parser.nonOptions("JMH's own options, after --");
        OptionSet set;
        Plan plan;
        try {
            set = parser.parse(args);
            plan = plan(set.valueOf(modeOpt), set.valueOf(filterOpt), set.valuesOf(jmhArgs),
                    Path.of(set.valueOf(resultOpt)));
        } catch (OptionException e) {
            System.err.println("weft bench: " + e.getMessage());
            parser.printHelpOn(System.err);
            System.exit(2);
            return;
        } catch (CommandLineOptionException | IllegalArgumentException e) {
            System.err.println("weft bench: " + e.getMessage() + " (JMH's options: ./weft bench -- -h)");
            System.exit(2);
            return;
        }
        String mode = set.valueOf(modeOpt);
        String filter = set.valueOf(filterOpt);
        Path log = Path.of(set.valueOf(logOpt));
        Options options = plan.options();

        Set<String> selected = selected(options);
        int n = selected.size();
        if (n == 0) {
            System.out.println("weft bench: no JMH benchmark matches '" + filter + "'");
            return;
        }
        String then = set.valueOf(thenOpt);
        System.out.println("weft bench: " + mode + ": " + n + " JMH benchmarks (" + plan.shown() + ")"
                + (then.isEmpty() ? "" : ", then " + then + " (when the filter selects them)"));

        Files.createDirectories(log.toAbsolutePath().getParent());
        try (PrintStream logStream = new PrintStream(Files.newOutputStream(log), true, StandardCharsets.UTF_8)) {
            Progress progress = new Progress(selected, log, OutputFormatFactory.createFormatInstance(logStream,
                    options.verbosity().orElse(VerboseMode.NORMAL)));
            new Runner(options, progress).run();
        } catch (RunnerException e) {
            if (String.valueOf(e.getMessage()).contains("JMH lock")) {
                System.err.println("weft bench: another JMH run holds /tmp/jmh.lock; measuring beside it would "
                        + "disturb both runs: wait until it ends");
                System.exit(3);
            }
            System.err.println("weft bench: JMH failed (see " + log + "): " + e.getMessage());
            System.exit(1);
        }
    }

    /** The benchmarks (methods, each counted once whatever its parameters) that {@code options} select. */
    private static Set<String> selected(Options options) {
        OutputFormat silent = OutputFormatFactory.createFormatInstance(
                new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8), VerboseMode.SILENT);
        List<String> includes = options.getIncludes().isEmpty() ? List.of(".*") : options.getIncludes();
        Set<String> names = new TreeSet<>();
        for (BenchmarkListEntry e : BenchmarkList.defaultList().find(silent, includes, options.getExcludes())) {
            names.add(e.getUsername());
        }
        return names;
    }

    /**
     * JMH's console output goes to the log ({@code delegate}); the console gets one line when a
     * benchmark starts (with JMH's estimate of the time left, which JMH gives only as its
     * "# Run progress" line) and one with its score when it ends; at the end, a line for each
     * selected benchmark that gave no result (it failed: the log holds its exception).
     */
    private static final class Progress implements OutputFormat {
        private static final String ETA = "# Run progress: ";

        private final Set<String> missing;
        private final int total;
        private final Path log;
        private final OutputFormat delegate;
        private final long start = System.nanoTime();
        private String current = "";
        private int index;

        Progress(Set<String> selected, Path log, OutputFormat delegate) {
            this.missing = new TreeSet<>(selected);
            this.total = selected.size();
            this.log = log;
            this.delegate = delegate;
        }

        @Override
        public void startBenchmark(BenchmarkParams params) {
            String name = params.getBenchmark();
            if (!name.equals(current)) {
                current = name;
                index++;
            }
            delegate.startBenchmark(params);
        }

        @Override
        public void println(String s) {
            if (s.startsWith(ETA) && s.contains(" ETA ")) {
                long elapsed = (System.nanoTime() - start) / 1_000_000_000L;
                System.out.printf("weft bench: [%d/%d] %s  (elapsed %d:%02d, JMH estimates %s left)%n", index, total,
                        current.startsWith(PREFIX) ? current.substring(PREFIX.length()) : current,
                        elapsed / 60, elapsed % 60, s.substring(s.lastIndexOf(" ETA ") + 5).strip());
            }
            delegate.println(s);
        }

        @Override
        public void endBenchmark(BenchmarkResult result) {
            if (result != null && result.getPrimaryResult() != null) {
                missing.remove(current);
                // the first line of JMH's own summary: "score ±(99.9%) error unit [statistic]"
                System.out.println("weft bench:        " + result.getPrimaryResult().extendedInfo().strip().lines()
                        .findFirst().orElse(""));
            }
            delegate.endBenchmark(result);
        }

        @Override
        public void iteration(BenchmarkParams benchParams, IterationParams params, int iteration) {
            delegate.iteration(benchParams, params, iteration);
        }

        @Override
        public void iterationResult(BenchmarkParams benchParams, IterationParams params, int iteration,
                                    IterationResult data) {
            delegate.iterationResult(benchParams, params, iteration, data);
        }

        @Override
        public void startRun() {
            delegate.startRun();
        }

        @Override
        public void endRun(Collection<RunResult> result) {
            for (String name : missing) {
                System.out.println("weft bench: " + name + " failed: no result (its exception is in " + log + ")");
            }
            delegate.endRun(result);
        }

        @Override
        public void print(String s) {
            delegate.print(s);
        }

        @Override
        public void flush() {
            delegate.flush();
        }

        @Override
        public void close() {
            delegate.close();
        }

        @Override
        public void verbosePrintln(String s) {
            delegate.verbosePrintln(s);
        }

        @Override
        public void write(int b) {
            delegate.write(b);
        }

        @Override
        public void write(byte[] b) throws IOException {
            delegate.write(b);
        }
    }
}
