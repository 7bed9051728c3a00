/*
 * Compiled for the baseline x86-64 ISA, apart from the kernels: the JVM calls this first and uses the kernels only
 * when it returns 1, so a CPU without AVX2 never executes an AVX2 instruction.
 */
int mirrorsd_cpu_supported(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c");
}

/* The layout version the Java side expects: bumped whenever a kernel's signature changes. */
int mirrorsd_cpu_abi(void) {
    return 3;
}
