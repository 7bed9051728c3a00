package org.mirrorsd.models.gguf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mirrorsd.models.Architecture;
import org.mirrorsd.models.LayerWeights;
import org.mirrorsd.models.LlamaModel;
import org.mirrorsd.models.RopeLayout;
import org.mirrorsd.models.tensor.GgmlType;

/**
 * The per-architecture tensor table of the GGUF loader, on small synthetic files: what each family loads into,
 * fused tensors split into the right rows, and a clear error naming file and tensor for a tensor that is
 * missing or one the architecture does not use.
 */
class ArchitectureLoaderTest {
    private static final int DIM = 32, HEADS = 2, KV_HEADS = 1, HEAD = 16, HIDDEN = 64, VOCAB = 16;

    @TempDir
    Path dir;

    /** A one-layer model of {@code arch} with the given tensors (name -> GGML shape), F32, element = row index. */
    private Path write(String arch, Map<String, long[]> tensors, Map<String, Object> extraKeys) throws Exception {
        GgufWriter w = new GgufWriter().put("general.architecture", arch)
                .put(arch + ".context_length", 64).put(arch + ".embedding_length", DIM).put(arch + ".block_count", 1)
                .put(arch + ".feed_forward_length", HIDDEN).put(arch + ".attention.head_count", HEADS)
                .put(arch + ".attention.head_count_kv", KV_HEADS).put(arch + ".attention.layer_norm_rms_epsilon", 1e-6f);
        extraKeys.forEach(w::put);
        tensors.forEach((name, shape) -> w.tensor(name, shape, GgmlType.F32, out -> {
            long rows = shape.length > 1 ? shape[1] : 1;
            for (long r = 0; r < rows; r++) for (long c = 0; c < shape[0]; c++) out.putFloat(r);
        }));
        Path p = dir.resolve(arch + "-" + tensors.size() + ".gguf");
        w.write(p);
        return p;
    }

    private static Map<String, long[]> llamaTensors() {
        Map<String, long[]> t = new LinkedHashMap<>();
        t.put("token_embd.weight", new long[] {DIM, VOCAB});
        t.put("blk.0.attn_norm.weight", new long[] {DIM});
        t.put("blk.0.attn_q.weight", new long[] {DIM, HEADS * HEAD});
        t.put("blk.0.attn_k.weight", new long[] {DIM, KV_HEADS * HEAD});
        t.put("blk.0.attn_v.weight", new long[] {DIM, KV_HEADS * HEAD});
        t.put("blk.0.attn_output.weight", new long[] {HEADS * HEAD, DIM});
        t.put("blk.0.ffn_norm.weight", new long[] {DIM});
        t.put("blk.0.ffn_gate.weight", new long[] {DIM, HIDDEN});
        t.put("blk.0.ffn_up.weight", new long[] {DIM, HIDDEN});
        t.put("blk.0.ffn_down.weight", new long[] {HIDDEN, DIM});
        t.put("output_norm.weight", new long[] {DIM});
        return t;
    }

    @Test
    void qwen2HasBiasesTiedEmbeddingsAndNeoxRope() throws Exception {
        Map<String, long[]> t = llamaTensors();
        t.put("blk.0.attn_q.bias", new long[] {HEADS * HEAD});
        t.put("blk.0.attn_k.bias", new long[] {KV_HEADS * HEAD});
        t.put("blk.0.attn_v.bias", new long[] {KV_HEADS * HEAD});
        try (LlamaModel m = GgufLlamaLoader.load(write("qwen2", t, Map.of()))) {
            LayerWeights l = m.weights().layers()[0];
            assertNotNull(l.qBias());
            assertEquals(KV_HEADS * HEAD, l.vBias().length);
            assertNull(l.qNorm());
            assertEquals(RopeLayout.HALF_SPLIT, m.config().ropeLayout());
            assertTrue(m.weights().classifier() == m.weights().tokenEmbedding(), "tied embeddings");
            assertEquals("qwen2", m.config().arch().name());
        }
    }

