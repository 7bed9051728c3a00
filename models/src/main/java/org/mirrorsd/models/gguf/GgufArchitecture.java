package org.mirrorsd.models.gguf;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.mirrorsd.models.Architecture.Activation;
import org.mirrorsd.models.RopeLayout;

/**
 * One row of the table of GGUF architectures the engine runs: how its tensors are laid out and which
 * optional pieces it has (the part of llama.cpp's llama-arch tensor lists and llama-model graphs that
 * differs between these families). Metadata that varies per file is read by {@link GgufLlamaLoader}.
 *
 * @param qkvBias     whether {@code attn_q/k/v.bias} are required, allowed or not used
 * @param qkNorm      per-head {@code attn_q_norm} / {@code attn_k_norm}
 * @param postNorms   {@code post_attention_norm} and {@code post_ffw_norm} on the sublayer outputs
 * @param fusedQkv    {@code attn_qkv} (rows q | k | v) instead of separate projections
 * @param fusedGateUp {@code ffn_up} holds gate | up (no {@code ffn_gate})
 * @param gemma       gemma's scaled embeddings, soft-capping defaults, query scale and sliding windows
 * @param swaPattern  llama.cpp's sliding-window pattern (0: the family has no local layers)
 */
public record GgufArchitecture(String name, RopeLayout ropeLayout, Need qkvBias, boolean qkNorm, boolean postNorms,
                               boolean fusedQkv, boolean fusedGateUp, Activation activation, boolean gemma,
                               int swaPattern) {

    public enum Need { NONE, OPTIONAL, REQUIRED }

    private static final RopeLayout NEOX = RopeLayout.HALF_SPLIT;

    /** Every supported {@code general.architecture}. */
    public static final List<GgufArchitecture> ALL = List.of(
            new GgufArchitecture("llama", RopeLayout.INTERLEAVED, Need.OPTIONAL, false, false, false, false, Activation.SILU, false, 0),
            new GgufArchitecture("mistral", RopeLayout.INTERLEAVED, Need.OPTIONAL, false, false, false, false, Activation.SILU, false, 0),
            new GgufArchitecture("qwen2", NEOX, Need.REQUIRED, false, false, false, false, Activation.SILU, false, 0),
            new GgufArchitecture("qwen3", NEOX, Need.NONE, true, false, false, false, Activation.SILU, false, 0),
            new GgufArchitecture("phi3", NEOX, Need.NONE, false, false, true, true, Activation.SILU, false, 0),
            new GgufArchitecture("gemma2", NEOX, Need.NONE, false, true, false, false, Activation.GELU_TANH, true, 2),
            new GgufArchitecture("gemma3", NEOX, Need.NONE, true, true, false, false, Activation.GELU_TANH, true, 6));

    private static final Map<String, GgufArchitecture> BY_NAME =
            ALL.stream().collect(Collectors.toMap(GgufArchitecture::name, Function.identity()));

    /** The row for {@code name}; a clear error listing the supported ones otherwise. */
    public static GgufArchitecture of(String name, Object file) {
        GgufArchitecture a = BY_NAME.get(name);
        if (a == null) {
            throw new GgufFormatException(file + ": architecture '" + name + "' is not supported ("
                    + ALL.stream().map(GgufArchitecture::name).collect(Collectors.joining(", ")) + ")");
        }
        return a;
    }
}
