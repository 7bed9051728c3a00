/*
 * Compiled for the baseline x86-64 ISA, apart from the kernels: the JVM calls this first and uses the kernels only
 * when it returns 1, so a CPU without AVX2 never executes an AVX2 instruction.
 */
int mirrorsd_cpu_supported(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c");
}

/*
 * AVX-512 F and BW (with the OS saving zmm state, which __builtin_cpu_supports checks): the Q8_0/Q4_0 kernels of
 * cpu_kernels_avx512.c run where this returns 1 and the JVM's float species has 16 lanes.
 */
int mirrorsd_cpu_avx512(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && mirrorsd_cpu_supported();
}

/* And VNNI (vpdpwssd): the K formats' batched kernels of cpu_kernels_vnni.c run where this returns 1. */
int mirrorsd_cpu_avx512_vnni(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512vnni") && mirrorsd_cpu_avx512();
}

/* The layout version the Java side expects: bumped whenever a kernel's signature changes. */
int mirrorsd_cpu_abi(void) {
    return 4;
}
