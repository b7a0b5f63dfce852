/*
 * RISC-V CPU feature flags (one byte each), field names as GraalVM 25.0.2's @CField names. The builder resolves
 * this header whatever the target; only an image for that architecture reads it.
 */
#ifndef JEPA_RISCV64_CPU_FEATURES_H
#define JEPA_RISCV64_CPU_FEATURES_H
typedef struct {
    char fI;
    char fM;
    char fA;
    char fF;
    char fD;
    char fC;
    char fV;
} CPUFeatures;
#endif
