package org.mirrorsd.devices.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The kernels' PTX, shipped as class-path resources (one file per virtual architecture, see
 * {@code devices/src/main/cuda/README.md}), and their entry points' parameter lists.
 */
public final class PtxResources {
    /** Virtual architectures shipped, newest first: a device loads the newest one not above its own. */
    public static final int[] ARCHS = {90, 80, 75};
    static final String DIR = "/org/mirrorsd/devices/cuda/";

    /** The kernels CudaExecutor launches. */
    public static final List<String> ENTRIES = List.of("gemv_f32", "gemv_f16", "gemv_q8_0", "embed_f32", "embed_f16",
            "embed_q8_0", "rmsnorm", "rope", "kv_store", "attention", "swiglu", "residual_add", "argmax_rows");

    private static final Pattern ENTRY = Pattern.compile("\\.entry\\s+(\\w+)\\s*\\(([^)]*)\\)");
    private static final Pattern PARAM = Pattern.compile("\\.param\\s+\\.(\\w+)\\s+\\w+");

    private PtxResources() {}

    public static String resourceName(int arch) {
        return DIR + "mirror_sd_kernels.compute_" + arch + ".ptx";
    }

    /** The architecture to load on a device of compute capability major.minor, or -1 if it is too old. */
    public static int archFor(int major, int minor) {
        int cc = major * 10 + minor;
        for (int a : ARCHS) if (a <= cc) return a;
        return -1;
    }

    /** The PTX text of one architecture, or null if this build does not have it. */
    public static String text(int arch) {
        try (InputStream in = PtxResources.class.getResourceAsStream(resourceName(arch))) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every {@code .entry} of a PTX text with its parameters' PTX types ("u64", "u32", "f32"), in order. */
    public static Map<String, List<String>> signatures(String ptx) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        Matcher m = ENTRY.matcher(ptx);
        while (m.find()) {
            List<String> params = new ArrayList<>();
            Matcher p = PARAM.matcher(m.group(2));
            while (p.find()) params.add(p.group(1));
            out.put(m.group(1), List.copyOf(params));
        }
        return out;
    }

    /** The source hash recorded by build-ptx.sh in the file's first line, or null. */
    public static String sourceHash(String ptx) {
        Matcher m = Pattern.compile("^// mirror-sd-source-sha256: ([0-9a-f]{64})").matcher(ptx);
        return m.find() ? m.group(1) : null;
    }

    /** Checks a launch's arguments against a kernel's PTX parameter types. */
    static void checkArgs(String kernel, List<String> params, Object[] args) {
        if (params == null) throw new IllegalArgumentException("no kernel " + kernel + " in the PTX");
        if (params.size() != args.length) {
            throw new IllegalArgumentException(kernel + " takes " + params.size() + " parameters, given " + args.length);
        }
        for (int i = 0; i < args.length; i++) {
            String want = switch (args[i]) {
                case Long l -> "u64";
                case Integer n -> "u32";
                case Float f -> "f32";
                default -> throw new IllegalArgumentException(kernel + " argument " + i + ": unsupported " + args[i]);
            };
            String have = params.get(i).equals("s32") ? "u32" : params.get(i);
            if (!have.equals(want)) {
                throw new IllegalArgumentException(kernel + " parameter " + i + " is ." + params.get(i) + ", given " + want);
            }
        }
    }
}
