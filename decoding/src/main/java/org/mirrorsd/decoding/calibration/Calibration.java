package org.mirrorsd.decoding.calibration;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import org.mirrorsd.models.gguf.GgufFile;
import org.mirrorsd.models.gguf.GgufTensorInfo;
import org.mirrorsd.models.gguf.GgufWriter;
import org.mirrorsd.models.tensor.GgmlType;

/**
 * What {@code calibrate} fits, saved beside the models as a small GGUF: an early-exit head for the target
 * (layer ℓₑ's hidden state mapped toward the final one, so the early-exit signal predicts the target's own
 * tokens better) and lookahead heads for the draft (its hidden state at t mapped toward the one at t+k-1, so one
 * draft pass proposes tokens t+1..t+K: speculative streaming). Either part may be absent.
 */
public record Calibration(int exitLayer, LinearHead exitHead, LinearHead[] lookahead) {

    public int lookaheadTokens() { return lookahead == null ? 1 : lookahead.length + 1; }

    public void save(Path path) throws IOException {
        GgufWriter w = new GgufWriter().put("general.architecture", "mirrorsd-calibration")
                .put("mirrorsd.exit_layer", exitLayer)
                .put("mirrorsd.lookahead_heads", lookahead == null ? 0 : lookahead.length);
        if (exitHead != null) add(w, "exit_head.weight", exitHead);
        if (lookahead != null) for (int k = 0; k < lookahead.length; k++) add(w, "lookahead." + (k + 2) + ".weight", lookahead[k]);
        w.write(path);
    }

    private static void add(GgufWriter w, String name, LinearHead h) {
        w.tensor(name, new long[] {h.dim(), h.dim()}, GgmlType.F32, out -> {
            for (float v : h.weights()) out.putFloat(v);
        });
    }

    public static Calibration load(Path path) throws IOException {
        try (GgufFile f = GgufFile.open(path)) {
            if (!"mirrorsd-calibration".equals(f.getString("general.architecture"))) {
                throw new IllegalArgumentException(path + ": not a mirror-sd calibration file");
            }
            int exit = f.getInt("mirrorsd.exit_layer");
            LinearHead exitHead = f.findTensor("exit_head.weight").map(Calibration::head).orElse(null);
            int n = f.getInt("mirrorsd.lookahead_heads", 0);
            LinearHead[] heads = n == 0 ? null : new LinearHead[n];
            for (int k = 0; k < n; k++) heads[k] = head(f.tensor("lookahead." + (k + 2) + ".weight"));
            return new Calibration(exit, exitHead, heads);
        }
    }

    private static LinearHead head(GgufTensorInfo t) {
        int dim = Math.toIntExact(t.shape()[0]);
        float[] w = new float[dim * dim];
        for (int i = 0; i < w.length; i++) {
            w[i] = t.data().get(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 4L * i);
        }
        return new LinearHead(dim, w);
    }
}
