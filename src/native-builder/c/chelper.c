/*
 * liblibchelper.a: the small C functions a native image calls directly (GraalVM 25.0.2 declares them with
 * @CLibrary("libchelper") in LibCHelper, LinuxLibCHelper, AMD64LibCHelper, CSunMiscSignal, LocaleCHelper and
 * CodeSynchronizationOperations). Written for this project from those declarations: names, argument types and
 * the return conventions the Java side expects (0 = success unless said otherwise).
 */
#define _GNU_SOURCE
#include <cpuid.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <limits.h>
#include <locale.h>
#include <semaphore.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "amd64cpufeatures.h"
#include "svm_locale.h"

extern char **environ;

char **getEnviron(void) {
    return environ;
}

/* ---- threads ---------------------------------------------------------------------------------------- */

int getThreadId(void) {
    return (int) syscall(SYS_gettid);
}

/* User CPU time of a thread in nanoseconds, from field 14 (utime, in clock ticks) of /proc/self/task/<tid>/stat; -1 if unreadable. */
long getThreadUserTimeSlow(int tid) {
    char path[64];
    char buf[1024];
    snprintf(path, sizeof path, "/proc/self/task/%d/stat", tid);
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        return -1;
    }
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    /* the command name (field 2) may hold spaces and parentheses: fields are counted after the last ')' */
    char *p = strrchr(buf, ')');
    if (p == NULL) {
        return -1;
    }
    p++;
    long long utime = -1;
    /* after ')': state(3) ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime(14) */
    if (sscanf(p, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lld", &utime) != 1) {
        return -1;
    }
    long ticks = sysconf(_SC_CLK_TCK);
    if (ticks <= 0) {
        return -1;
    }
    return (long) (utime * (1000000000LL / ticks));
}

/* ---- time zone ---------------------------------------------------------------------------------------- */

static char *dup_trimmed(const char *s) {
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' ' || s[n - 1] == '\t')) {
        n--;
    }
    if (n == 0) {
        return NULL;
    }
    char *r = malloc(n + 1);
    if (r != NULL) {
        memcpy(r, s, n);
        r[n] = '\0';
    }
    return r;
}

/*
 * The platform's time-zone ID (java.util.TimeZone's default) on Linux: $TZ, else /etc/timezone, else the
 * zoneinfo name /etc/localtime links to; NULL (Java then takes GMT) when none is found. The mapping table
 * arguments serve Windows only.
 */
char *SVM_FindJavaTZmd(const char *tzMappings, int length) {
    (void) tzMappings;
    (void) length;
    const char *tz = getenv("TZ");
    if (tz != NULL && *tz != '\0') {
        if (*tz == ':') {
            tz++;
        }
        const char *zi = strstr(tz, "zoneinfo/");
        return dup_trimmed(zi != NULL ? zi + strlen("zoneinfo/") : tz);
    }
    FILE *f = fopen("/etc/timezone", "r");
    if (f != NULL) {
        char line[256];
        char *r = fgets(line, sizeof line, f) != NULL ? dup_trimmed(line) : NULL;
        fclose(f);
        if (r != NULL) {
            return r;
        }
    }
    char target[PATH_MAX];
    ssize_t n = readlink("/etc/localtime", target, sizeof target - 1);
    if (n > 0) {
        target[n] = '\0';
        const char *zi = strstr(target, "zoneinfo/");
        if (zi != NULL) {
            return dup_trimmed(zi + strlen("zoneinfo/"));
        }
    }
    return NULL;
}

/* ---- sun.misc.Signal dispatch: the handler counts, a Java thread waits on the semaphore ------------------ */

static sem_t signal_semaphore;
static volatile int pending_signals[NSIG];

int cSunMiscSignal_open(void) {
    memset((void *) pending_signals, 0, sizeof pending_signals);
    return sem_init(&signal_semaphore, 0, 0) == 0 ? 0 : -1;
}

int cSunMiscSignal_close(void) {
    return sem_destroy(&signal_semaphore) == 0 ? 0 : -1;
}

int cSunMiscSignal_awaitSemaphore(void) {
    int r;
    do {
        r = sem_wait(&signal_semaphore);
    } while (r != 0 && errno == EINTR);
    return r == 0 ? 0 : -1;
}

int cSunMiscSignal_signalSemaphore(void) {
    return sem_post(&signal_semaphore) == 0 ? 0 : -1;
}

int cSunMiscSignal_signalRangeCheck(int sig) {
    return sig > 0 && sig < NSIG;
}

/* One pending signal number, its count decremented; -1 when none is pending. */
int cSunMiscSignal_checkPendingSignal(void) {
    for (int sig = 1; sig < NSIG; sig++) {
        int count = pending_signals[sig];
        while (count > 0) {
            if (__sync_bool_compare_and_swap(&pending_signals[sig], count, count - 1)) {
                return sig;
            }
            count = pending_signals[sig];
        }
    }
    return -1;
}

