/* Entrywise kernels (see ricci_kernels.h): the same algorithms as Swift's PlanVectorMath, written
   branch-free so the compiler vectorizes them, and compiled three times (AVX-512, AVX2+FMA,
   baseline) with the processor's best chosen at the first call.

   exp: Cody-Waite reduction by ln 2 with a degree-13 Taylor polynomial on |r| <= ln2/2 and 2^k
   built from the bits of the rounded exponent (the 1.5*2^52 shifter). tanh: Cephes' rational
   function below 0.625, (e - 1)/(e + 1) with e = exp(2|x|) above (|x| clamped at 20, where tanh
   is 1 in double precision). */
#include <cpuid.h>
#include <math.h>
#include <stdint.h>
#include <string.h>
#include "ricci_kernels.h"

static inline __attribute__((always_inline)) double exp_core(double x) {
    const double shifter = 6755399441055744.0;
    double t = x * 1.4426950408889634 + shifter;
    double k = t - shifter;
    double r = (x - k * 6.93147180369123816490e-01) - k * 1.90821492927058770002e-10;
    double p = 1.0 / 6227020800.0;
    p = p * r + 1.0 / 479001600.0;
    p = p * r + 1.0 / 39916800.0;
    p = p * r + 1.0 / 3628800.0;
    p = p * r + 1.0 / 362880.0;
    p = p * r + 1.0 / 40320.0;
    p = p * r + 1.0 / 5040.0;
    p = p * r + 1.0 / 720.0;
    p = p * r + 1.0 / 120.0;
    p = p * r + 1.0 / 24.0;
    p = p * r + 1.0 / 6.0;
    p = p * r + 0.5;
    p = p * r + 1.0;
    p = p * r + 1.0;
    uint64_t bits;
    memcpy(&bits, &t, sizeof bits);
    bits = (bits + 1023u) << 52;
    double scale;
    memcpy(&scale, &bits, sizeof scale);
    return p * scale;
}

static inline __attribute__((always_inline)) double tanh_core(double x) {
    double z = fabs(x);
    double zc = z > 20.0 ? 20.0 : z;
    double e = exp_core(2.0 * zc);
    double large = copysign(e - 1.0, x);
    double s = x * x;
    double p = (s * -9.64399179425052238628e-1 - 9.92877231001918586564e1) * s - 1.61468768441708447952e3;
    double q = ((s + 1.12811678491632931402e2) * s + 2.23548839060100448583e3) * s + 4.84406305325125486048e3;
    int small = z < 0.625;
    double num = small ? x * (q + s * p) : large;
    double den = small ? q : e + 1.0;
    return num / den;
}

enum { BLOCK = 256 };

/* The libm route for the lanes outside the fast path (|x| > 708, NaN): 0 or 1 at the ends. */
static double sigmoid_libm(double v) { return v >= 0.0 ? 1.0 / (1.0 + exp(-v)) : exp(v) / (1.0 + exp(v)); }

static inline __attribute__((always_inline)) double sigmoid_core(double v) {
    double e = exp_core(-fabs(v));
    double s = 1.0 / (1.0 + e);
    return v < 0.0 ? e * s : s;
}

/* A kernel whose fast CORE covers [-708, 708]: blocks of BLOCK entries into a local buffer (so out
   may equal x), then LIBM for the entries outside (or NaN), read from x before anything is written. */
#define RANGED(NAME, ATTR, CORE, LIBM)                                                             \
    ATTR static void NAME(const double *x, double *out, size_t n) {                                \
        double tmp[BLOCK];                                                                         \
        for (size_t b = 0; b < n; b += BLOCK) {                                                    \
            size_t m = n - b < BLOCK ? n - b : BLOCK, outside = 0;                                 \
            for (size_t i = 0; i < m; i++) {                                                       \
                double v = x[b + i];                                                               \
                int ok = v >= -708.0 && v <= 708.0;                                                \
                outside += !ok;                                                                    \
                tmp[i] = CORE(ok ? v : 0.0);                                                       \
            }                                                                                      \
            if (outside)                                                                           \
                for (size_t i = 0; i < m; i++)                                                     \
                    if (!(x[b + i] >= -708.0 && x[b + i] <= 708.0)) tmp[i] = LIBM(x[b + i]);       \
            memcpy(out + b, tmp, m * sizeof(double));                                              \
        }                                                                                          \
    }

#define KERNELS(SUFFIX, ATTR)                                                                      \
    ATTR static void tanh_##SUFFIX(const double *x, double *out, size_t n) {                       \
        for (size_t i = 0; i < n; i++) out[i] = tanh_core(x[i]);                                   \
    }                                                                                              \
    ATTR static void tanhd_##SUFFIX(const double *x, double *out, size_t n) {                      \
        for (size_t i = 0; i < n; i++) { double t = tanh_core(x[i]); out[i] = 1.0 - t * t; }       \
    }                                                                                              \
    RANGED(exp_##SUFFIX, ATTR, exp_core, exp)                                                     \
    RANGED(sigmoid_##SUFFIX, ATTR, sigmoid_core, sigmoid_libm)

KERNELS(avx512, __attribute__((target("avx512f,avx512dq,avx512vl,avx2,fma"))))
KERNELS(avx2, __attribute__((target("avx2,fma"))))
KERNELS(base, )

static int detect(void) {
    unsigned int a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 1;
    int fma = (c >> 12) & 1, osxsave = (c >> 27) & 1;
    if (!osxsave) return 1;
    unsigned int lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 1;
    int avx2 = (b >> 5) & 1;
    int avx512 = ((b >> 16) & 1) && ((b >> 17) & 1) && ((b >> 31) & 1);   /* F, DQ, VL */
    if (avx512 && (lo & 0xE6u) == 0xE6u) return 3;
    if (avx2 && fma && (lo & 0x6u) == 0x6u) return 2;
    return 1;
}

static int level_cache = 0;

int ricci_kernels_level(void) {
    int l = __atomic_load_n(&level_cache, __ATOMIC_RELAXED);
    if (l == 0) {
        l = detect();
        __atomic_store_n(&level_cache, l, __ATOMIC_RELAXED);
    }
    return l;
}

/* The processor's best compiled variant of kernel NAME. */
#define DISPATCH(NAME)                                                                             \
    switch (ricci_kernels_level()) {                                                               \
    case 3: NAME##_avx512(x, out, n); break;                                                       \
    case 2: NAME##_avx2(x, out, n); break;                                                         \
    default: NAME##_base(x, out, n);                                                               \
    }

void ricci_tanh(const double *x, double *out, size_t n) { DISPATCH(tanh) }

void ricci_tanh_derivative(const double *x, double *out, size_t n) { DISPATCH(tanhd) }

void ricci_exp(const double *x, double *out, size_t n) { DISPATCH(exp) }

void ricci_sigmoid(const double *x, double *out, size_t n) { DISPATCH(sigmoid) }
