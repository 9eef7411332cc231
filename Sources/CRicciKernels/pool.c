/* A pool of worker threads for kernels split into bands (see ricci_kernels.h).

   A plan's matrix-vector products take about 0.1 ms each, and waking a sleeping thread (a condition
   variable, or a GCD worker) took about as long on the machines measured: the second core arrived
   when the work was half done. So the workers spin for a short while after each job, as OpenMP's
   and OpenBLAS's do, and consecutive steps find them awake; after SPIN_NS without work they sleep
   on a condition variable. Spinning threads yield the processor every few hundred turns, so that
   with more threads than cores the one with work gets to run. One job runs at a time (callers from
   several threads take turns). */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include "ricci_kernels.h"

#define MAX_WORKERS 63
#define SPIN_NS 300000L

static pthread_mutex_t run_lock = PTHREAD_MUTEX_INITIALIZER;   /* one job at a time */
static pthread_mutex_t sleep_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static int sleepers = 0;
static size_t workers = 0;

static ricci_band_fn job_fn;
static void *job_ctx;
static size_t job_bands;
static atomic_ulong generation = 0;
static atomic_size_t remaining = 0;

static long now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long)t.tv_sec * 1000000000L + t.tv_nsec;
}

static inline void relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

/* A worker's start: its index (it runs band index + 1) and the generation before the job that
   created it (reading it when the thread starts would skip that job). */
struct start {
    size_t index;
    unsigned long generation;
};

static void *worker_main(void *arg) {
    struct start given = *(struct start *)arg;
    free(arg);
    size_t index = given.index;
    unsigned long seen = given.generation;
    for (;;) {
        unsigned long g;
        long start = now_ns();
        unsigned spins = 0;
        while ((g = atomic_load_explicit(&generation, memory_order_acquire)) == seen) {
            relax();
            if (++spins % 256 != 0) continue;
            sched_yield();   /* a thread that shares this core (more threads than cores) gets to run */
            if (now_ns() - start > SPIN_NS) {
                pthread_mutex_lock(&sleep_lock);
                sleepers++;
                while ((g = atomic_load_explicit(&generation, memory_order_acquire)) == seen)
                    pthread_cond_wait(&wake, &sleep_lock);
                sleepers--;
                pthread_mutex_unlock(&sleep_lock);
                break;
            }
        }
        seen = g;
        if (index + 1 < job_bands) {
            job_fn(job_ctx, index + 1);
            atomic_fetch_sub_explicit(&remaining, 1, memory_order_acq_rel);
        }
    }
    return NULL;
}

void ricci_pool_run(ricci_band_fn fn, void *ctx, size_t bands) {
    if (bands <= 1) {
        if (bands == 1) fn(ctx, 0);
        return;
    }
    pthread_mutex_lock(&run_lock);
    while (workers < bands - 1 && workers < MAX_WORKERS) {
        struct start *given = malloc(sizeof *given);
        if (!given) break;
        given->index = workers;
        given->generation = atomic_load_explicit(&generation, memory_order_acquire);
        pthread_t t;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        int ok = pthread_create(&t, &attr, worker_main, given) == 0;
        pthread_attr_destroy(&attr);
        if (!ok) {
            free(given);
            break;
        }
        workers++;
    }
    size_t parallel = bands - 1 < workers ? bands : workers + 1;   /* bands the workers can take */
    job_fn = fn;
    job_ctx = ctx;
    job_bands = parallel;
    atomic_store_explicit(&remaining, parallel - 1, memory_order_release);
    atomic_fetch_add_explicit(&generation, 1, memory_order_acq_rel);
    pthread_mutex_lock(&sleep_lock);
    if (sleepers > 0) pthread_cond_broadcast(&wake);
    pthread_mutex_unlock(&sleep_lock);
    fn(ctx, 0);
    for (size_t b = parallel; b < bands; b++) fn(ctx, b);   /* bands beyond the workers: here */
    for (unsigned spins = 1; atomic_load_explicit(&remaining, memory_order_acquire) > 0; spins++) {
        relax();
        if (spins % 256 == 0) sched_yield();
    }
    pthread_mutex_unlock(&run_lock);
}
