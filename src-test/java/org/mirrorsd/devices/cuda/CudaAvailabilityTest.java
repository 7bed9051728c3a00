package org.mirrorsd.devices.cuda;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mirrorsd.config.DevicePlacement;
import org.mirrorsd.devices.Devices;
import org.mirrorsd.devices.LayerExecutor;
import org.mirrorsd.devices.cpu.CpuExecutor;
import org.mirrorsd.testing.Models;
import org.slf4j.LoggerFactory;

/** On a machine without a GPU (or driver) the CUDA device says why, never crashes, and placement falls back. */
class CudaAvailabilityTest {

    @Test
    void availabilityNeverThrowsAndExplainsItself() {
        boolean available = assertDoesNotThrow(CudaExecutor::available);
        String reason = assertDoesNotThrow(CudaExecutor::unavailableReason);
        assertFalse(reason == null || reason.isBlank(), "a reason is given");
        assertEquals(available, CudaExecutor.available(), "the probe is stable");
        System.out.println("CUDA available: " + available + " (" + reason + ")");
    }

    @Test
    void openingWithoutADeviceFailsWithTheReason() {
        assumeFalse(CudaExecutor.available(), "this machine has a CUDA device");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> CudaExecutor.open(Models.model("stories260K.bin")));
        assertTrue(e.getMessage().contains(CudaExecutor.unavailableReason()), e.getMessage());
    }

    @Test
    void cudaPlacementFallsBackToCpuWithAWarning() throws Exception {
        assumeFalse(CudaExecutor.available(), "this machine has a CUDA device");
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Devices.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try (LayerExecutor exec = Devices.open("target", DevicePlacement.parse("cuda"), Models.model("stories260K.bin"), 1,
                List.of(), false)) {
            assertInstanceOf(CpuExecutor.class, exec);
        } finally {
            logger.detachAppender(appender);
        }
        assertTrue(appender.list.stream().anyMatch(e -> e.getLevel() == Level.WARN
                        && e.getFormattedMessage().contains("falling back to cpu")
                        && e.getFormattedMessage().contains(CudaExecutor.unavailableReason())),
                "warning logged: " + appender.list);
    }

    @Test
    void requiredCudaPlacementFails() {
        assumeFalse(CudaExecutor.available(), "this machine has a CUDA device");
        assertThrows(IllegalStateException.class, () -> Devices.open("target", DevicePlacement.parse("cuda"),
                Models.model("stories260K.bin"), 1, List.of(), true));
    }

    @Test
    void cudaPlacementOpensTheGpuWhenThereIsOne() throws Exception {
        assumeTrue(CudaExecutor.available(), "no CUDA device: " + CudaExecutor.unavailableReason());
        try (LayerExecutor exec = Devices.open("target", DevicePlacement.parse("cuda"), Models.model("stories260K.bin"), 1,
                List.of(), true)) {
            assertInstanceOf(CudaExecutor.class, exec);
            System.out.println(exec.describe());
        }
    }
}
