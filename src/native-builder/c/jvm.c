/*
 * libjvm.a: the JVM_* functions a native image provides itself, for its own calls (GraalVM 25.0.2's
 * com.oracle.svm.core.jdk.Jvm, @CLibrary("jvm")) and for the JDK's shared libraries (libjava, libnet, libzip,
 * libawt ...) that the image links against. The executable exports these, so they take precedence over the
 * stand-in libjvm.so the JDK libraries name as NEEDED (whose functions only abort). Written for this project
 * from the JDK's jvm.h declarations.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <jni.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define RETRY_ON_EINTR(expr) ({ long _r; do { _r = (long) (expr); } while (_r == -1 && errno == EINTR); _r; })

void initialize(void) {
}

/* jvm.h: JVM_INTERFACE_VERSION of JDK 9 and later */
int JVM_GetInterfaceVersion(void) {
    return 6;
}

/* CPUs this process may run on (its affinity mask, so cpusets count), else those online. */
int JVM_ActiveProcessorCount(void) {
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0) {
        int n = CPU_COUNT(&set);
        if (n > 0) {
            return n;
        }
    }
    return (int) sysconf(_SC_NPROCESSORS_ONLN);
}

jlong JVM_CurrentTimeMillis(JNIEnv *env, jclass ignored) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (jlong) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

jlong JVM_NanoTime(JNIEnv *env, jclass ignored) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (jlong) ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Nanoseconds since offset_secs, or -1 when that is more than 2^32 s away (jdk.internal.misc.VM's contract). */
jlong JVM_GetNanoTimeAdjustment(JNIEnv *env, jclass ignored, jlong offset_secs) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    jlong diff = (jlong) ts.tv_sec - offset_secs;
    const jlong limit = 0x100000000LL;
    if (diff >= limit || diff <= -limit) {
        return -1;
    }
    return diff * 1000000000LL + ts.tv_nsec;
}

/* Installs handler for sig (SIG_DFL and SIG_IGN included); answers the previous one, or (void *) -1 on failure. */
void *JVM_RegisterSignal(jint sig, void *handler) {
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = (void (*)(int)) handler;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    if (sigaction(sig, &sa, &old) != 0) {
        return (void *) -1;
    }
    return (void *) old.sa_handler;
}

void JVM_Halt(jint code) {
    exit(code);
}

void JVM_BeforeHalt(void) {
}

jboolean JVM_IsStaticallyLinked(void) {
    return JNI_FALSE;
}

void *JVM_FindLibraryEntry(void *handle, const char *name) {
    return dlsym(handle, name);
}

char *JVM_NativePath(char *path) {
    return path;
}

jstring JVM_GetTemporaryDirectory(JNIEnv *env) {
    return (*env)->NewStringUTF(env, "/tmp");
}

int JVM_GetLastErrorString(char *buf, int len) {
    if (errno == 0 || len <= 0) {
        return 0;
    }
    const char *s = strerror(errno);
    size_t n = strlen(s);
    if (n >= (size_t) len) {
        n = (size_t) len - 1;
    }
    memcpy(buf, s, n);
    buf[n] = '\0';
    return (int) n;
}

/* ---- sockets (kept for JDK code that still calls them) ---- */

int JVM_InitializeSocketLibrary(void) {
    return 0;
}

int JVM_Socket(int domain, int type, int protocol) {
    return socket(domain, type, protocol);
}

int JVM_SocketClose(int fd) {
    return close(fd);
}

int JVM_SocketShutdown(int fd, int how) {
    return shutdown(fd, how);
}

int JVM_Send(int fd, char *buf, size_t n, unsigned int flags) {
    return (int) RETRY_ON_EINTR(send(fd, buf, n, flags));
}

int JVM_Listen(int fd, int backlog) {
    return listen(fd, backlog);
}

int JVM_Connect(int fd, struct sockaddr *addr, socklen_t len) {
    return (int) RETRY_ON_EINTR(connect(fd, addr, len));
}

int JVM_GetSockName(int fd, struct sockaddr *addr, socklen_t *len) {
    return getsockname(fd, addr, len);
}

int JVM_GetSockOpt(int fd, int level, int name, char *value, socklen_t *len) {
    return getsockopt(fd, level, name, value, len);
}

int JVM_SetSockOpt(int fd, int level, int name, const char *value, socklen_t len) {
    return setsockopt(fd, level, name, value, len);
}

int JVM_GetHostName(char *name, int len) {
    return gethostname(name, len);
}

/* 1 with the byte count in *pbytes, 0 when it cannot be read */
int JVM_SocketAvailable(int fd, int *pbytes) {
    if (fd < 0) {
        return 0;
    }
    return RETRY_ON_EINTR(ioctl(fd, FIONREAD, pbytes)) == -1 ? 0 : 1;
}

/* ---- raw monitors (libzip) ---- */

void *JVM_RawMonitorCreate(void) {
    pthread_mutex_t *m = malloc(sizeof *m);
    if (m != NULL) {
        pthread_mutexattr_t attr;
        pthread_mutexattr_init(&attr);
        pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
        pthread_mutex_init(m, &attr);
        pthread_mutexattr_destroy(&attr);
    }
    return m;
}

void JVM_RawMonitorDestroy(void *m) {
    pthread_mutex_destroy(m);
    free(m);
}

jint JVM_RawMonitorEnter(void *m) {
    return pthread_mutex_lock(m);
}

void JVM_RawMonitorExit(void *m) {
    pthread_mutex_unlock(m);
}

/* ---- formatted output (jio_*: vsnprintf that always terminates and answers -1 on truncation) ---- */

int jio_vsnprintf(char *str, size_t count, const char *fmt, va_list args) {
    if ((intptr_t) count <= 0) {
        return -1;
    }
    int r = vsnprintf(str, count, fmt, args);
    if (r < 0 || (size_t) r >= count) {
        str[count - 1] = '\0';
        return -1;
    }
    return r;
}

int jio_snprintf(char *str, size_t count, const char *fmt, ...) {
    va_list args;
    va_start(args, fmt);
    int r = jio_vsnprintf(str, count, fmt, args);
    va_end(args);
    return r;
}

int jio_vfprintf(FILE *f, const char *fmt, va_list args) {
    return vfprintf(f, fmt, args);
}

int jio_fprintf(FILE *f, const char *fmt, ...) {
    va_list args;
    va_start(args, fmt);
    int r = vfprintf(f, fmt, args);
    va_end(args);
    return r;
}
