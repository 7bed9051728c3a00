package org.mirrorsd.devices.cuda;

import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDeviceGetAttribute;
import static jcuda.driver.JCudaDriver.cuDeviceGetCount;
import static jcuda.driver.JCudaDriver.cuDeviceGetName;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRelease;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRetain;
import static jcuda.driver.JCudaDriver.cuDeviceTotalMem;
import static jcuda.driver.JCudaDriver.cuDriverGetVersion;
import static jcuda.driver.JCudaDriver.cuInit;
import static jcuda.driver.JCudaDriver.cuLaunchKernel;
import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoDAsync;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;
import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuModuleLoadData;
import static jcuda.driver.JCudaDriver.cuModuleUnload;
import static jcuda.driver.JCudaDriver.cuStreamCreate;
import static jcuda.driver.JCudaDriver.cuStreamDestroy;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUstream;
import jcuda.driver.CUstream_flags;
import jcuda.driver.JCudaDriver;

/**
 * {@link Gpu} on the CUDA driver API through JCuda: the device's primary context, one blocking stream, the
 * kernels' PTX loaded with {@code cuModuleLoadData} (JIT-compiled by the driver, so only the driver is needed).
 *
 * <p>Ordering: kernels and device-to-device copies go to the stream; host copies are the synchronous
 * {@code cuMemcpyHtoD/DtoH}, and {@link #download} synchronises the stream first, so a host copy never overlaps
 * a kernel that reads or writes the same memory.
 */
final class JCudaGpu implements Gpu {

    /** A CUdeviceptr whose raw address can be read (JCuda keeps it protected). */
    private static final class DevicePointer extends CUdeviceptr {
        long address() { return getNativePointer(); }
    }

    /** Whether a device can be used, and if not why; probed once per JVM. */
    record Probe(boolean ok, String reason) {}

    private static Probe probe;

    /**
     * Loads JCuda's driver binding and asks the driver for devices. Never throws: a missing native library,
     * missing libcuda, a driver without devices all come back as a reason.
     */
    static synchronized Probe probe() {
        if (probe == null) probe = doProbe();
        return probe;
    }

    private static Probe doProbe() {
        try {
            JCudaDriver.setExceptionsEnabled(true);
            cuInit(0);
            int[] count = new int[1];
            cuDeviceGetCount(count);
            if (count[0] < 1) return new Probe(false, "the CUDA driver reports no device");
            int[] version = new int[1];
            cuDriverGetVersion(version);
            return new Probe(true, count[0] + " CUDA device(s), driver API " + version[0] / 1000 + "."
                    + version[0] % 1000 / 10);
        } catch (LinkageError e) {
            return new Probe(false, "JCuda's native driver binding cannot be loaded (no NVIDIA driver, libcuda.so.1?): "
                    + firstLine(e));
        } catch (RuntimeException e) {
            return new Probe(false, "the CUDA driver cannot start: " + firstLine(e));
        }
    }

    /** JCuda's link errors carry every path it tried, stack traces included: the first line says enough. */
    private static String firstLine(Throwable e) {
        String s = e.getClass().getSimpleName() + ": " + e.getMessage();
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }

    private final CUdevice device = new CUdevice();
    private final CUcontext context = new CUcontext();
    private final CUstream stream = new CUstream();
    private final CUmodule module = new CUmodule();
    private final Map<String, CUfunction> functions = new HashMap<>();
    private final Map<String, List<String>> signatures;
    private final TreeMap<Long, DevicePointer> allocations = new TreeMap<>();
    private final GpuInfo info;
    private boolean closed;

