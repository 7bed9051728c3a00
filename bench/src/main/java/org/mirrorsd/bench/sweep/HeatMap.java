package org.mirrorsd.bench.sweep;

import java.util.List;
import java.util.Locale;

/** A small SVG heat map: γ down, ℓₑ across, each cell the best Mirror-SD speedup over AR (κ and branches named). */
final class HeatMap {
    private HeatMap() {}

    static String svg(List<Integer> gammas, List<Integer> exits, List<SweepPoint> points, String title) {
        int cell = 110, left = 90, top = 60;
        int width = left + cell * exits.size() + 30, height = top + cell * gammas.size() + 50;
        double max = points.stream().mapToDouble(SweepPoint::speedupVsAr).max().orElse(1);
        double min = points.stream().mapToDouble(SweepPoint::speedupVsAr).min().orElse(0);
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-family=\"sans-serif\" font-size=\"12\">%n", width, height));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"24\" font-size=\"15\">%s</text>%n", left, escape(title)));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">early-exit layer ℓₑ</text>%n",
                left + cell * exits.size() / 2, top - 22));
        s.append(String.format(Locale.ROOT, "<text x=\"20\" y=\"%d\" transform=\"rotate(-90 20 %d)\" text-anchor=\"middle\">"
                + "window γ</text>%n", top + cell * gammas.size() / 2, top + cell * gammas.size() / 2));
        for (int j = 0; j < exits.size(); j++) {
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%d</text>%n",
                    left + j * cell + cell / 2, top - 6, exits.get(j)));
        }
        for (int i = 0; i < gammas.size(); i++) {
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%d</text>%n",
                    left - 8, top + i * cell + cell / 2 + 4, gammas.get(i)));
            for (int j = 0; j < exits.size(); j++) {
                int g = gammas.get(i), e = exits.get(j);
                SweepPoint best = points.stream().filter(p -> p.gamma() == g && p.exitLayer() == e)
                        .max(java.util.Comparator.comparingDouble(SweepPoint::speedupVsAr)).orElse(null);
                int x = left + j * cell, y = top + i * cell;
                String fill = best == null ? "#eeeeee" : color((best.speedupVsAr() - min) / Math.max(1e-9, max - min));
                s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\" "
                        + "stroke=\"white\"/>%n", x, y, cell, cell, fill));
                if (best != null) {
                    s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-size=\"16\">"
                            + "%.2fx</text>%n", x + cell / 2, y + cell / 2, best.speedupVsAr()));
                    s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">κ=%d B=%s</text>%n",
                            x + cell / 2, y + cell / 2 + 18, best.kappa(), best.maxBranches() == 0 ? "all" : best.maxBranches()));
                    s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%.2fx vs SD</text>%n",
                            x + cell / 2, y + cell / 2 + 34, best.speedupVsSd()));
                }
            }
        }
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">cell: best Mirror-SD speedup over AR (and over "
                + "SD with the same γ) across κ and branch caps</text>%n", left, top + cell * gammas.size() + 30));
        return s.append("</svg>\n").toString();
    }

    /** White (worst) to green (best). */
    private static String color(double t) {
        int r = (int) Math.round(255 - t * (255 - 46));
        int g = (int) Math.round(255 - t * (255 - 160));
        int b = (int) Math.round(255 - t * (255 - 67));
        return String.format("#%02x%02x%02x", r, g, b);
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
