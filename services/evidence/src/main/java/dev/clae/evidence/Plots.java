package dev.clae.evidence;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.StatisticalBarRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.statistics.DefaultStatisticalCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** The plots of docs/results.md, drawn from the kept result files into docs/results/. */
final class Plots {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> METHODS = List.of("simclr", "uel", "plain");
  private static final int W = 900;
  private static final int H = 520;

  private final ResultsReport report;
  private final Path dir;

  Plots(ResultsReport report, Path dir) {
    this.report = report;
    this.dir = dir;
  }

  void writeAll() throws IOException {
    if (!report.main().isEmpty()) {
      mainBars();
    }
    if (!report.equal().isEmpty()) {
      for (String m : METHODS) {
        accuracyVsCompute(m, false);
        accuracyVsCompute(m, true);
      }
    }
    perturbation();
    sensitivity();
    embeddings();
  }

  private void mainBars() throws IOException {
    DefaultStatisticalCategoryDataset d = new DefaultStatisticalCategoryDataset();
    for (String m : METHODS) {
      for (boolean clae : List.of(false, true)) {
        List<Map<String, Object>> rs = report.runs(m, clae);
        for (String metric : List.of("knn_top1", "linear_top1")) {
          List<Double> v = ResultsReport.values(rs, metric);
          if (!v.isEmpty()) {
            double sd = v.size() > 1 ? Stats.sd(v) : 0;
            d.add(
                Stats.mean(v),
                sd,
                clae ? "with CLAE" : "base",
                m + (metric.startsWith("knn") ? " kNN" : " linear"));
          }
        }
      }
    }
    JFreeChart c =
        ChartFactory.createBarChart(
            "Top-1 accuracy at the final epoch (mean and sd over seeds)",
            null,
            "top-1",
            d,
            PlotOrientation.VERTICAL,
            true,
            false,
            false);
    CategoryPlot p = c.getCategoryPlot();
    StatisticalBarRenderer r = new StatisticalBarRenderer();
    r.setErrorIndicatorPaint(Color.BLACK);
    p.setRenderer(r);
    p.getRangeAxis().setRange(0.6, 0.9);
    save(c, "main-accuracy.png");
  }

  /**
   * kNN accuracy against training seconds or against forward-equivalent passes (a count, free of
   * machine noise), averaged over seeds epoch by epoch.
   */
  private void accuracyVsCompute(String m, boolean passes) throws IOException {
    XYSeriesCollection d = new XYSeriesCollection();
    List<Map<String, Object>> base = new ArrayList<>();
    report
        .equal()
        .forEach(
            (name, r) -> {
              if (name.startsWith(m + "-20ep-s")) {
                base.add(r);
              }
            });
    d.addSeries(curve(m + " base (20 epochs)", base, passes));
    d.addSeries(curve(m + " + CLAE (10 epochs)", report.runs(m, true), passes));
    JFreeChart c =
        ChartFactory.createXYLineChart(
            m
                + ": kNN top-1 against "
                + (passes ? "training compute" : "training time")
                + " (mean over seeds)",
            passes ? "forward-equivalent passes, millions" : "training seconds",
            "kNN top-1",
            d,
            PlotOrientation.VERTICAL,
            true,
            false,
            false);
    lines(c);
    save(c, (passes ? "accuracy-vs-passes-" : "accuracy-vs-seconds-") + m + ".png");
  }

  @SuppressWarnings("unchecked")
  private static XYSeries curve(String name, List<Map<String, Object>> runs, boolean passes) {
    Map<Integer, List<double[]>> byEpoch = new TreeMap<>();
    for (Map<String, Object> r : runs) {
      double passesPerEpoch =
          ((Number) r.get("forward_equivalent_passes")).doubleValue()
              / ((Number) r.get("epochs")).doubleValue();
      for (Map<String, Object> pt : (List<Map<String, Object>>) r.get("knn_curve")) {
        int epoch = ((Number) pt.get("epoch")).intValue();
        double x =
            passes
                ? epoch * passesPerEpoch / 1e6
                : ((Number) pt.get("train_seconds")).doubleValue();
        byEpoch
            .computeIfAbsent(epoch, k -> new ArrayList<>())
            .add(new double[] {x, ((Number) pt.get("knn_top1")).doubleValue()});
      }
    }
    XYSeries s = new XYSeries(name);
    byEpoch.forEach(
        (e, pts) -> {
          double x = pts.stream().mapToDouble(p -> p[0]).average().orElse(0);
          double y = pts.stream().mapToDouble(p -> p[1]).average().orElse(0);
          s.add(x, y);
        });
    return s;
  }

