package org.mirrorsd.devices.onnx;

import java.io.IOException;
import java.nio.file.Path;
import org.mirrorsd.devices.onnx.export.ExportedModel;
import org.mirrorsd.devices.onnx.export.OnnxExporter;
import org.mirrorsd.devices.onnx.export.WeightStorage;
import org.mirrorsd.models.LlamaModel;
import org.mirrorsd.models.ModelLoader;

/** What {@code mirror-sd export-onnx --model PATH --out DIR} does: load any supported model file, write its ONNX export. */
public final class ExportOnnx {
    private ExportOnnx() {}

    public static void run(Path model, Path outDir) throws IOException {
        run(model, outDir, WeightStorage.AUTO);
    }

    public static ExportedModel run(Path model, Path outDir, WeightStorage storage) throws IOException {
        try (LlamaModel m = ModelLoader.loadWeights(model)) {
            return OnnxExporter.export(m, outDir, storage);
        }
    }
}
