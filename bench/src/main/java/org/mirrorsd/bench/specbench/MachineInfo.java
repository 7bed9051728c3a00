package org.mirrorsd.bench.specbench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.mirrorsd.bench.MemoryBandwidth;

/**
 * What a result depends on besides the code: the machine (cores, measured read bandwidth) and the exact model
 * files (SHA-256), so two reports can be told apart.
 *
 * @param bandwidthBytesPerSecond measured read bandwidth, NaN when not measured (e.g. the models are remote)
 */
public record MachineInfo(int cores, String os, String arch, String java, long maxHeapBytes,
                          double bandwidthBytesPerSecond, int bandwidthThreads, List<ModelFile> models) {

    /** A model file of the run: its role (target, draft, tokenizer), path, size and SHA-256. */
    public record ModelFile(String role, String path, long bytes, String sha256) {}

    public static MachineInfo measure(List<ModelFile> models, boolean measureBandwidth) {
        int cores = Runtime.getRuntime().availableProcessors();
        double bw = measureBandwidth ? MemoryBandwidth.measure(256L << 20, cores, 5) : Double.NaN;
        return new MachineInfo(cores, System.getProperty("os.name") + " " + System.getProperty("os.version"),
                System.getProperty("os.arch"), System.getProperty("java.vm.name") + " " + Runtime.version(),
                Runtime.getRuntime().maxMemory(), bw, cores, List.copyOf(models));
    }

    public static ModelFile file(String role, Path path) throws IOException {
        return new ModelFile(role, path.toAbsolutePath().normalize().toString(), Files.size(path), sha256(path));
    }

    static String sha256(Path path) throws IOException {
        try (InputStream in = Files.newInputStream(path)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