  private void perturbation() throws IOException {
    Path pd = dir.resolve("perturbation");
    if (!Files.isDirectory(pd)) {
      return;
    }
    XYSeriesCollection d = new XYSeriesCollection();
    try (Stream<Path> s = Files.list(pd)) {
      for (Path f : s.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
        Map<String, Object> r = JSON.readValue(f.toFile(), new TypeReference<>() {});
        XYSeries fg = new XYSeries(r.get("run") + ", FGSM direction");
        XYSeries rnd = new XYSeries(r.get("run") + ", random signs");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> points = (List<Map<String, Object>>) r.get("points");
        for (Map<String, Object> p : points) {
          double eps = ResultsReport.num(p, "eps");
          fg.add(eps, ResultsReport.num(p, "fgsm_loss_mean"));
          rnd.add(eps, ResultsReport.num(p, "random_loss_mean"));
        }
        d.addSeries(fg);
        d.addSeries(rnd);
      }
    }
    JFreeChart c =
        ChartFactory.createXYLineChart(
            "Contrastive loss of a view and its perturbed copy",
            "eps (normalised units)",
            "loss",
            d,
            PlotOrientation.VERTICAL,
            true,
            false,
            false);
    lines(c);
    save(c, "perturbation.png");
  }

  private void sensitivity() throws IOException {
    Map<String, Map<String, Object>> all = new TreeMap<>(report.sensitivity());
    if (all.isEmpty()) {
      return;
    }
    Map<String, Object> def = report.main().get("simclr-clae-s0");
    XYSeries eps = new XYSeries("kNN, eps varied (alpha 1.0)");
    XYSeries alpha = new XYSeries("kNN, alpha varied (eps 0.03)");
    if (def != null) {
      eps.add(0.03, ResultsReport.num(def, "knn_top1"));
      alpha.add(1.0, ResultsReport.num(def, "knn_top1"));
    }
    all.forEach(
        (name, r) -> {
          if (name.contains("-eps")) {
            eps.add(
                Double.parseDouble(name.substring(name.indexOf("-eps") + 4)),
                ResultsReport.num(r, "knn_top1"));
          } else if (name.contains("-alpha")) {
            alpha.add(
                Double.parseDouble(name.substring(name.indexOf("-alpha") + 6)),
                ResultsReport.num(r, "knn_top1"));
          }
        });
    JFreeChart ce =
        ChartFactory.createXYLineChart(
            "SimCLR + CLAE, seed 0: kNN top-1 against eps",
            "eps",
            "kNN top-1",
            new XYSeriesCollection(eps),
            PlotOrientation.VERTICAL,
            true,
            false,
            false);
    lines(ce);
    save(ce, "sensitivity-eps.png");
    JFreeChart ca =
        ChartFactory.createXYLineChart(
            "SimCLR + CLAE, seed 0: kNN top-1 against alpha",
            "alpha",
            "kNN top-1",
            new XYSeriesCollection(alpha),
            PlotOrientation.VERTICAL,
            true,
            false,
            false);
    lines(ca);
    save(ca, "sensitivity-alpha.png");
  }

  private void embeddings() throws IOException {
    Path ed = dir.resolve("embedding");
    if (!Files.isDirectory(ed)) {
      return;
    }
    try (Stream<Path> s = Files.list(ed)) {
      for (Path f : s.filter(p -> p.toString().endsWith(".csv")).sorted().toList()) {
        Map<Integer, XYSeries> byClass = new TreeMap<>();
        List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
        for (String line : lines.subList(1, lines.size())) {
          String[] c = line.split(",");
          int label = Integer.parseInt(c[2]);
          String name = c.length > 3 && !c[3].isBlank() ? c[3] : "class " + label;
          byClass
              .computeIfAbsent(label, k -> new XYSeries(name))
              .add(Double.parseDouble(c[0]), Double.parseDouble(c[1]));
        }
        XYSeriesCollection d = new XYSeriesCollection();
        byClass.values().forEach(d::addSeries);
        String name = f.getFileName().toString().replace(".csv", "");
        JFreeChart c =
            ChartFactory.createScatterPlot(
                "t-SNE of test features: " + name,
                null,
                null,
                d,
                PlotOrientation.VERTICAL,
                true,
                false,
                false);
        save(c, "embedding-" + name + ".png");
      }
    }
  }

  private static void lines(JFreeChart c) {
    XYPlot p = c.getXYPlot();
    XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
    for (int i = 0; i < p.getSeriesCount(); i++) {
      r.setSeriesStroke(i, new BasicStroke(2f));
    }
    p.setRenderer(r);
    if (p.getRangeAxis() instanceof org.jfree.chart.axis.NumberAxis n) {
      n.setAutoRangeIncludesZero(false);
    }
  }

  private void save(JFreeChart c, String file) throws IOException {
    c.setBackgroundPaint(Color.WHITE);
    c.getPlot().setBackgroundPaint(Color.WHITE);
    ChartUtils.saveChartAsPNG(dir.resolve(file).toFile(), c, W, H);
  }
}
