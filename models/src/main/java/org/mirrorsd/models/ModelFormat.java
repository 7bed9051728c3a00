package org.mirrorsd.models;

/** The on-disk formats the loader understands. */
public enum ModelFormat {
    /** llama2.c legacy checkpoint: 7-int header, fp32 weights. */
    LLAMA2C_V0,
    /** llama2.c export.py version 1: "ak42" header, fp32 weights. */
    LLAMA2C_V1,
    /** llama2.c export.py version 2: "ak42" header, int8 weights with per-group fp32 scales. */
    LLAMA2C_V2,
    GGUF
}
