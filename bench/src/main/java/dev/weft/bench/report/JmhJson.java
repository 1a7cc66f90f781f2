package dev.weft.bench.report;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The results of one JMH run, read from its JSON ({@code -rf json}): one {@link Measurement}
 * per benchmark and per secondary metric other than {@code gc.*} (those that
 * {@link Workloads#SECONDARY} names are rows of a workload), with the
 * settings and JVM the run used.
 *
 * <p>The median is JMH's 50th percentile of the measured iterations ({@code scorePercentiles}),
 * the error its 99.9 % confidence half-width around the mean ({@code scoreError}, NaN with one
 * iteration), the range its 0th and 100th percentile, B/op the {@code gc.alloc.rate.norm}
 * secondary metric of {@code -prof gc}.
 */
record JmhJson(List<Measurement> measurements, Set<String> settings, Set<String> jvms) {

    static final String ALLOC = "gc.alloc.rate.norm";

    static JmhJson read(Path file) throws IOException {
        try (Reader r = Files.newBufferedReader(file)) {
            return parse(JsonParser.parseReader(r));
        }
    }

    static JmhJson parse(JsonElement root) {
        List<Measurement> out = new ArrayList<>();
        Set<String> settings = new LinkedHashSet<>();
        Set<String> jvms = new LinkedHashSet<>();
        if (!root.isJsonArray()) {
            return new JmhJson(out, settings, jvms);
        }
        for (JsonElement e : root.getAsJsonArray()) {
            JsonObject b = e.getAsJsonObject();
            String name = b.get("benchmark").getAsString() + params(b);
            settings.add(String.format(Locale.ROOT,
                    "JMH %s, mode %s, %s fork(s), %s × %s warm-up, %s × %s measurement, %s thread(s)",
                    str(b, "jmhVersion"), str(b, "mode"), str(b, "forks"), str(b, "warmupIterations"),
                    str(b, "warmupTime"), str(b, "measurementIterations"), str(b, "measurementTime"),
                    str(b, "threads")));
            jvms.add(str(b, "vmName") + " " + str(b, "vmVersion") + " (JDK " + str(b, "jdkVersion") + ")");

            String[] mapped = Workloads.ofBenchmark(b.get("benchmark").getAsString() + params(b)).orElse(null);
            String workload = mapped != null ? mapped[0] : name;
            String peer = mapped != null ? mapped[1] : "";
            JsonObject primary = b.getAsJsonObject("primaryMetric");
            JsonObject secondary = b.has("secondaryMetrics") ? b.getAsJsonObject("secondaryMetrics") : new JsonObject();
            double alloc = secondary.has(ALLOC) ? num(secondary.getAsJsonObject(ALLOC), "score") : Double.NaN;
            out.add(withFork(metric(name, workload, peer, primary, alloc), b));

            for (Map.Entry<String, JsonElement> s : secondary.entrySet()) {
                if (s.getKey().startsWith("gc.")) {
                    continue;
                }
                Workloads.Secondary own = Workloads.SECONDARY.stream()
                        .filter(x -> x.metric().equals(s.getKey())).findFirst().orElse(null);
                JsonObject metric = s.getValue().getAsJsonObject();
                if (mapped != null && own != null) {
                    out.add(counter(metric(name + ":" + s.getKey(), workload + own.suffix(), peer, metric, Double.NaN),
                            own.unit()));
                } else {
                    out.add(counter(metric(name + ":" + s.getKey(), name + ":" + s.getKey(), "", metric, Double.NaN),
                            null));
                }
            }
        }
        return new JmhJson(out, settings, jvms);
    }

    /**
     * An {@code @AuxCounters} metric (unit {@code #}): JMH's score of an {@code EVENTS} counter
     * is the sum over the iterations, so only the per-iteration median and range are kept; its
     * unit is {@code unit} when the table knows it.
     */
    private static Measurement counter(Measurement m, String unit) {
        if (!m.unit().equals("#")) {
            return m;
        }
        return new Measurement(m.source(), m.workload(), m.peer(), unit == null ? "#" : unit, m.median(), Double.NaN,
                Double.NaN, m.min(), m.max(), m.samples(), m.bytesPerOp(), m.config());
    }

    private static Measurement metric(String source, String workload, String peer, JsonObject m, double alloc) {
        double mean = num(m, "score");
        double median = mean;
        double min = Double.NaN;
        double max = Double.NaN;
        if (m.has("scorePercentiles")) {
            JsonObject p = m.getAsJsonObject("scorePercentiles");
            median = p.has("50.0") ? p.get("50.0").getAsDouble() : mean;
            min = p.has("0.0") ? p.get("0.0").getAsDouble() : Double.NaN;
            max = p.has("100.0") ? p.get("100.0").getAsDouble() : Double.NaN;
        }
        int samples = 0;
        if (m.has("rawData")) {
            for (JsonElement fork : m.getAsJsonArray("rawData")) {
                samples += ((JsonArray) fork).size();
            }
        }
        return new Measurement(source, workload, peer, m.get("scoreUnit").getAsString(), median, mean,
                num(m, "scoreError"), min, max, samples, alloc, "");
    }

    /** The fork's JVM flags and JMH threads, as the measurement's configuration. */
    private static Measurement withFork(Measurement m, JsonObject b) {
        List<String> flags = new ArrayList<>();
        if (b.has("jvmArgs")) {
            b.getAsJsonArray("jvmArgs").forEach(f -> flags.add(f.getAsString()));
        }
        String config = (flags.isEmpty() ? "no fork flags" : "fork flags `" + String.join(" ", flags) + "`") + ", "
                + str(b, "threads") + " JMH thread(s)";
        return new Measurement(m.source(), m.workload(), m.peer(), m.unit(), m.median(), m.mean(), m.error(),
                m.min(), m.max(), m.samples(), m.bytesPerOp(), config);
    }

    /** {@code :key=value,key=value} for a benchmark with {@code @Param}s (in JMH's order), else empty. */
    private static String params(JsonObject b) {
        if (!b.has("params")) {
            return "";
        }
        List<String> kv = new ArrayList<>();
        b.getAsJsonObject("params").entrySet().forEach(p -> kv.add(p.getKey() + "=" + p.getValue().getAsString()));
        return ":" + String.join(",", kv);
    }

    private static double num(JsonObject o, String key) {
        JsonElement v = o.get(key);
        if (v == null || v.isJsonNull()) {
            return Double.NaN;
        }
        try {
            return v.getAsDouble(); // JMH writes "NaN" as a string
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static String str(JsonObject o, String key) {
        JsonElement v = o.get(key);
        return v == null || v.isJsonNull() ? "?" : v.getAsString();
    }
}
