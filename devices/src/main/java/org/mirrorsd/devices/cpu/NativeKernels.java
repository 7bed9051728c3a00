package org.mirrorsd.devices.cpu;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.mirrorsd.models.tensor.Q4_0Tensor;
import org.mirrorsd.models.tensor.Q4_KTensor;
import org.mirrorsd.models.tensor.Q5_KTensor;
import org.mirrorsd.models.tensor.Q6_KTensor;
import org.mirrorsd.models.tensor.Q8_0Tensor;
import org.mirrorsd.models.tensor.Tensor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The quantised matmuls of Q4_K, Q5_K, Q6_K, Q8_0 and Q4_0 in C with AVX2's byte multiply-adds (and AVX-512's
 * for Q8_0/Q4_0 where the CPU has it)
 * ({@code src/main/c}), called through the FFM API. The Vector API cannot express pmaddubsw/pmaddwd, and without
 * them the Java kernels run compute-bound at a third to a half of llama.cpp's speed on these formats.
 *
 * <p>The native kernels form the Java kernels' integers exactly (per super-block for the K formats, per lane of a
 * block of 32 for Q8_0/Q4_0) and then evaluate the Java kernels' float operations in the same order (compiled
 * without fused multiply-adds where Java makes none), so a (weight row, activation row) pair gets the same bits
 * from them as from the Java kernels and {@link QuantizedTiles}: using them or not changes speed only
 * ({@code NativeKernelsTest} holds them to it).
 *
 * <p>The library is built by Maven where gcc is installed and shipped in the jar; it is used when it loads and the
 * CPU has AVX2, FMA and F16C. {@code -Dmirrorsd.cpu.kernels=java} (through {@code MIRRORSD_JAVA_OPTS}) turns it off.
 * Calls are "critical" downcalls: the heap arrays are passed in place, and the JVM does not wait for a safepoint
 * around them, which suits calls of a few microseconds to milliseconds that never call back.
 */
public final class NativeKernels {
    private static final Logger log = LoggerFactory.getLogger(NativeKernels.class);
    static final String LIBRARY = "native/linux-x86_64/libmirrorsd_cpu.so";
    private static final int ABI = 4;
    /**
     * Float lanes the blocks-of-32 kernels reproduce: Q8_0's and Q4_0's Java kernels accumulate in the preferred
     * species' lanes, and the C kernels know 8 (AVX2) and 16 (AVX-512).
     */
    private static final boolean LANES_KNOWN = VectorKernels.floatLanes() == 8 || VectorKernels.floatLanes() == 16;

    private static final MethodHandle Q4_K, Q5_K, Q6_K, Q8_0, Q4_0;
    /**
     * Q8_0 and Q4_0 with AVX-512, the same bits in fewer instructions: bound only where the CPU has AVX-512 F and BW
     * and the JVM's float species has 16 lanes (the lanes they reproduce); null elsewhere, or under
     * {@code -Dmirrorsd.cpu.isa=avx2}.
     */
    private static final MethodHandle Q8_0_WIDE, Q4_0_WIDE;
    /**
     * Q4_K, Q5_K and Q6_K against eight activation rows at a time with AVX-512 VNNI (fewer rows: the AVX2 kernels),
     * the same bits again: bound where the CPU has AVX-512 F, BW and VNNI, unless {@code -Dmirrorsd.cpu.isa=avx2}.
     */
    private static final MethodHandle Q4_K_WIDE, Q5_K_WIDE, Q6_K_WIDE;
    /** Why the native kernels are off, or null when they are on. */
    private static final String UNAVAILABLE;

    static {
        MethodHandle[] handles = new MethodHandle[10];
        String why;
        try {
            why = load(handles);
        } catch (Throwable e) { // a broken library must not take the engine down: the Java kernels give the same bits
            why = "failed to load: " + e;
        }
        Q4_K = handles[0];
        Q5_K = handles[1];
        Q6_K = handles[2];
        Q8_0 = handles[3];
        Q4_0 = handles[4];
        Q8_0_WIDE = handles[5];
        Q4_0_WIDE = handles[6];
        Q4_K_WIDE = handles[7];
        Q5_K_WIDE = handles[8];
        Q6_K_WIDE = handles[9];
        UNAVAILABLE = why;
        log.info("CPU quantised matmuls: {}", describe());
    }

    private NativeKernels() {}

