package org.mirrorsd.devices.cpu;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mirrorsd.models.LlamaModel;
import org.mirrorsd.models.gguf.GgufFile;
import org.mirrorsd.models.gguf.GgufLlamaLoader;
import org.mirrorsd.models.gguf.GgufTensorInfo;
import org.mirrorsd.models.gguf.GgufWriter;
import org.mirrorsd.models.tensor.GgmlType;
import org.mirrorsd.testing.LlamaCppFixtures;

/**
 * RoPE scaling against llama.cpp, on variants of the llama.cpp fixtures the shared folder has no file for: the
 * test writes the fixture again with the variant's metadata keys and tensors added (linear and YaRN scaling on
 * the Llama 3 model with its rope_freqs; Phi-3 LongRoPE long and short factors with an attention factor) and
 * compares with what llama.cpp computed for that same file ({@code resources/llamacpp-rope/*.json}, made with
 * llama-server b11669 as the JSON says). Measured: within 1.4e-5.
 */
class LlamaCppRopeScalingTest {
    private static final double TOLERANCE = 1e-3;

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"llama-linear", "llama-yarn", "phi3-longrope", "phi3-shortrope"})
    void matchesLlamaCpp(String variant) throws Exception {
        JsonNode ref;
        try (InputStream in = getClass().getResourceAsStream("/llamacpp-rope/" + variant + ".json")) {
            ref = new ObjectMapper().readTree(in);
        }
        Path file = dir.resolve(variant + ".gguf");
        try (GgufFile source = GgufFile.open(LlamaCppFixtures.dir().resolve(ref.get("source").asText()))) {
            writeVariant(source, ref, file);
        }
        try (LlamaModel m = GgufLlamaLoader.load(file); CpuExecutor exec = new CpuExecutor(m, 1)) {
            double max = 0;
            int[] prompt = ints(ref.get("prompt")), tokens = ints(ref.get("tokens"));
            java.util.List<double[]> lps = LlamaCppFixtureTest.teacherForce(exec, prompt, tokens);
            for (JsonNode p : ref.get("positions")) {
                double[] lp = lps.get(p.get("position").asInt());
                for (JsonNode t : p.get("top")) max = Math.max(max, Math.abs(lp[t.get(0).asInt()] - t.get(1).asDouble()));
            }
            assertTrue(max <= TOLERANCE, variant + ": max |delta| " + max);
            assertTrue(ref.get("positions").size() > 20, "enough positions compared");
        }
    }

    /** The source's architecture keys and tensors (tokenizer left out: only weights are loaded), plus the variant's. */
    private static void writeVariant(GgufFile source, JsonNode ref, Path out) throws Exception {
        String arch = source.getString("general.architecture");
        GgufWriter w = new GgufWriter().put("general.architecture", arch);
        for (Map.Entry<String, Object> e : source.metadata().entrySet()) {
            if (e.getKey().startsWith(arch + ".")) w.put(e.getKey(), e.getValue());
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = ref.get("keys").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            w.put(e.getKey(), v.isTextual() ? v.asText() : v.isIntegralNumber() ? (Object) v.asInt() : (Object) (float) v.asDouble());
        }
        for (GgufTensorInfo t : source.tensors()) {
            w.tensor(t.name(), t.shape(), t.type(), o -> o.put(t.data().asByteBuffer()));
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = ref.get("tensors").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            float[] v = new float[e.getValue().size()];
            for (int i = 0; i < v.length; i++) v[i] = (float) e.getValue().get(i).asDouble();
            w.tensor(e.getKey(), new long[] {v.length}, GgmlType.F32, o -> {
                for (float x : v) o.order(ByteOrder.LITTLE_ENDIAN).putFloat(x);
            });
        }
        w.write(out);
    }

    private static int[] ints(JsonNode a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) out[i] = a.get(i).asInt();
        return out;
    }
}
