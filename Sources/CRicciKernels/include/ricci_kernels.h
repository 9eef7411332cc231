#ifndef RICCI_KERNELS_H
#define RICCI_KERNELS_H
#include <stddef.h>

/* Entrywise kernels of the numeric plans, compiled for AVX-512, AVX2+FMA and baseline x86-64 and
   chosen once per process by the processor (CPUID and XCR0). out may equal x. Entries outside the
   polynomial's range (|x| > 708, NaN) go through libm. */

/* out[i] = tanh(x[i]) for every x[i] (NaN stays NaN, ±inf gives ±1). */
void ricci_tanh(const double *x, double *out, size_t n);

/* out[i] = 1 - tanh(x[i])^2. */
void ricci_tanh_derivative(const double *x, double *out, size_t n);

/* out[i] = exp(x[i]). */
void ricci_exp(const double *x, double *out, size_t n);

/* out[i] = 1/(1 + exp(-x[i])), without overflow. */
void ricci_sigmoid(const double *x, double *out, size_t n);

/* part[j] = sum of v[i]*x[i*d + j] over the rows r0 <= i < r1 of the row-major x (d columns),
   for j < d: one band of the product x^T v (part is overwritten). */
void ricci_gemv_t_rows(const double *x, size_t d, const double *v, size_t r0, size_t r1, double *part);

/* Which code path runs: 3 = AVX-512, 2 = AVX2+FMA, 1 = baseline. */
int ricci_kernels_level(void);

/* glibc's mallopt(M_MMAP_THRESHOLD) and mallopt(M_TRIM_THRESHOLD), in bytes; 1 when both were
 * taken, 0 otherwise (another C library: nothing is changed). */
int ricci_keep_freed_memory(long mmap_threshold, long trim_threshold);
#endif
