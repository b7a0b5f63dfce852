/*
 * AArch64 CPU feature flags (one byte each), field names as GraalVM 25.0.2's @CField names. The builder resolves
 * this header whatever the target; only an image for that architecture reads it.
 */
#ifndef JEPA_AARCH64_CPU_FEATURES_H
#define JEPA_AARCH64_CPU_FEATURES_H
typedef struct {
    char fFP;
    char fASIMD;
    char fEVTSTRM;
    char fAES;
    char fPMULL;
    char fSHA1;
    char fSHA2;
    char fCRC32;
    char fLSE;
    char fDCPOP;
    char fSHA3;
    char fSHA512;
    char fSVE;
    char fSVE2;
    char fSTXR_PREFETCH;
    char fA53MAC;
    char fDMB_ATOMICS;
    char fPACA;
    char fSVEBITPERM;
    char fFPHP;
    char fASIMDHP;
} CPUFeatures;
#endif
