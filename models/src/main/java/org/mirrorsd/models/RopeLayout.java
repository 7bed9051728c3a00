package org.mirrorsd.models;

/**
 * How RoPE pairs the dimensions of a head. Meta's Llama checkpoints, llama2.c and GGUF {@code llama} rotate
 * adjacent pairs (2i, 2i+1); Hugging Face's layout (GPT-NeoX style) rotates (i, i + headSize/2).
 */
public enum RopeLayout {
    INTERLEAVED,
    HALF_SPLIT
}