    private static String load(MethodHandle[] handles) throws Throwable {
        if ("java".equals(System.getProperty("mirrorsd.cpu.kernels"))) return "off (-Dmirrorsd.cpu.kernels=java)";
        URL url = NativeKernels.class.getResource(LIBRARY);
        if (url == null) return "not built (no gcc when this jar was built, or not x86-64 Linux)";
        Path path = libraryPath(url);
        Linker linker = Linker.nativeLinker();
        SymbolLookup lib = SymbolLookup.libraryLookup(path, Arena.global());
        MethodHandle supported = linker.downcallHandle(lib.findOrThrow("mirrorsd_cpu_supported"), FunctionDescriptor.of(ValueLayout.JAVA_INT));
        MethodHandle abi = linker.downcallHandle(lib.findOrThrow("mirrorsd_cpu_abi"), FunctionDescriptor.of(ValueLayout.JAVA_INT));
        if ((int) abi.invokeExact() != ABI) return "stale library (ABI " + (int) abi.invokeExact() + ", want " + ABI + ")";
        if ((int) supported.invokeExact() != 1) return "this CPU lacks AVX2, FMA or F16C";
        ValueLayout i = ValueLayout.JAVA_INT, p = ValueLayout.ADDRESS;
        FunctionDescriptor kernel = FunctionDescriptor.ofVoid(p, i, i, i, p, p, p, i, i, i, p, i, i);
        Linker.Option critical = Linker.Option.critical(true);
        handles[0] = linker.downcallHandle(lib.findOrThrow("mirrorsd_q4_k"), kernel, critical);
        handles[1] = linker.downcallHandle(lib.findOrThrow("mirrorsd_q5_k"), kernel, critical);
        handles[2] = linker.downcallHandle(lib.findOrThrow("mirrorsd_q6_k"), kernel, critical);
        handles[3] = linker.downcallHandle(lib.findOrThrow("mirrorsd_q8_0"), kernel, critical);
        handles[4] = linker.downcallHandle(lib.findOrThrow("mirrorsd_q4_0"), kernel, critical);
        if ("avx2".equals(System.getProperty("mirrorsd.cpu.isa"))) return null;
        MethodHandle avx512 = linker.downcallHandle(lib.findOrThrow("mirrorsd_cpu_avx512"), FunctionDescriptor.of(ValueLayout.JAVA_INT));
        MethodHandle vnni = linker.downcallHandle(lib.findOrThrow("mirrorsd_cpu_avx512_vnni"), FunctionDescriptor.of(ValueLayout.JAVA_INT));
        if (VectorKernels.floatLanes() == 16 && (int) avx512.invokeExact() == 1) {
            handles[5] = linker.downcallHandle(lib.findOrThrow("mirrorsd_q8_0_avx512"), kernel, critical);
            handles[6] = linker.downcallHandle(lib.findOrThrow("mirrorsd_q4_0_avx512"), kernel, critical);
        }
        if ((int) vnni.invokeExact() == 1) { // the K formats' integers do not depend on the JVM's lanes
            handles[7] = linker.downcallHandle(lib.findOrThrow("mirrorsd_q4_k_vnni"), kernel, critical);
            handles[8] = linker.downcallHandle(lib.findOrThrow("mirrorsd_q5_k_vnni"), kernel, critical);
            handles[9] = linker.downcallHandle(lib.findOrThrow("mirrorsd_q6_k_vnni"), kernel, critical);
        }
        return null;
    }

    /** The library file itself when it lies in a directory (a build tree), else a copy out of the jar. */
    private static Path libraryPath(URL url) throws IOException, URISyntaxException {
        if ("file".equals(url.getProtocol())) return Path.of(url.toURI());
        Path copy = Files.createTempFile("libmirrorsd_cpu", ".so");
        copy.toFile().deleteOnExit();
        try (InputStream in = url.openStream()) {
            Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
        }
        return copy;
    }

    /** True when the native kernels are loaded and this CPU runs them. */
    public static boolean available() {
        return UNAVAILABLE == null;
    }

    /** True when Q8_0 and Q4_0 run their AVX-512 kernels here. */
    static boolean wide() {
        return Q4_0_WIDE != null;
    }

    /** True when the K formats' batches of eight rows run their AVX-512 VNNI kernels here. */
    static boolean wideK() {
        return Q4_K_WIDE != null;
    }

    /** True when {@code w}'s format has an AVX-512 kernel here (which {@link #matvec} then runs). */
    static boolean hasWide(Tensor w) {
        return w.ggmlType().blockSize() == 256 ? wideK() : wide();
    }

    /** One line for the start-up log: which kernels the quantised formats run on, and why. */
    public static String describe() {
        if (!available()) return "Java kernels for every format (native kernels " + UNAVAILABLE + ")";
        String blocks32 = !LANES_KNOWN ? "" : wide() ? "; AVX-512 kernels for Q8_0, Q4_0" : ", Q8_0, Q4_0";
        return "native AVX2 kernels for Q4_K, Q5_K, Q6_K" + (wideK() ? " (AVX-512 VNNI for batches of 8 rows)" : "") + blocks32;
    }

    /** True when {@code w}'s format runs natively here (so its activations need no float copies for the tiles). */
    static boolean handles(Tensor w) {
        return available() && switch (w) {
            case Q4_KTensor t -> true;
            case Q5_KTensor t -> true;
            case Q6_KTensor t -> true;
            case Q8_0Tensor t -> LANES_KNOWN;
            case Q4_0Tensor t -> LANES_KNOWN;
            default -> false;
        };
    }

