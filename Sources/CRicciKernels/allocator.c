/* The allocator thresholds of FreedMemoryPolicy (Sources/RicciNumerics/Tensors): mallopt is in
 * <malloc.h>, which Swift's Glibc module does not export. */
#include "ricci_kernels.h"
#include <stdlib.h> /* defines __GLIBC__ under glibc */
#if defined(__GLIBC__)
#include <malloc.h>
#endif

int ricci_keep_freed_memory(long mmap_threshold, long trim_threshold) {
#if defined(__GLIBC__)
    int a = mallopt(M_MMAP_THRESHOLD, (int)mmap_threshold);
    int b = mallopt(M_TRIM_THRESHOLD, (int)trim_threshold);
    return a == 1 && b == 1;
#else
    (void)mmap_threshold;
    (void)trim_threshold;
    return 0;
#endif
}
