package dev.weft.bench.report;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonParseException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Measurements printed one JSON object a line by the programs outside JMH: the gevent programs
 * ({@code bench/gevent/weftbench.py} documents the format) and {@code ParkedMemory --json}:
 * <pre>
 * {"workload": "spawn_join", "peer": "gevent", "unit": "ns/op", "median": 15512.3, "error": 812.0,
 *  "samples": [...], "config": "free text"}
 * </pre>
 * Lines that are not JSON objects with a workload, peer, unit and median are skipped.
 */
final class JsonLines {
    private JsonLines() {}

    static List<Measurement> read(Path file) throws IOException {
        return parse(Files.readAllLines(file), file.getFileName().toString());
    }

    static List<Measurement> parse(List<String> lines, String source) {
        List<Measurement> out = new ArrayList<>();
        for (String line : lines) {
            if (!line.strip().startsWith("{")) {
                continue;
            }
            JsonObject o;
            try {
                o = JsonParser.parseString(line).getAsJsonObject();
            } catch (JsonParseException | IllegalStateException e) {
                continue;
            }
            if (!(o.has("workload") && o.has("peer") && o.has("unit") && o.has("median"))) {
                continue;
            }
            double min = Double.NaN;
            double max = Double.NaN;
            int n = 0;
            if (o.has("samples") && o.get("samples").isJsonArray()) {
                for (JsonElement s : o.getAsJsonArray("samples")) {
                    double x = s.getAsDouble();
                    min = n == 0 ? x : Math.min(min, x);
                    max = n == 0 ? x : Math.max(max, x);
                    n++;
                }
            }
            String peer = o.get("peer").getAsString();
            out.add(new Measurement(source, o.get("workload").getAsString(),
                    Workloads.PROGRAM_PEERS.getOrDefault(peer, peer), o.get("unit").getAsString(),
                    o.get("median").getAsDouble(), Double.NaN,
                    o.has("error") ? o.get("error").getAsDouble() : Double.NaN, min, max, n, Double.NaN,
                    o.has("config") ? o.get("config").getAsString() : ""));
        }
        return out;
    }
}
