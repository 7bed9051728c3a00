package org.mirrorsd.cli;

import java.nio.file.Path;
import java.util.List;
import org.mirrorsd.config.cli.CommandLine;
import org.mirrorsd.config.cli.ParsedArgs;
import org.mirrorsd.config.cli.UsageException;
import org.mirrorsd.decoding.calibration.Calibration;
import org.mirrorsd.decoding.calibration.Calibrator;
import org.mirrorsd.decoding.calibration.LinearHead;
import org.mirrorsd.decoding.speculative.SpecOptions;
import org.mirrorsd.devices.cpu.CpuExecutor;
import org.mirrorsd.models.LlamaModel;
import org.mirrorsd.models.ModelLoader;

/** {@code calibrate}: fits the target's early-exit head and the draft's lookahead heads by self-distillation. */
final class CalibrateCommand extends OptionsCommand {
    private static final CommandLine CLI = CommandLine.builder("calibrate",
                    "fit an early-exit head (target) and lookahead heads (draft) from text the models generate")
            .option("model", "PATH", "target model (for the exit head)")
            .option("draft", "PATH", "draft model (for the lookahead heads)")
            .option("out", "FILE", "calibration file to write (GGUF)")
            .option("exit-layer", "L", "target early-exit layer (default layers/2)")
            .option("lookahead", "K", "tokens per draft pass; K > 1 fits K-1 lookahead heads (default 1: none)")
            .option("positions", "N", "tokens of self-generated text per model (default 2048)")
            .option("bos", "ID", "start token (default 1)")
            .option("seed", "S", "sampling seed (default 1)")
            .option("threads", "N", "CPU threads (default: cores)")
            .build();

    @Override
    public String summary() { return "fit Mirror-SD's early-exit head and the draft's lookahead heads"; }

    @Override
    protected CommandLine cli() { return CLI; }

    @Override
    protected int run(ParsedArgs a) throws Exception {
        Path out = a.pathValue("out").orElseThrow(() -> new UsageException("--out FILE is required"));
        if (!a.has("model") && !a.has("draft")) throw new UsageException("give --model, --draft or both");
        int positions = a.intValue("positions", 2048);
        int threads = a.intValue("threads", Runtime.getRuntime().availableProcessors());
        int[] start = {a.intValue("bos", 1)};
        long seed = a.intValue("seed", 1);
        int exitLayer = -1;
        LinearHead exitHead = null;
        LinearHead[] lookahead = null;
        if (a.has("model")) {
            try (LlamaModel m = ModelLoader.loadWeights(a.pathValue("model").get()); CpuExecutor e = new CpuExecutor(m, threads)) {
                exitLayer = SpecOptions.defaults().withExitLayer(a.intValue("exit-layer", -1)).exitLayerFor(m.config().layers());
                List<int[]> texts = Calibrator.selfGenerated(e, start, positions, 256, seed,
                        n -> System.err.printf("\rtarget text: %d/%d tokens", Math.min(n, positions), positions));
                System.err.println();
                long t0 = System.nanoTime();
                exitHead = Calibrator.fitExitHead(e, exitLayer, texts);
                System.err.printf("exit head for layer %d fitted in %.1f s%n", exitLayer, (System.nanoTime() - t0) / 1e9);
            }
        }
        int k = a.intValue("lookahead", 1);
        if (a.has("draft") && k > 1) {
            try (LlamaModel m = ModelLoader.loadWeights(a.pathValue("draft").get()); CpuExecutor e = new CpuExecutor(m, threads)) {
                List<int[]> texts = Calibrator.selfGenerated(e, start, positions, 256, seed + 1000,
                        n -> System.err.printf("\rdraft text: %d/%d tokens", Math.min(n, positions), positions));
                System.err.println();
                lookahead = Calibrator.fitLookahead(e, k, texts);
                System.err.printf("%d lookahead heads fitted%n", lookahead.length);
            }
        }
        new Calibration(exitLayer, exitHead, lookahead).save(out);
        System.err.println("wrote " + out);
        return 0;
    }
}
