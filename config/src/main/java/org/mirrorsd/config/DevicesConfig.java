package org.mirrorsd.config;

import java.util.List;

/**
 * Where the models run.
 *
 * @param targetDevice  placement of the target model, e.g. {@code cpu}, {@code cuda}, {@code cuda:4-}, {@code onnx}
 * @param draftDevice   placement of the draft model
 * @param required      fail at start instead of falling back to CPU when a device is unavailable
 * @param cpuThreads    threads for CPU inference
 * @param draftThreads  threads for the draft model on CPU; {@code null} = same as cpuThreads
 * @param onnxProviders ONNX Runtime execution providers, in order of preference
 */
public record DevicesConfig(
        String targetDevice,
        String draftDevice,
        boolean required,
        int cpuThreads,
        Integer draftThreads,
        List<String> onnxProviders) {

    public DevicesConfig {
        onnxProviders = onnxProviders == null ? List.of() : List.copyOf(onnxProviders);
    }

    public static DevicesConfig defaults() {
        return new DevicesConfig("cpu", "cpu", false, Runtime.getRuntime().availableProcessors(), null,
                List.of("CPU"));
    }

    /** Parsed {@link #targetDevice}; call after validation. */
    public DevicePlacement target() {
        return DevicePlacement.parse(targetDevice);
    }

    /** Parsed {@link #draftDevice}; call after validation. */
    public DevicePlacement draft() {
        return DevicePlacement.parse(draftDevice);
    }

    public int effectiveDraftThreads() {
        return draftThreads != null ? draftThreads : cpuThreads;
    }
}
