/* The transposed matrix-vector product over a band of rows (see ricci_kernels.h): the caller
   splits the rows of X across threads, each thread sums its rows into its own partial result, and
   the partials are added. Each row of X is read once, contiguously, four rows at a time, against
   a block of the result that stays in the L1 cache; OpenBLAS's dgemv_t splits the output instead,
   and on a row-major X that reads every row in pieces. Compiled three times like the entrywise
   kernels, the processor's best chosen at the call. */
#include <stddef.h>
#include "ricci_kernels.h"

#define COLUMN_BLOCK 1024

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
