package org.mirrorsd.models.gguf;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.mirrorsd.models.tensor.Tensor;
import org.mirrorsd.models.tensor.Tensors;

/**
 * Hands out a GGUF file's tensors by name, checking each one's shape, and remembers which were taken: a
 * tensor the model needs that is missing, or one left over that the architecture does not use, is an error
 * naming the file and the tensor (a model silently missing its biases would run, wrongly).
 */
final class TensorClaims {
    private final GgufFile f;
    private final String arch;
    private final Set<String> claimed = new HashSet<>();

    TensorClaims(GgufFile f, String arch) {
        this.f = f;
        this.arch = arch;
    }

    boolean has(String name) {
        return f.findTensor(name).isPresent();
    }

    /** The tensor {@code name} as a rows x cols matrix (rows -1: any). */
    Tensor matrix(String name, int rows, int cols) {
        GgufTensorInfo t = info(name, rows, cols);
        return Tensors.of(t.type(), name, rows(t), cols, t.data());
    }

    Tensor optionalMatrix(String name, int rows, int cols) {
        return has(name) ? matrix(name, rows, cols) : null;
    }

    /** A fused matrix split into consecutive row blocks of the given heights: views of the mapping, no copy. */
    Tensor[] split(String name, int cols, String[] parts, int... heights) {
        int total = Arrays.stream(heights).sum();
        GgufTensorInfo t = info(name, total, cols);
        long rowBytes = t.type().bytesFor(cols);
        Tensor[] out = new Tensor[heights.length];
        long row = 0;
        for (int i = 0; i < heights.length; i++) {
            out[i] = Tensors.of(t.type(), name + "[" + parts[i] + "]", heights[i], cols,
                    t.data().asSlice(row * rowBytes, heights[i] * rowBytes));
            row += heights[i];
        }
        return out;
    }

    /** A small vector (norm, bias) copied onto the heap. */
    float[] vector(String name, int n) {
        return Tensors.toFloatArray(matrix(name, 1, n));
    }

    float[] optionalVector(String name, int n) {
        return has(name) ? vector(name, n) : null;
    }

    /** Fails on the first tensor of the file nobody claimed. */
    void requireAllClaimed() {
        for (GgufTensorInfo t : f.tensors()) {
            if (!claimed.contains(t.name())) {
                throw new GgufFormatException(f.path() + ": tensor '" + t.name() + "' is not used by architecture '"
                        + arch + "' (a model this engine would run without it is not the model in the file)");
            }
        }
    }

    private GgufTensorInfo info(String name, int rows, int cols) {
        GgufTensorInfo t = f.findTensor(name).orElseThrow(() -> new GgufFormatException(
                f.path() + ": tensor '" + name + "' is missing (architecture '" + arch + "' needs it)"));
        long[] shape = t.shape();
        if (shape[0] != cols || (rows >= 0 && rows(t) != rows)) {
            throw new GgufFormatException(f.path() + ": tensor '" + name + "' has shape " + Arrays.toString(shape)
                    + " but the metadata implies [" + cols + ", " + (rows < 0 ? "*" : rows) + "]");
        }
        claimed.add(name);
        return t;
    }

    private static int rows(GgufTensorInfo t) {
        long[] shape = t.shape();
        long n = 1;
        for (int i = 1; i < shape.length; i++) n *= shape[i];
        return Math.toIntExact(n);
    }
}
