/* The processors this thread may run on (AvailableProcessors in Sources/RicciNumerics/Tensors):
 * sched_getaffinity and CPU_COUNT are a GNU extension and a macro, which Swift does not import. */
#if defined(__linux__)
#define _GNU_SOURCE
#include <sched.h>
#endif
#include "ricci_kernels.h"

int ricci_available_cpus(void) {
#if defined(__linux__)
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof(set), &set) == 0) {
        int n = CPU_COUNT(&set);
        if (n > 0) return n;
    }
#endif
    return 0;
}
