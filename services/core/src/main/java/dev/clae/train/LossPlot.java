package dev.clae.train;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** Draws a run's loss curve (per step, and the clean and adversarial parts) as a PNG. */
public final class LossPlot {
  private LossPlot() {}

  /** Writes an 900 x 500 PNG of the loss against the optimiser step. */
  public static void write(List<StepRecord> history, String title, Path png) throws IOException {
    XYSeries total = new XYSeries("total loss");
    XYSeries clean = new XYSeries("clean loss");
    XYSeries adv = new XYSeries("adversarial loss");
    for (StepRecord r : history) {
      total.add(r.step(), r.loss());
      if (!Double.isNaN(r.advLoss())) {
        clean.add(r.step(), r.cleanLoss());
        adv.add(r.step(), r.advLoss());
      }
    }
    XYSeriesCollection data = new XYSeriesCollection(total);
    if (adv.getItemCount() > 0) {
      data.addSeries(clean);
      data.addSeries(adv);
    }
    JFreeChart chart =
        ChartFactory.createXYLineChart(
            title, "optimiser step", "loss", data, PlotOrientation.VERTICAL, true, false, false);
    XYPlot plot = chart.getXYPlot();
    plot.setBackgroundPaint(Color.WHITE);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
    Color[] colours = {new Color(0x1f77b4), new Color(0x2ca02c), new Color(0xd62728)};
    for (int i = 0; i < data.getSeriesCount(); i++) {
      renderer.setSeriesPaint(i, colours[i]);
      renderer.setSeriesStroke(i, new BasicStroke(1.5f));
    }
    plot.setRenderer(renderer);
    ChartUtils.saveChartAsPNG(png.toFile(), chart, 900, 500);
  }
}
