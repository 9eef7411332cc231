/* Matrix-vector products over a band of rows (see ricci_kernels.h), for the caller to split the
   rows of X across threads. X*v: each row's dot product, four rows at a time, in eight lanes (so the
   compiler vectorizes without reassociating). X^T*v: each thread sums its rows into its own partial
   result, and the partials are added. Each row of X is read once, contiguously, four rows at a time, against
   a block of the result that stays in the L1 cache; OpenBLAS's dgemv_t splits the output instead,
   and on a row-major X that reads every row in pieces. Compiled three times like the entrywise
   kernels, the processor's best chosen at the call. */
#include <stddef.h>
#include "ricci_kernels.h"

/* whole rows up to 8,192 columns (a 64 kB partial result, in L2): a matrix streamed from memory is read
   in long runs that the hardware prefetchers follow, not in 8 kB pieces that restart them */
#define COLUMN_BLOCK 8192

#define GEMV_T(SUFFIX, ATTR)                                                                       \
    ATTR static void gemv_t_##SUFFIX(const double *restrict x, size_t d, const double *restrict v, \
                                     size_t r0, size_t r1, double *restrict part) {                \
        for (size_t j0 = 0; j0 < d; j0 += COLUMN_BLOCK) {                                          \
            size_t j1 = d - j0 < COLUMN_BLOCK ? d : j0 + COLUMN_BLOCK;                             \
            for (size_t j = j0; j < j1; j++) part[j] = 0.0;                                        \
            size_t i = r0;                                                                         \
            for (; i + 4 <= r1; i += 4) {                                                          \
                const double *a = x + i * d, *b = a + d, *c = b + d, *e = c + d;                   \
                double va = v[i], vb = v[i + 1], vc = v[i + 2], ve = v[i + 3];                     \
                for (size_t j = j0; j < j1; j++)                                                   \
                    part[j] += va * a[j] + vb * b[j] + vc * c[j] + ve * e[j];                      \
            }                                                                                      \
            for (; i < r1; i++) {                                                                  \
                const double *a = x + i * d;                                                       \
                double va = v[i];                                                                  \
                for (size_t j = j0; j < j1; j++) part[j] += va * a[j];                             \
            }                                                                                      \
        }                                                                                          \
    }

#define LANES 8

#define GEMV_N(SUFFIX, ATTR)                                                                       \
    ATTR static void gemv_n_##SUFFIX(const double *restrict x, size_t d, const double *restrict v, \
                                     size_t r0, size_t r1, double *restrict out) {                 \
        size_t i = r0, dv = d - d % LANES;                                                         \
        for (; i + 4 <= r1; i += 4) {                                                              \
            const double *a = x + i * d, *b = a + d, *c = b + d, *e = c + d;                       \
            double sa[LANES] = {0}, sb[LANES] = {0}, sc[LANES] = {0}, se[LANES] = {0};             \
            for (size_t j = 0; j < dv; j += LANES)                                                 \
                for (size_t l = 0; l < LANES; l++) {                                               \
                    double w = v[j + l];                                                           \
                    sa[l] += a[j + l] * w;                                                         \
                    sb[l] += b[j + l] * w;                                                         \
                    sc[l] += c[j + l] * w;                                                         \
                    se[l] += e[j + l] * w;                                                         \
                }                                                                                  \
            double ta = 0, tb = 0, tc = 0, te = 0;                                                 \
            for (size_t l = 0; l < LANES; l++) { ta += sa[l]; tb += sb[l]; tc += sc[l]; te += se[l]; } \
            for (size_t j = dv; j < d; j++) {                                                      \
                double w = v[j];                                                                   \
                ta += a[j] * w; tb += b[j] * w; tc += c[j] * w; te += e[j] * w;                    \
            }                                                                                      \
            out[i] = ta; out[i + 1] = tb; out[i + 2] = tc; out[i + 3] = te;                        \
        }                                                                                          \
        for (; i < r1; i++) {                                                                      \
            const double *a = x + i * d;                                                           \
            double sa[LANES] = {0}, ta = 0;                                                        \
            for (size_t j = 0; j < dv; j += LANES)                                                 \
                for (size_t l = 0; l < LANES; l++) sa[l] += a[j + l] * v[j + l];                   \
            for (size_t l = 0; l < LANES; l++) ta += sa[l];                                        \
            for (size_t j = dv; j < d; j++) ta += a[j] * v[j];                                     \
            out[i] = ta;                                                                           \
        }                                                                                          \
    }

GEMV_N(avx512, __attribute__((target("avx512f,avx512dq,avx512vl,avx2,fma"))))
GEMV_N(avx2, __attribute__((target("avx2,fma"))))
GEMV_N(base, )

void ricci_gemv_n_rows(const double *x, size_t d, const double *v, size_t r0, size_t r1, double *out) {
    switch (ricci_kernels_level()) {
    case 3: gemv_n_avx512(x, d, v, r0, r1, out); break;
    case 2: gemv_n_avx2(x, d, v, r0, r1, out); break;
    default: gemv_n_base(x, d, v, r0, r1, out);
    }
}

GEMV_T(avx512, __attribute__((target("avx512f,avx512dq,avx512vl,avx2,fma"))))
GEMV_T(avx2, __attribute__((target("avx2,fma"))))
GEMV_T(base, )

void ricci_gemv_t_rows(const double *x, size_t d, const double *v, size_t r0, size_t r1, double *part) {
    switch (ricci_kernels_level()) {
    case 3: gemv_t_avx512(x, d, v, r0, r1, part); break;
    case 2: gemv_t_avx2(x, d, v, r0, r1, part); break;
    default: gemv_t_base(x, d, v, r0, r1, part);
    }
}

/* The products over all rows, one band of rows per pool thread. */
struct gemv_job {
    const double *x, *v;
    double *out;
    size_t rows, cols, bands;
};

static void gemv_n_band(void *ctx, size_t b) {
    const struct gemv_job *j = ctx;
    ricci_gemv_n_rows(j->x, j->cols, j->v, b * j->rows / j->bands, (b + 1) * j->rows / j->bands, j->out);
}

static void gemv_t_band(void *ctx, size_t b) {
    const struct gemv_job *j = ctx;
    ricci_gemv_t_rows(j->x, j->cols, j->v, b * j->rows / j->bands, (b + 1) * j->rows / j->bands, j->out + b * j->cols);
}

void ricci_gemv_n(const double *x, size_t rows, size_t cols, const double *v, double *out, size_t bands) {
    struct gemv_job j = {x, v, out, rows, cols, bands ? bands : 1};
    ricci_pool_run(gemv_n_band, &j, j.bands);
}

void ricci_gemv_t(const double *x, size_t rows, size_t cols, const double *v, double *partials, size_t bands) {
    struct gemv_job j = {x, v, partials, rows, cols, bands ? bands : 1};
    ricci_pool_run(gemv_t_band, &j, j.bands);
}
