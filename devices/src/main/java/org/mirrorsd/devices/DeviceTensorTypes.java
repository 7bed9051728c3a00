package org.mirrorsd.devices;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.mirrorsd.config.DevicePlacement;
import org.mirrorsd.models.LayerWeights;
import org.mirrorsd.models.LlamaModel;
import org.mirrorsd.models.LlamaWeights;
import org.mirrorsd.models.tensor.GgmlType;
import org.mirrorsd.models.tensor.Tensor;

/**
 * Which weight types each executor can compute with. The CPU runs every type the loader accepts; the CUDA and
 * ONNX executors read F32, F16 and Q8_0 as they are and widen BF16 and Q4_0 to F32, but have no kernels for the
 * K-quants and the other block formats, so a model holding one is refused at placement, naming the tensor,
 * rather than failing (or silently taking four bytes per weight) deep inside the upload.
 */
public final class DeviceTensorTypes {
    private static final Set<GgmlType> ACCELERATOR_TYPES =
            EnumSet.of(GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q4_0, GgmlType.Q8_0);

    private DeviceTensorTypes() {}

    /** Throws naming the first tensor whose type {@code kind} cannot run; the caller falls back to cpu. */
    public static void check(DevicePlacement.Kind kind, LlamaModel model) {
        if (kind == DevicePlacement.Kind.CPU) return;
        for (Tensor t : tensors(model.weights())) {
            GgmlType type = t.ggmlType();
            if (type != null && !ACCELERATOR_TYPES.contains(type)) {
                throw new UnsupportedOperationException(kind.toString().toLowerCase(java.util.Locale.ROOT)
                        + " cannot run tensor '" + t.name() + "' of type " + type + " (it runs "
                        + ACCELERATOR_TYPES + "); the cpu device runs every type");
            }
        }
    }

    private static List<Tensor> tensors(LlamaWeights w) {
        List<Tensor> out = new ArrayList<>();
        out.add(w.tokenEmbedding());
        for (LayerWeights l : w.layers()) out.addAll(List.of(l.wq(), l.wk(), l.wv(), l.wo(), l.w1(), l.w2(), l.w3()));
        out.add(w.classifier());
        return out;
    }
}
