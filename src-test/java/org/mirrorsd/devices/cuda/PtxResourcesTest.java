package org.mirrorsd.devices.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The devices jar ships the kernels' PTX for every architecture, made from the current .cu source. */
class PtxResourcesTest {

    @ParameterizedTest(name = "compute_{0}")
    @ValueSource(ints = {75, 80, 90})
    void everyArchitectureShipsEveryKernel(int arch) {
        String ptx = PtxResources.text(arch);
        assertNotNull(ptx, PtxResources.resourceName(arch) + " is on the class path");
        System.out.println(PtxResources.class.getResource(PtxResources.resourceName(arch)));
        Map<String, List<String>> sig = PtxResources.signatures(ptx);
        for (String entry : PtxResources.ENTRIES) {
            assertTrue(ptx.contains(".entry " + entry + "("), entry + " in compute_" + arch);
            assertTrue(sig.containsKey(entry), entry);
        }
        assertTrue(ptx.contains("\n.target sm_" + arch + "\n"), "target sm_" + arch);
        String isa = switch (arch) {
            case 75 -> "6.3";
            case 80 -> "7.0";
            default -> "7.8";
        };
        assertTrue(ptx.contains("\n.version " + isa + "\n"), "PTX ISA lowered to " + isa + " for old drivers");
        assertEquals(List.of("u64", "u64", "u64", "u32", "u32", "u32", "u32", "u32"), sig.get("gemv_q8_0"));
        assertEquals(List.of("u64", "u64", "u64", "u32", "f32", "u32", "u32"), sig.get("rmsnorm"));
    }

    @Test
    void committedPtxMatchesTheSource() throws Exception {
        Path src = Path.of(System.getProperty("basedir", "."), "..", "devices", "src", "main", "cuda", "mirror_sd_kernels.cu");
        assumeTrue(Files.exists(src), "kernel source not found at " + src);
        String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(src)));
        for (int arch : PtxResources.ARCHS) {
            assertEquals(hash, PtxResources.sourceHash(PtxResources.text(arch)),
                    "compute_" + arch + " PTX is stale: run devices/src/main/cuda/build-ptx.sh "
                            + "devices/src/main/resources/org/mirrorsd/devices/cuda");
        }
    }

    @Test
    void devicesPickTheNewestArchitectureTheyRun() {
        assertEquals(90, PtxResources.archFor(9, 0));
        assertEquals(90, PtxResources.archFor(12, 0));
        assertEquals(80, PtxResources.archFor(8, 9));
        assertEquals(80, PtxResources.archFor(8, 0));
        assertEquals(75, PtxResources.archFor(7, 5));
        assertEquals(-1, PtxResources.archFor(7, 0));
    }

    @Test
    void launchesAreCheckedAgainstTheSignature() {
        List<String> params = List.of("u64", "u32", "f32");
        PtxResources.checkArgs("k", params, new Object[] {1L, 2, 3f});
        assertThrows(IllegalArgumentException.class, () -> PtxResources.checkArgs("k", params, new Object[] {1L, 2}));
        assertThrows(IllegalArgumentException.class, () -> PtxResources.checkArgs("k", params, new Object[] {1, 2, 3f}));
        assertThrows(IllegalArgumentException.class, () -> PtxResources.checkArgs("k", params, new Object[] {1L, 2, 3.0}));
    }
}
