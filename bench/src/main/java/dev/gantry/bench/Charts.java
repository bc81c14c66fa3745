package dev.gantry.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/** Plain grouped bar charts drawn with java.awt, so the report needs nothing outside the JDK. */
final class Charts {

  private static final Color[] SERIES = {new Color(0x4C72B0), new Color(0xDD8452), new Color(0xC44E52)};

  private Charts() {}

  /** p50, p90 and p99 at 1,000 req/s for every setup. */
  static void latency(List<Report.Row> rows, Path png) throws IOException {
    draw("Latency at 1,000 req/s (µs)", Report.labels(rows), new String[] {"p50", "p90", "p99"},
        new double[][] {
            Report.medians(rows, r -> r.p50().median()),
            Report.medians(rows, r -> r.p90().median()),
            Report.medians(rows, r -> r.p99().median())},
        png);
  }

  /** Latency each setup adds over the baseline, p50 and p99. */
  static void added(List<Report.Row> rows, Report.Row base, Path png) throws IOException {
    List<Report.Row> others = Report.nonBaseline(rows, base);
    draw("Added over " + base.setup() + ") at 1,000 req/s (µs)", Report.labels(others), new String[] {"p50", "p99"},
        new double[][] {
            Report.medians(others, r -> r.p50().median() - base.p50().median()),
            Report.medians(others, r -> r.p99().median() - base.p99().median())},
        png);
  }

  private static void draw(String title, String[] groups, String[] series, double[][] values, Path png)
      throws IOException {
    System.setProperty("java.awt.headless", "true");
    int width = 900;
    int height = 500;
    int left = 80;
    int bottom = 60;
    int top = 60;
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, width, height);
    double max = 1;
    for (double[] s : values) {
      for (double v : s) {
        if (!Double.isNaN(v)) {
          max = Math.max(max, v);
        }
      }
    }
    int plotHeight = height - top - bottom;
    int plotWidth = width - left - 40;
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
    g.drawString(title, left, 30);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    g.setStroke(new BasicStroke(1));
    for (int i = 0; i <= 4; i++) {
      int y = top + plotHeight - plotHeight * i / 4;
      g.setColor(new Color(0xDDDDDD));
      g.drawLine(left, y, left + plotWidth, y);
      g.setColor(Color.DARK_GRAY);
      g.drawString(String.format(Locale.ROOT, "%.0f", max * i / 4), 10, y + 4);
    }
    int groupWidth = plotWidth / Math.max(1, groups.length);
    int barWidth = Math.max(4, (groupWidth - 30) / series.length);
    for (int gi = 0; gi < groups.length; gi++) {
      int x0 = left + gi * groupWidth + 15;
      for (int si = 0; si < series.length; si++) {
        double v = values[si][gi];
        int h = Double.isNaN(v) ? 0 : (int) Math.round(Math.max(0, v) / max * plotHeight);
        g.setColor(SERIES[si % SERIES.length]);
        g.fillRect(x0 + si * barWidth, top + plotHeight - h, barWidth - 2, h);
      }
      g.setColor(Color.BLACK);
      g.drawString(groups[gi] + ")", x0, top + plotHeight + 20);
    }
    for (int si = 0; si < series.length; si++) {
      g.setColor(SERIES[si % SERIES.length]);
      g.fillRect(width - 200 + si * 60, 18, 12, 12);
      g.setColor(Color.BLACK);
      g.drawString(series[si], width - 184 + si * 60, 29);
    }
    g.dispose();
    ImageIO.write(image, "png", png.toFile());
  }
}
