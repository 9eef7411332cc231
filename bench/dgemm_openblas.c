/* Plain OpenBLAS reference for bench/contract_bench.py: times cblas_dgemm on n×n matrices.
 * Build: cc -O2 -o dgemm_openblas dgemm_openblas.c -lopenblas
 * Usage: dgemm_openblas N REPEAT   -> prints {"n": N, "median_seconds": S, "min_seconds": M} */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static int compare(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 2000;
    int repeat = argc > 2 ? atoi(argv[2]) : 5;
    if (n <= 0 || repeat <= 0) return 2;
    double *a = malloc(sizeof(double) * n * n), *b = malloc(sizeof(double) * n * n), *c = malloc(sizeof(double) * n * n);
    double *times = malloc(sizeof(double) * repeat);
    if (!a || !b || !c || !times) return 1;
    srand(1);
    for (long i = 0; i < (long)n * n; i++) { a[i] = rand() / (double)RAND_MAX - 0.5; b[i] = rand() / (double)RAND_MAX - 0.5; }
    for (int r = 0; r < repeat; r++) {
        double start = now();
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0, a, n, b, n, 0.0, c, n);
        times[r] = now() - start;
    }
    qsort(times, repeat, sizeof(double), compare);
    double median = repeat % 2 ? times[repeat / 2] : 0.5 * (times[repeat / 2 - 1] + times[repeat / 2]);
    printf("{\"n\": %d, \"median_seconds\": %.9f, \"min_seconds\": %.9f}\n", n, median, times[0]);
    free(a); free(b); free(c); free(times);
    return 0;
}