    /**
     * Weight rows {@code [rowFrom, rowTo)} of {@code w} against activation rows {@code [aFrom, aTo)} of {@code a},
     * into {@code out[outOffset + r * outWidth + row]}, natively; false, having done nothing, when {@code w}'s
     * format has no native kernel here or the library is off.
     */
    static boolean matvec(Tensor w, int rowFrom, int rowTo, QuantizedActivations a, int aFrom, int aTo, float[] out,
                          int outOffset, int outWidth) {
        // the K formats' AVX-512 kernels take batches of eight rows and pass anything less to the AVX2 ones
        boolean wide = hasWide(w) && (w.ggmlType().blockSize() != 256 || aTo - aFrom >= 8);
        return matvec(w, rowFrom, rowTo, a, aFrom, aTo, out, outOffset, outWidth, wide);
    }

    /** A heap array (bytes or shorts) as a segment; null for null. */
    private static MemorySegment segment(Object array) {
        return switch (array) {
            case byte[] b -> MemorySegment.ofArray(b);
            case short[] s -> MemorySegment.ofArray(s);
            case null, default -> null;
        };
    }

    /**
     * As above, with the AVX2 kernels when {@code wide} is false (tests hold both to the Java bits; on an AVX-512
     * machine the Q8_0/Q4_0 activations need {@link QuantizedActivations#withAvx2Copies} first).
     */
    static boolean matvec(Tensor w, int rowFrom, int rowTo, QuantizedActivations a, int aFrom, int aTo, float[] out,
                          int outOffset, int outWidth, boolean wide) {
        if (!handles(w)) return false;
        if (wide && !hasWide(w)) throw new IllegalStateException("no AVX-512 kernel for " + w.ggmlType() + " here");
        if (rowFrom >= rowTo || aFrom >= aTo) return true;
        MethodHandle kernel;
        MemorySegment data;
        int blockBytes, blocks, lastArg;
        MemorySegment values;
        float[] scales;
        short[] sums;
        switch (w) {
            case Q4_KTensor t -> { kernel = wide ? Q4_K_WIDE : Q4_K; data = t.data(); blockBytes = Q4_KTensor.BLOCK_BYTES; sums = a.bsums32KShort; }
            case Q5_KTensor t -> { kernel = wide ? Q5_K_WIDE : Q5_K; data = t.data(); blockBytes = Q5_KTensor.BLOCK_BYTES; sums = a.bsums32KShort; }
            case Q6_KTensor t -> { kernel = wide ? Q6_K_WIDE : Q6_K; data = t.data(); blockBytes = Q6_KTensor.BLOCK_BYTES; sums = a.bsumsKShort; }
            // AVX2: Q8_0's one-row loop reads the shorts in order, Q4_0 the pair sums; AVX-512 reads interleaved shorts
            case Q8_0Tensor t -> { kernel = wide ? Q8_0_WIDE : Q8_0; data = t.data(); blockBytes = Q8_0Tensor.BLOCK_BYTES; sums = wide ? a.q32InterleavedShort : a.q32Short; }
            case Q4_0Tensor t -> { kernel = wide ? Q4_0_WIDE : Q4_0; data = t.data(); blockBytes = Q4_0Tensor.BLOCK_BYTES; sums = wide ? a.q32InterleavedShort : a.q32PairSums8; }
            default -> throw new AssertionError(w);
        }
        boolean superBlocks = w.ggmlType().blockSize() == 256;
        blocks = w.cols() / w.ggmlType().blockSize();
        // the AVX-512 Q8_0/Q4_0 kernels read the interleaved shorts alone (and ignore this argument)
        values = segment(superBlocks ? a.qKByte : wide ? a.q32InterleavedShort : a.q32Interleaved);
        scales = superBlocks ? a.dK : a.d32;
        lastArg = superBlocks ? a.width : VectorKernels.floatLanes(); // the K kernels take the row width, the others the lanes
        // C checks no bounds, so everything it will touch is checked here, once per call.
        if (rowFrom < 0 || rowTo > w.rows() || (long) rowTo * blocks * blockBytes > data.byteSize()) {
            throw new IndexOutOfBoundsException("weight rows [" + rowFrom + ", " + rowTo + ") of " + w.name());
        }
        if (aFrom < 0 || aTo > a.rows || a.width != w.cols() || values == null || sums == null) {
            throw new IllegalArgumentException("activation rows [" + aFrom + ", " + aTo + ") of " + a.rows + " (width " + a.width + ") for " + w.name());
        }
        long lastOut = outOffset + (long) (aTo - 1) * outWidth + rowTo - 1;
        if (outOffset + (long) aFrom * outWidth + rowFrom < 0 || lastOut >= out.length) {
            throw new IndexOutOfBoundsException("output " + lastOut + " of " + out.length);
        }
        try {
            kernel.invokeExact(data, blocks, rowFrom, rowTo, values, MemorySegment.ofArray(scales),
                    MemorySegment.ofArray(sums), aFrom, aTo, lastArg, MemorySegment.ofArray(out), outOffset, outWidth);
        } catch (Throwable e) {
            throw new IllegalStateException("native " + w.ggmlType() + " kernel failed", e);
        }
        return true;
    }
}
