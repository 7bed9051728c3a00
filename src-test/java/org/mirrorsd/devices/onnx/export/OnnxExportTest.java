package org.mirrorsd.devices.onnx.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mirrorsd.devices.ForwardBatch;
import org.mirrorsd.devices.KvCache;
import org.mirrorsd.devices.onnx.OnnxExecutor;
import org.mirrorsd.devices.onnx.OnnxModels;
import org.mirrorsd.devices.onnx.OnnxOptions;
import org.mirrorsd.models.LlamaModel;
import org.mirrorsd.testing.GreedyFixtures;
import org.mirrorsd.testing.Models;

/** The export is valid ONNX (checked by the onnx package when it is installed) and its weight storage options agree. */
class OnnxExportTest {
    private static final Path PYTHON = Path.of("/usr/bin/python3");

    @ParameterizedTest
    @ValueSource(strings = {"EMBEDDED", "EXTERNAL"})
    void onnxCheckerAcceptsTheExport(String storage) throws Exception {
        assumeTrue(pythonOnnxAvailable(), "python3 with the onnx package is not installed (apt-get install python3-onnx)");
        Path dir = OnnxModels.exportDir("stories260K.bin");
        OnnxExporter.export(Models.model("stories260K.bin"), dir, WeightStorage.valueOf(storage));
        // full_check also runs strict shape inference over every node.
        String script = "import onnx, sys; onnx.checker.check_model(sys.argv[1], full_check=True);"
                + " m = onnx.load(sys.argv[1]); print(m.opset_import[0].version, len(m.graph.node))";
        Result r = python(script, dir.resolve(OnnxExporter.MODEL_FILE).toString());
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().startsWith(OnnxExporter.OPSET + " "), r.output());
    }

    @Test
    void externalWeightsGiveTheSameLogits() throws IOException {
        LlamaModel model = Models.model("llama2xs-280K.bin");
        Path inline = OnnxModels.exportDir("inline");
        Path external = OnnxModels.exportDir("external");
        ExportedModel a = OnnxExporter.export(model, inline, WeightStorage.EMBEDDED);
        ExportedModel b = OnnxExporter.export(model, external, WeightStorage.EXTERNAL);
        assertNull(a.externalData());
        assertNotNull(b.externalData());
        assertTrue(Files.size(b.model()) < 64 * 1024, "weights left the model file");
        assertTrue(Files.size(b.externalData()) >= b.weightBytes() - 64 * 1024, "weights are in the data file");
        int[] tokens = GreedyFixtures.forModel("llama2xs-280K.bin").get(2).tokens();
        try (OnnxExecutor x = OnnxExecutor.openExport(inline, OnnxOptions.cpu(1));
             OnnxExecutor y = OnnxExecutor.openExport(external, OnnxOptions.cpu(1))) {
            float[] lx = run(x, tokens), ly = run(y, tokens);
            for (int i = 0; i < lx.length; i++) assertEquals(lx[i], ly[i], 0f, "logit " + i);
        }
    }

    private static float[] run(OnnxExecutor e, int[] tokens) {
        try (KvCache c = e.newCache(16)) {
            ForwardBatch b = e.newBatch(16);
            b.addSequence(tokens, 0, 16, c, 0);
            e.embed(b);
            e.runLayers(0, e.config().layers(), b);
            float[] out = new float[16 * e.config().vocabSize()];
            e.logits(b, out);
            return out;
        }
    }

    private record Result(int exit, String output) {}

    private static boolean pythonOnnxAvailable() throws Exception {
        return Files.isExecutable(PYTHON) && python("import onnx").exit() == 0;
    }

    private static Result python(String script, String... args) throws Exception {
        String[] command = new String[args.length + 3];
        command[0] = PYTHON.toString();
        command[1] = "-c";
        command[2] = script;
        System.arraycopy(args, 0, command, 3, args.length);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Result(-1, "timed out");
        }
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip());
    }
}