static void count_signal(int sig) {
    if (sig > 0 && sig < NSIG) {
        __sync_fetch_and_add(&pending_signals[sig], 1);
        sem_post(&signal_semaphore); /* async-signal-safe */
    }
}

void *cSunMiscSignal_signalHandlerFunctionPointer(void) {
    return (void *) count_signal;
}

/* ---- fixed-argument wrappers for variadic libc functions (a call from an image passes no vararg count) ---- */

int openSII(const char *path, int flags, int mode) {
    return open(path, flags, mode);
}

int openatISII(int dirfd, const char *path, int flags, int mode) {
    return openat(dirfd, path, flags, mode);
}

int fprintfSD(FILE *stream, const char *format, const char *s, int d) {
    return fprintf(stream, format, s, d);
}

void *mremapP(void *old_address, size_t old_size, size_t new_size, int flags, void *new_address) {
    return mremap(old_address, old_size, new_size, flags, new_address);
}

/* ---- code cache ------------------------------------------------------------------------------------------ */

void codeSynchronization_clearCache(long start, long end) {
    __builtin___clear_cache((char *) start, (char *) end);
}

/* ---- locale (the JDK's rules: "C"/"POSIX" read as en_US; language_COUNTRY.codeset@modifier) -------------- */

static svm_locale_props_t locale_props;

static char *part_or_null(const char *s, size_t n) {
    if (n == 0) {
        return NULL;
    }
    return strndup(s, n);
}

static int parse_locale(int category, char **language, char **script, char **country, char **variant) {
    const char *lc = setlocale(category, NULL);
    size_t name_len = lc == NULL ? 0 : strcspn(lc, ".@");
    if (lc == NULL || (name_len == 1 && lc[0] == 'C') || (name_len == 5 && strncmp(lc, "POSIX", 5) == 0)) {
        lc = "en_US"; /* also C.UTF-8 */
    }
    size_t lang_len = strcspn(lc, "_.@");
    *language = part_or_null(lc, lang_len);
    const char *rest = lc + lang_len;
    *country = NULL;
    *script = NULL;
    *variant = NULL;
    if (*rest == '_') {
        rest++;
        size_t n = strcspn(rest, ".@");
        *country = part_or_null(rest, n);
        rest += n;
    }
    const char *at = strchr(rest, '@');
    if (at != NULL) {
        const char *mod = at + 1;
        /* the modifiers glibc uses for scripts (the JDK maps these to ISO 15924 script codes) */
        if (strcmp(mod, "latin") == 0) {
            *script = strdup("Latn");
        } else if (strcmp(mod, "cyrillic") == 0) {
            *script = strdup("Cyrl");
        } else if (strcmp(mod, "devanagari") == 0) {
            *script = strdup("Deva");
        } else if (strcmp(mod, "euro") != 0) {
            *variant = part_or_null(mod, strlen(mod));
        }
    }
    if (*language == NULL) {
        *language = strdup("en");
    }
    return *language != NULL;
}

int svm_initialize_locale(void) {
    setlocale(LC_ALL, "");
    if (!parse_locale(LC_CTYPE, &locale_props.format_language, &locale_props.format_script,
                      &locale_props.format_country, &locale_props.format_variant)) {
        return SVM_LOCALE_INITIALIZATION_OUT_OF_MEMORY;
    }
    if (!parse_locale(LC_MESSAGES, &locale_props.display_language, &locale_props.display_script,
                      &locale_props.display_country, &locale_props.display_variant)) {
        return SVM_LOCALE_INITIALIZATION_OUT_OF_MEMORY;
    }
    return SVM_LOCALE_INITIALIZATION_SUCCEEDED;
}

svm_locale_props_t *svm_get_locale(void) {
    return &locale_props;
}

/* ---- x86-64 CPU features (CPUID leaves 1, 7, 0xD, 0x80000001, 0x80000007; bit positions from Intel's SDM
 * vol. 2A and AMD's APM vol. 3) ----------------------------------------------------------------------------- */

static unsigned long long read_xcr0(void) {
    unsigned int lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((unsigned long long) hi << 32) | lo;
}

#define BIT(reg, n) (((reg) >> (n)) & 1u)

