package org.mirrorsd.devices.onnx;

import java.util.List;

/**
 * How to open an ONNX Runtime session.
 *
 * @param providers      execution providers to try in order, first that works wins: {@code QNN}, {@code OpenVINO},
 *                       {@code CoreML}, {@code NNAPI}, {@code XNNPACK}, {@code CPU}; an optional device after a
 *                       colon ({@code OpenVINO:GPU}, {@code QNN:libQnnCpu.so}). CPU always works and ends the list.
 * @param intraOpThreads threads of the session's own intra-op pool
 */
public record OnnxOptions(List<String> providers, int intraOpThreads) {
    /** NPUs first, then the portable CPU accelerators. */
    public static final List<String> NPU_FIRST = List.of("QNN", "OpenVINO", "CoreML", "NNAPI", "XNNPACK", "CPU");

    public OnnxOptions {
        providers = List.copyOf(providers);
        if (providers.isEmpty()) throw new IllegalArgumentException("no execution provider given");
        if (intraOpThreads < 1) throw new IllegalArgumentException("intra-op threads must be >= 1, got " + intraOpThreads);
    }

    public static OnnxOptions defaults() {
        return new OnnxOptions(NPU_FIRST, 1);
    }

    public static OnnxOptions cpu(int threads) {
        return new OnnxOptions(List.of("CPU"), threads);
    }

    public OnnxOptions withThreads(int threads) {
        return new OnnxOptions(providers, threads);
    }
}