    @Test
    void missingTensorIsNamed() throws Exception {
        Map<String, long[]> t = llamaTensors();
        t.put("blk.0.attn_q.bias", new long[] {HEADS * HEAD});
        t.put("blk.0.attn_v.bias", new long[] {KV_HEADS * HEAD});
        Path p = write("qwen2", t, Map.of());
        GgufFormatException e = assertThrows(GgufFormatException.class, () -> GgufLlamaLoader.load(p));
        assertTrue(e.getMessage().contains(p.toString()) && e.getMessage().contains("'blk.0.attn_k.bias' is missing"),
                e.getMessage());
    }

    @Test
    void unusedTensorIsNamed() throws Exception {
        Map<String, long[]> t = llamaTensors();
        t.put("blk.0.attn_q_norm.weight", new long[] {HEAD});
        Path p = write("llama", t, Map.of());
        GgufFormatException e = assertThrows(GgufFormatException.class, () -> GgufLlamaLoader.load(p));
        assertTrue(e.getMessage().contains(p.toString())
                && e.getMessage().contains("'blk.0.attn_q_norm.weight' is not used by architecture 'llama'"), e.getMessage());
    }

    @Test
    void phi3FusedTensorsAreSplitIntoRowViews() throws Exception {
        Map<String, long[]> t = llamaTensors();
        for (String n : new String[] {"blk.0.attn_q.weight", "blk.0.attn_k.weight", "blk.0.attn_v.weight", "blk.0.ffn_gate.weight"}) t.remove(n);
        t.put("blk.0.attn_qkv.weight", new long[] {DIM, (HEADS + 2 * KV_HEADS) * HEAD});
        t.put("blk.0.ffn_up.weight", new long[] {DIM, 2 * HIDDEN});
        t.put("output.weight", new long[] {DIM, VOCAB});
        try (LlamaModel m = GgufLlamaLoader.load(write("phi3", t, Map.of()))) {
            LayerWeights l = m.weights().layers()[0];
            assertEquals(HEADS * HEAD, l.wq().rows());
            // Rows of the fused matrix hold their index: k starts after q, v after k, up after gate.
            assertEquals(HEADS * HEAD, l.wk().getFloat(0));
            assertEquals((HEADS + KV_HEADS) * HEAD, l.wv().getFloat(0));
            assertEquals(0f, l.w1().getFloat(0));
            assertEquals(HIDDEN, l.w3().getFloat(0));
            assertEquals(HIDDEN + 1, l.w3().getFloat(DIM));
        }
    }

    @Test
    void gemmaOptionsComeFromMetadata() throws Exception {
        Map<String, long[]> t = llamaTensors();
        t.put("blk.0.post_attention_norm.weight", new long[] {DIM});
        t.put("blk.0.post_ffw_norm.weight", new long[] {DIM});
        Path p = write("gemma2", t, Map.of("gemma2.attention.sliding_window", 8, "gemma2.attn_logit_softcapping", 20f,
                "gemma2.final_logit_softcapping", 10f));
        try (LlamaModel m = GgufLlamaLoader.load(p)) {
            Architecture a = m.config().arch();
            assertEquals(Architecture.Activation.GELU_TANH, a.activation());
            assertEquals((float) Math.sqrt(DIM), a.embeddingScale());
            assertEquals(20f, a.attentionSoftcap());
            assertEquals(10f, a.finalSoftcap());
            assertTrue(a.slidingWindow().isLocal(0) && !a.slidingWindow().isLocal(1));
            assertEquals(8, a.slidingWindow().window());
        }
    }

    @Test
    void unknownArchitectureListsTheSupportedOnes() throws Exception {
        Path p = write("mamba", llamaTensors(), Map.of());
        GgufFormatException e = assertThrows(GgufFormatException.class, () -> GgufLlamaLoader.load(p));
        assertTrue(e.getMessage().contains("'mamba' is not supported (llama, mistral, qwen2, qwen3, phi3, gemma2, gemma3)"),
                e.getMessage());
    }
}
