package org.mirrorsd.devices.cuda;

/**
 * A CUDA device as the driver reports it.
 *
 * @param peakBandwidth bytes/s from the memory clock and bus width, 0 when the driver does not say
 * @param ptx           the PTX resource loaded for it
 */
public record GpuInfo(String name, long totalMemory, int ccMajor, int ccMinor, int multiprocessors,
                      int driverVersion, double peakBandwidth, String ptx) {

    @Override
    public String toString() {
        return String.format("%s, %.1f GiB, compute capability %d.%d, %d SMs, driver API %d.%d%s, %s", name,
                totalMemory / (double) (1L << 30), ccMajor, ccMinor, multiprocessors, driverVersion / 1000,
                driverVersion % 1000 / 10, peakBandwidth > 0 ? String.format(", ~%.0f GB/s peak", peakBandwidth / 1e9) : "",
                ptx);
    }
}
