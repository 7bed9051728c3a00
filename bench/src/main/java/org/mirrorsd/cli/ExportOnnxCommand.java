package org.mirrorsd.cli;

import java.nio.file.Path;
import java.util.Locale;
import org.mirrorsd.config.cli.CommandLine;
import org.mirrorsd.config.cli.ParsedArgs;
import org.mirrorsd.config.cli.UsageException;
import org.mirrorsd.devices.onnx.ExportOnnx;
import org.mirrorsd.devices.onnx.export.ExportedModel;
import org.mirrorsd.devices.onnx.export.WeightStorage;

/** {@code export-onnx}: a model as an ONNX decoder-with-past, for the onnx (NPU) draft device or other runtimes. */
final class ExportOnnxCommand extends OptionsCommand {
    private static final CommandLine CLI = CommandLine.builder("export-onnx",
                    "write a model as ONNX (opset 17, Optimum decoder-with-past inputs and outputs)")
            .option("model", "PATH", "model file (GGUF or llama2.c)")
            .option("out", "DIR", "output directory: model.onnx, model.onnx.data if external, mirror-sd-onnx.json")
            .option("weights", "WHERE", "auto (default: external above 1 GiB), embedded or external")
            .build();

    @Override
    public String summary() { return "export a model to ONNX for the onnx device"; }

    @Override
    protected CommandLine cli() { return CLI; }

    @Override
    protected int run(ParsedArgs a) throws Exception {
        Path model = a.pathValue("model").orElseThrow(() -> new UsageException("--model PATH is required"));
        Path out = a.pathValue("out").orElseThrow(() -> new UsageException("--out DIR is required"));
        WeightStorage storage = switch (a.value("weights", "auto").toLowerCase(Locale.ROOT)) {
            case "auto" -> WeightStorage.AUTO;
            case "embedded" -> WeightStorage.EMBEDDED;
            case "external" -> WeightStorage.EXTERNAL;
            default -> throw new UsageException("--weights: auto, embedded or external");
        };
        ExportedModel e = ExportOnnx.run(model, out, storage);
        System.out.println(e.model() + (e.externalData() != null ? " + " + e.externalData() : "") + " (" + e.nodes()
                + " nodes, " + (e.weightBytes() >> 20) + " MB of weights)");
        return 0;
    }
}
