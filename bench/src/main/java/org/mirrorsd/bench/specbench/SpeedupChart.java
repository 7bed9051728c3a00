package org.mirrorsd.bench.specbench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A grouped bar chart of speedup over AR, one group of bars per task (and overall), one bar per method, as
 * plain SVG: no plotting library, and it renders in any browser or Markdown viewer.
 */
public final class SpeedupChart {
    private static final String[] COLOURS = {"#9e9e9e", "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2"};
    private static final int LEFT = 70, RIGHT = 150, TOP = 40, BOTTOM = 90, PLOT_H = 300, GROUP_W = 110;

    private SpeedupChart() {}

    public static String svg(Summary s, String title) {
        Map<String, Map<String, Figures>> groups = new LinkedHashMap<>();
        s.groups().forEach((g, f) -> groups.put(g.title(), f));
        groups.put("Overall", s.overall());
        List<String> methods = s.methods();
        double max = 1;
        for (Map<String, Figures> g : groups.values()) {
            for (Figures f : g.values()) if (Double.isFinite(f.speedup())) max = Math.max(max, f.speedup());
        }
        double top = niceCeiling(max * 1.1);
        int plotW = GROUP_W * groups.size();
        int width = LEFT + plotW + RIGHT, height = TOP + PLOT_H + BOTTOM;
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n", width, height, width, height));
        sb.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", width, height));
        text(sb, LEFT + plotW / 2.0, 22, "middle", "font-size=\"15\" font-weight=\"bold\"", title);
        // y axis with gridlines
        double step = top <= 2 ? 0.25 : top <= 5 ? 0.5 : 1;
        for (double v = 0; v <= top + 1e-9; v += step) {
            double y = y(v, top);
            line(sb, LEFT, y, LEFT + plotW, y, "#e0e0e0", null);
            text(sb, LEFT - 6, y + 4, "end", "", String.format(Locale.ROOT, "%.2f", v));
        }
        line(sb, LEFT, y(1, top), LEFT + plotW, y(1, top), "#555", "stroke-dasharray=\"5,4\"");
        line(sb, LEFT, TOP, LEFT, TOP + PLOT_H, "#000", null);
        line(sb, LEFT, TOP + PLOT_H, LEFT + plotW, TOP + PLOT_H, "#000", null);
        sb.append(String.format(Locale.ROOT, "<text x=\"18\" y=\"%.1f\" text-anchor=\"middle\" transform=\"rotate(-90 18 %.1f)\">"
                + "Speedup over AR (×)</text>%n", TOP + PLOT_H / 2.0, TOP + PLOT_H / 2.0));
        text(sb, LEFT + plotW / 2.0, height - 18, "middle", "", "SpecBench task");
        // bars
        double barW = (GROUP_W - 20.0) / methods.size();
        int gi = 0;
        for (Map.Entry<String, Map<String, Figures>> g : groups.entrySet()) {
            double gx = LEFT + gi * GROUP_W + 10;
            for (int mi = 0; mi < methods.size(); mi++) {
                Figures f = g.getValue().get(methods.get(mi));
                if (f == null || !Double.isFinite(f.speedup())) continue;
                double x = gx + mi * barW, y = y(f.speedup(), top);
                sb.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
                                + "<title>%s, %s: %.2fx</title></rect>%n", x, y, barW - 2, TOP + PLOT_H - y,
                        COLOURS[mi % COLOURS.length], escape(g.getKey()), escape(methods.get(mi)), f.speedup()));
                text(sb, x + (barW - 2) / 2, y - 3, "middle", "font-size=\"9\"", String.format(Locale.ROOT, "%.2f", f.speedup()));
            }
            for (String[] part : wrap(g.getKey())) {
                // up to two lines of group label under the axis
                text(sb, gx + (GROUP_W - 20) / 2.0, TOP + PLOT_H + 18 + 14 * Integer.parseInt(part[0]), "middle", "", part[1]);
            }
            gi++;
        }
        // legend
        int lx = LEFT + plotW + 20;
        text(sb, lx, TOP + 4, "start", "font-weight=\"bold\"", "Method");
        for (int mi = 0; mi < methods.size(); mi++) {
            double ly = TOP + 14 + mi * 20;
            sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%.1f\" width=\"14\" height=\"14\" fill=\"%s\"/>%n",
                    lx, ly, COLOURS[mi % COLOURS.length]));
            text(sb, lx + 20, ly + 11, "start", "", methods.get(mi));
        }
        return sb.append("</svg>\n").toString();
    }

    private static double y(double v, double top) { return TOP + PLOT_H - v / top * PLOT_H; }

    private static double niceCeiling(double v) {
        for (double c : new double[] {1.5, 2, 2.5, 3, 4, 5, 6, 8, 10}) if (v <= c) return c;
        return Math.ceil(v);
    }

    /** A label as (line number, text) pairs: split after the first word when long. */
    private static List<String[]> wrap(String label) {
        List<String[]> out = new ArrayList<>();
        int space = label.indexOf(' ');
        if (label.length() <= 14 || space < 0) {
            out.add(new String[] {"0", label});
        } else {
            out.add(new String[] {"0", label.substring(0, space)});
            out.add(new String[] {"1", label.substring(space + 1)});
        }
        return out;
    }

    private static void line(StringBuilder sb, double x1, double y1, double x2, double y2, String colour, String extra) {
        sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"%s/>%n",
                x1, y1, x2, y2, colour, extra == null ? "" : " " + extra));
    }

    private static void text(StringBuilder sb, double x, double y, String anchor, String extra, String text) {
        sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\"%s>%s</text>%n",
                x, y, anchor, extra.isEmpty() ? "" : " " + extra, escape(text)));
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
