/* The factorial thread's loop in C, for comparison with the worker: n! in 32-bit wrapping arithmetic,
 * one multiplication per step, timed with the monotonic clock. Prints "<result> <seconds>". */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv) {
    /* volatile: the compiler must not know n, or it could fold the loop away. */
    volatile uint32_t input = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 0) : 0xffffffffu;
    uint32_t n = input, result = 1;
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (uint32_t i = n; i > 0; i--) {
        result *= i;
    }
    clock_gettime(CLOCK_MONOTONIC, &end);
    printf("%" PRIu32 " %.6f\n", result, (double)(end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) / 1e9);
    return 0;
}