    JCudaGpu(int ordinal) {
        Probe p = probe();
        if (!p.ok()) throw new IllegalStateException(p.reason());
        cuDeviceGet(device, ordinal);
        cuDevicePrimaryCtxRetain(context, device);
        try {
            cuCtxSetCurrent(context);
            int major = attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR);
            int minor = attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
            int arch = PtxResources.archFor(major, minor);
            if (arch < 0) {
                throw new IllegalStateException("compute capability " + major + "." + minor
                        + " is below the oldest PTX shipped (compute_" + PtxResources.ARCHS[PtxResources.ARCHS.length - 1] + ")");
            }
            String ptx = PtxResources.text(arch);
            if (ptx == null) throw new IllegalStateException("PTX resource " + PtxResources.resourceName(arch) + " is missing");
            signatures = PtxResources.signatures(ptx);
            byte[] image = (ptx + "\0").getBytes(StandardCharsets.US_ASCII);
            cuModuleLoadData(module, image);
            for (String name : PtxResources.ENTRIES) {
                CUfunction f = new CUfunction();
                cuModuleGetFunction(f, module, name);
                functions.put(name, f);
            }
            cuStreamCreate(stream, CUstream_flags.CU_STREAM_DEFAULT);
            byte[] name = new byte[256];
            cuDeviceGetName(name, name.length, device);
            int len = 0;
            while (len < name.length && name[len] != 0) len++;
            long[] total = new long[1];
            cuDeviceTotalMem(total, device);
            int[] version = new int[1];
            cuDriverGetVersion(version);
            // Memory clock (kHz) x bus width (bits) x 2 (double data rate); 0 when the driver leaves them out.
            double peak = 2.0 * attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MEMORY_CLOCK_RATE) * 1e3
                    * attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_GLOBAL_MEMORY_BUS_WIDTH) / 8.0;
            info = new GpuInfo(new String(name, 0, len, StandardCharsets.US_ASCII), total[0], major, minor,
                    attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT), version[0], peak,
                    "compute_" + arch + " PTX");
        } catch (RuntimeException | Error e) {
            cuDevicePrimaryCtxRelease(device);
            throw e;
        }
    }

    private int attribute(int attribute) {
        int[] v = new int[1];
        try {
            cuDeviceGetAttribute(v, attribute, device);
        } catch (RuntimeException e) {
            return 0;
        }
        return v[0];
    }

    @Override
    public GpuInfo info() { return info; }

    @Override
    public void bind() {
        if (closed) throw new IllegalStateException("CUDA device is closed");
        cuCtxSetCurrent(context);
    }

    @Override
    public long alloc(long bytes) {
        DevicePointer p = new DevicePointer();
        cuMemAlloc(p, Math.max(bytes, 4));
        allocations.put(p.address(), p);
        return p.address();
    }

    @Override
    public void free(long address) {
        DevicePointer p = allocations.remove(address);
        if (p == null) throw new IllegalArgumentException("not an allocation: 0x" + Long.toHexString(address));
        cuMemFree(p);
    }

    /** A CUdeviceptr for an address inside one of the allocations. */
    private CUdeviceptr pointer(long address) {
        Map.Entry<Long, DevicePointer> e = allocations.floorEntry(address);
        if (e == null) throw new IllegalArgumentException("address 0x" + Long.toHexString(address) + " is not allocated");
        long offset = address - e.getKey();
        return offset == 0 ? e.getValue() : e.getValue().withByteOffset(offset);
    }

    @Override
    public void upload(long dst, ByteBuffer src) {
        ByteBuffer b = src.slice();   // position 0: what Pointer.to reads from
        cuMemcpyHtoD(pointer(dst), Pointer.to(b), b.remaining());
    }

    @Override
    public void upload(long dst, float[] src, int count) {
        if (count > 0) cuMemcpyHtoD(pointer(dst), Pointer.to(src), 4L * count);
    }

    @Override
    public void upload(long dst, int[] src, int count) {
        if (count > 0) cuMemcpyHtoD(pointer(dst), Pointer.to(src), 4L * count);
    }

    @Override
    public void upload(long dst, long[] src, int count) {
        if (count > 0) cuMemcpyHtoD(pointer(dst), Pointer.to(src), 8L * count);
    }

    @Override
    public void download(float[] dst, int count, long src) {
        cuStreamSynchronize(stream);
        if (count > 0) cuMemcpyDtoH(Pointer.to(dst), pointer(src), 4L * count);
    }

    @Override
    public void download(int[] dst, int count, long src) {
        cuStreamSynchronize(stream);
        if (count > 0) cuMemcpyDtoH(Pointer.to(dst), pointer(src), 4L * count);
    }

    @Override
    public void copy(long dst, long src, long bytes) {
        cuMemcpyDtoDAsync(pointer(dst), pointer(src), bytes, stream);
    }

    @Override
    public void launch(String kernel, int gridX, int gridY, int blockX, Object... args) {
        PtxResources.checkArgs(kernel, signatures.get(kernel), args);
        Pointer[] params = new Pointer[args.length];
        for (int i = 0; i < args.length; i++) {
            params[i] = switch (args[i]) {
                case Long l -> Pointer.to(new long[] {l});
                case Integer n -> Pointer.to(new int[] {n});
                case Float f -> Pointer.to(new float[] {f});
                default -> throw new IllegalArgumentException(String.valueOf(args[i]));
            };
        }
        cuLaunchKernel(functions.get(kernel), gridX, gridY, 1, blockX, 1, 1, 0, stream, Pointer.to(params), null);
    }

    @Override
    public void synchronize() {
        cuStreamSynchronize(stream);
    }

    @Override
    public void close() {
        if (closed) return;
        try {
            bind();
            cuStreamSynchronize(stream);
            for (DevicePointer p : allocations.values()) cuMemFree(p);
            allocations.clear();
            cuModuleUnload(module);
            cuStreamDestroy(stream);
        } finally {
            closed = true;
            cuDevicePrimaryCtxRelease(device);
        }
    }
}
