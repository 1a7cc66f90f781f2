/**
 * The comparison report of issue 5: {@link dev.weft.bench.report.Report} reads one run's JMH
 * JSON and the JSON lines of the non-JMH programs (gevent, {@code ParkedMemory}), and writes
 * {@code REPORT.md} with a table, a chart and the goal verdicts per workload.
 */
package dev.weft.bench.report;
