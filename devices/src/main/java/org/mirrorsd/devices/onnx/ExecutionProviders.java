package org.mirrorsd.devices.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a session on the first execution provider of a list that both registers and accepts the model. An EP
 * missing from the ORT build fails at registration; one that is built but finds no device (an OpenVINO NPU
 * plugin without the NPU) fails at session creation. Either way the next one is tried.
 */
final class ExecutionProviders {
    private static final Logger log = LoggerFactory.getLogger(ExecutionProviders.class);

    /** The session and the provider it runs on ("QNN", ..., "CPU"). */
    record Opened(OrtSession session, String provider, List<String> skipped) {}

    private ExecutionProviders() {}

    static Opened open(OrtEnvironment env, String modelPath, OnnxOptions options) throws OrtException {
        List<String> skipped = new ArrayList<>();
        for (String spec : options.providers()) {
            String name = spec.contains(":") ? spec.substring(0, spec.indexOf(':')) : spec;
            String device = spec.contains(":") ? spec.substring(spec.indexOf(':') + 1) : null;
            SessionOptions so = baseOptions(options);
            try {
                register(so, name, device, options.intraOpThreads());
                OrtSession session = env.createSession(modelPath, so);
                so.close(); // the session keeps what it needs
                if (!skipped.isEmpty()) log.info("ONNX Runtime {}: skipped {}", env.getVersion(), skipped);
                log.info("ONNX session for {} on execution provider {} ({} intra-op threads)", modelPath, spec,
                        options.intraOpThreads());
                return new Opened(session, name.toUpperCase(Locale.ROOT), List.copyOf(skipped));
            } catch (OrtException | IllegalArgumentException e) {
                so.close();
                skipped.add(spec + " (" + firstLine(e.getMessage()) + ")");
                log.debug("execution provider {} unavailable: {}", spec, e.getMessage());
            }
        }
        throw new OrtException("no execution provider of " + options.providers() + " could open " + modelPath
                + ": " + skipped);
    }

    private static SessionOptions baseOptions(OnnxOptions options) throws OrtException {
        SessionOptions so = new SessionOptions();
        so.setIntraOpNumThreads(options.intraOpThreads());
        so.setInterOpNumThreads(1);
        so.setExecutionMode(SessionOptions.ExecutionMode.SEQUENTIAL);
        so.setOptimizationLevel(SessionOptions.OptLevel.ALL_OPT);
        return so;
    }

    private static void register(SessionOptions so, String name, String device, int threads) throws OrtException {
        switch (name.toUpperCase(Locale.ROOT)) {
            // The HTP backend is Qualcomm's NPU; libQnnCpu.so etc. can be named after the colon.
            case "QNN" -> so.addQnn(Map.of("backend_path", device != null ? device : "libQnnHtp.so"));
            case "OPENVINO" -> so.addOpenVINO(device != null ? device : "NPU");
            case "COREML" -> so.addCoreML();
            case "NNAPI" -> so.addNnapi();
            case "XNNPACK" -> so.addXnnpack(Map.of("intra_op_num_threads", Integer.toString(threads)));
            case "CPU" -> { } // ORT's default provider, always present
            default -> throw new IllegalArgumentException("unknown execution provider '" + name
                    + "' (one of " + OnnxOptions.NPU_FIRST + ")");
        }
    }

    private static String firstLine(String message) {
        if (message == null) return "failed";
        String m = message.strip();
        int nl = m.indexOf('\n');
        return nl > 0 ? m.substring(0, nl) : m;
    }
}
