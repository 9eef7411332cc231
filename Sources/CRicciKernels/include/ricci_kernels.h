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

/* out[i] = sum of x[i*d + j]*v[j] over j < d, for the rows r0 <= i < r1 of the row-major x. */
void ricci_gemv_n_rows(const double *x, size_t d, const double *v, size_t r0, size_t r1, double *out);

/* part[j] = sum of v[i]*x[i*d + j] over the rows r0 <= i < r1 of the row-major x (d columns),
   for j < d: one band of the product x^T v (part is overwritten). */
void ricci_gemv_t_rows(const double *x, size_t d, const double *v, size_t r0, size_t r1, double *part);

/* out = x v over all rows of the rows x cols row-major x, rows split into `bands` bands run by
   the pool's threads (below). */
void ricci_gemv_n(const double *x, size_t rows, size_t cols, const double *v, double *out, size_t bands);

/* partials[b*cols + j] = band b's part of (x^T v)[j], for b < bands: the caller adds the partials. */
void ricci_gemv_t(const double *x, size_t rows, size_t cols, const double *v, double *partials, size_t bands);

/* A piece of work split into bands: band b of a job. */
typedef void (*ricci_band_fn)(void *ctx, size_t band);

/* Runs fn(ctx, b) for every b < bands: band 0 on the calling thread, the others on the pool's
   worker threads (created on first use, at most 63), which spin for 0.3 ms after each job before
   they sleep, so that back-to-back jobs do not wait for a thread to wake. One job at a time. */
void ricci_pool_run(ricci_band_fn fn, void *ctx, size_t bands);

/* Which code path runs: 3 = AVX-512, 2 = AVX2+FMA, 1 = baseline. */
int ricci_kernels_level(void);

/* glibc's mallopt(M_MMAP_THRESHOLD) and mallopt(M_TRIM_THRESHOLD), in bytes; 1 when both were
 * taken, 0 otherwise (another C library: nothing is changed). */
int ricci_keep_freed_memory(long mmap_threshold, long trim_threshold);

/* The number of processors the calling thread may run on (its affinity mask: `taskset`, a container's
   cpuset), or 0 when it cannot be read. */
int ricci_available_cpus(void);
#endif