void determineCPUFeatures(CPUFeatures *f) {
    unsigned int a, b, c, d;
    unsigned int max_leaf = __get_cpuid_max(0, NULL);
    memset(f, 0, sizeof *f);
    if (max_leaf < 1) {
        return;
    }
    __cpuid(1, a, b, c, d);
    unsigned int ecx1 = c;
    f->fCX8 = BIT(d, 8);
    f->fCMOV = BIT(d, 15);
    f->fMMX = BIT(d, 23);
    f->fFXSR = BIT(d, 24);
    f->fSSE = BIT(d, 25);
    f->fSSE2 = BIT(d, 26);
    f->fHT = BIT(d, 28);
    f->fTSC = BIT(d, 4);
    f->fFLUSH = BIT(d, 19);
    f->fSSE3 = BIT(c, 0);
    f->fCLMUL = BIT(c, 1);
    f->fSSSE3 = BIT(c, 9);
    f->fFMA = BIT(c, 12);
    f->fSSE4_1 = BIT(c, 19);
    f->fSSE4_2 = BIT(c, 20);
    f->fPOPCNT = BIT(c, 23);
    f->fAES = BIT(c, 25);
    f->fF16C = BIT(c, 29);
    f->fHV = BIT(c, 31);
    /* AVX needs the OS to save the YMM state (OSXSAVE and XCR0 bits 1-2); AVX-512 also ZMM (XCR0 bits 5-7) */
    int os_avx = BIT(ecx1, 27) && (read_xcr0() & 0x6) == 0x6;
    int os_avx512 = os_avx && (read_xcr0() & 0xe0) == 0xe0;
    f->fAVX = BIT(c, 28) && os_avx;
    if (f->fAVX) {
        f->fVZEROUPPER = 1;
    }
    if (max_leaf >= 7) {
        __cpuid_count(7, 0, a, b, c, d);
        f->fBMI1 = BIT(b, 3);
        f->fAVX2 = BIT(b, 5) && os_avx;
        f->fBMI2 = BIT(b, 8);
        f->fERMS = BIT(b, 9);
        f->fRTM = BIT(b, 11);
        f->fADX = BIT(b, 19);
        f->fCLWB = BIT(b, 24);
        f->fFLUSHOPT = BIT(b, 23);
        f->fSHA = BIT(b, 29);
        f->fPKU = BIT(c, 3);
        f->fOSPKE = BIT(c, 4);
        f->fGFNI = BIT(c, 8);
        f->fRDPID = BIT(c, 22);
        f->fFSRM = BIT(d, 4);
        f->fSERIALIZE = BIT(d, 14);
        f->fCET_IBT = BIT(d, 20);
        f->fCET_SS = BIT(c, 7);
        if (os_avx512) {
            f->fAVX512F = BIT(b, 16);
            f->fAVX512DQ = BIT(b, 17);
            f->fAVX512_IFMA = BIT(b, 21);
            f->fAVX512PF = BIT(b, 26);
            f->fAVX512ER = BIT(b, 27);
            f->fAVX512CD = BIT(b, 28);
            f->fAVX512BW = BIT(b, 30);
            f->fAVX512VL = BIT(b, 31);
            f->fAVX512_VBMI = BIT(c, 1);
            f->fAVX512_VBMI2 = BIT(c, 6);
            f->fAVX512_VAES = BIT(c, 9);
            f->fAVX512_VPCLMULQDQ = BIT(c, 10);
            f->fAVX512_VNNI = BIT(c, 11);
            f->fAVX512_BITALG = BIT(c, 12);
            f->fAVX512_VPOPCNTDQ = BIT(c, 14);
            f->fAVX512_FP16 = BIT(d, 23);
        }
        if (a >= 1) {
            __cpuid_count(7, 1, a, b, c, d);
            f->fSHA512 = BIT(a, 0);
            f->fAVX_IFMA = BIT(a, 23) && os_avx;
        }
    }
    unsigned int max_ext = __get_cpuid_max(0x80000000, NULL);
    if (max_ext >= 0x80000001) {
        __cpuid(0x80000001, a, b, c, d);
        f->fLZCNT = BIT(c, 5);
        f->fSSE4A = BIT(c, 6);
        f->fAMD_3DNOW_PREFETCH = BIT(c, 8);
        f->fRDTSCP = BIT(d, 27);
    }
    if (max_ext >= 0x80000007) {
        __cpuid(0x80000007, a, b, c, d);
        f->fTSCINV_BIT = BIT(d, 8);
        f->fTSCINV = BIT(d, 8);
    }
}

/*
 * The image records the features it was compiled for as a CPUFeatures-shaped byte mask, over-allocated to a multiple
 * of 8 bytes and filled with 0xFF, where the byte of every feature the code needs is 0 (the builder's
 * CPUFeatureAccessFeatureBase writes it so). 0 when this CPU has every feature whose byte is 0, 1 when it lacks one
 * (the answer is computed once).
 */
int checkCPUFeatures(const unsigned char *buildtime) {
    static int checked = -1;
    if (checked != -1) {
        return checked;
    }
    CPUFeatures host;
    determineCPUFeatures(&host);
    const unsigned char *h = (const unsigned char *) &host;
    int missing = 0;
    for (size_t i = 0; i < sizeof host; i++) {
        if (buildtime[i] == 0 && h[i] == 0) {
            missing = 1;
        }
    }
    checked = missing;
    return checked;
}

int checkCPUFeaturesOrExit(const unsigned char *buildtime, const char *message) {
    int r = checkCPUFeatures(buildtime);
    if (r != 0) {
        fputs(message, stderr);
        fputc('\n', stderr);
        exit(1);
    }
    return r;
}
