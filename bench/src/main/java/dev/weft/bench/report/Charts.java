package dev.weft.bench.report;

import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.StatisticalBarRenderer;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.statistics.DefaultStatisticalCategoryDataset;

import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * One PNG bar chart per workload, drawn by JFreeChart: each measured peer's median as a bar,
 * its error as a whisker (JMH's 99.9 % error, or a program's largest distance to the median).
 * Weft's bars are dark, the baselines' light. When the figures span more than a factor of 30
 * the axis is logarithmic (gevent is often 10-100× the others), and the chart says so.
 */
final class Charts {
    private static final Color WEFT = new Color(0x1f, 0x4e, 0x79);
    private static final Color OTHER = new Color(0x9d, 0xc3, 0xe6);
    private static final double LOG_SPAN = 30;

    private Charts() {}

    /** Writes {@code file}; {@code rows} are the workload's measured peers, in table order. */
    static void write(Path file, Workload w, List<Measurement> rows) throws IOException {
        DefaultStatisticalCategoryDataset data = new DefaultStatisticalCategoryDataset();
        double lo = Double.MAX_VALUE;
        double hi = 0;
        for (Measurement m : rows) {
            double err = Double.isNaN(m.error()) ? 0 : m.error();
            data.add(m.median(), err, "median", m.peer());
            lo = Math.min(lo, m.median());
            hi = Math.max(hi, m.median() + err);
        }
        boolean log = lo > 0 && hi / lo > LOG_SPAN;
        String label = w.unit() + (w.higherIsBetter() ? ", higher is better" : ", lower is better")
                + (log ? " (log scale)" : "");
        ValueAxis axis;
        if (log) {
            LogAxis a = new LogAxis(label);
            a.setSmallestValue(lo / 2);
            a.setLowerBound(lo / 2);
            a.setUpperBound(hi * 2);
            a.setTickUnit(new NumberTickUnit(1)); // one tick per power of ten, printed in full
            a.setNumberFormatOverride(new DecimalFormat("#,##0.###", DecimalFormatSymbols.getInstance(Locale.ROOT)));
            axis = a;
        } else {
            NumberAxis a = new NumberAxis(label);
            a.setAutoRangeIncludesZero(true);
            axis = a;
        }
        StatisticalBarRenderer renderer = new StatisticalBarRenderer() {
            @Override
            public java.awt.Paint getItemPaint(int row, int column) {
                String peer = (String) data.getColumnKey(column);
                return peer.startsWith("Weft") ? WEFT : OTHER;
            }
        };
        renderer.setErrorIndicatorPaint(Color.DARK_GRAY);
        renderer.setDrawBarOutline(false);
        renderer.setShadowVisible(false);
        renderer.setBarPainter(new org.jfree.chart.renderer.category.StandardBarPainter());
        CategoryPlot plot = new CategoryPlot(data, new CategoryAxis(), axis, renderer);
        plot.setOrientation(PlotOrientation.HORIZONTAL);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        plot.setAxisOffset(RectangleInsets.ZERO_INSETS);
        JFreeChart chart = new JFreeChart(w.title(), new Font(Font.SANS_SERIF, Font.BOLD, 14), plot, false);
        chart.setBackgroundPaint(Color.WHITE);
        ChartUtils.saveChartAsPNG(file.toFile(), chart, 820, 110 + 34 * rows.size());
    }
}
