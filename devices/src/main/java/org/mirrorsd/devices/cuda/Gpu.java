package org.mirrorsd.devices.cuda;

import java.nio.ByteBuffer;

/**
 * The few device operations {@link CudaExecutor} is built from: memory addressed by raw 64-bit device addresses,
 * synchronous host copies, stream-ordered device copies and kernel launches on one stream.
 *
 * <p>{@link JCudaGpu} implements it with the CUDA driver API; the tests also run the executor on a host-memory
 * emulation of the same kernels, so that everything above this interface is checked on machines without a GPU.
 *
 * <p>Not thread-safe: the executor serialises every call (and {@link #bind}s the calling thread first).
 */
interface Gpu extends AutoCloseable {

    /** What the device is. */
    GpuInfo info();

    /** Makes this device's context current on the calling thread (the driver API keeps one per thread). */
    void bind();

    /** Allocates {@code bytes} of device memory (at least 256-byte aligned) and returns its address. */
    long alloc(long bytes);

    /** Frees an allocation made by {@link #alloc}. */
    void free(long address);

    /** Host to device, synchronous: {@code src}'s remaining bytes to {@code dst}. */
    void upload(long dst, ByteBuffer src);

    void upload(long dst, float[] src, int count);

    void upload(long dst, int[] src, int count);

    void upload(long dst, long[] src, int count);

    /** Device to host after all launched work has finished. */
    void download(float[] dst, int count, long src);

    void download(int[] dst, int count, long src);

    /** Device to device, ordered with the launches. */
    void copy(long dst, long src, long bytes);

    /**
     * Launches an {@code extern "C"} kernel with a grid of {@code gridX x gridY} blocks of {@code blockX} threads.
     * Arguments are {@link Long} (a device address or 64-bit integer), {@link Integer} or {@link Float}, in the
     * order of the kernel's parameters (checked against the PTX signature).
     */
    void launch(String kernel, int gridX, int gridY, int blockX, Object... args);

    /** Waits until all launched work has finished. */
    void synchronize();

    @Override
    void close();
}
