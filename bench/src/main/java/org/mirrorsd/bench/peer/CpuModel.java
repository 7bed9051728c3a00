package org.mirrorsd.bench.peer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The CPU a table was measured on: model name and the vector extensions that matter to the kernels. */
final class CpuModel {
    private static final List<String> FEATURES = List.of("avx2", "fma", "avx512f", "avx512_bf16", "avx512_fp16", "avx512_vnni", "amx_tile");

    private CpuModel() {}

    static String describe() {
        int cores = Runtime.getRuntime().availableProcessors();
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            List<String> info = lines.toList();
            String name = field(info, "model name");
            List<String> flags = List.of(field(info, "flags").split(" "));
            String features = FEATURES.stream().filter(flags::contains).collect(Collectors.joining(" "));
            return name + ", " + cores + " logical CPUs, " + features;
        } catch (IOException e) {
            return System.getProperty("os.arch") + ", " + cores + " logical CPUs";
        }
    }

    private static String field(List<String> info, String key) {
        for (String l : info) {
            int colon = l.indexOf(':');
            if (colon > 0 && l.substring(0, colon).trim().equals(key)) return l.substring(colon + 1).trim();
        }
        return "?";
    }
}
