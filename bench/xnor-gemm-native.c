// The native peer of the wasm xnorGemm (bench/kernels.ts builds it with cc -O3 -march=native
// -fopenmp): the same algorithm (2 rows of A x 4 rows of B per pass, 16 KiB blocks of B,
// columns split across threads), on 64-bit words with the POPCNT instruction. It answers "how
// far is wasm from the machine?", so it is kept as plain as the wasm kernel, not tuned further.
// Usage: xnor-gemm-native m n k threads reps  ->  one line of JSON: seconds per rep and a checksum.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#ifdef _OPENMP
#include <omp.h>
#endif

static void xnor_gemm(const uint64_t *a, const uint64_t *b, int32_t *c, int m, int n, int k, int j0, int j1) {
  const int words = (k + 63) / 64;
  int nb = 16384 / (words * 8); nb = nb < 4 ? 4 : nb & ~3;
  for (int jb = j0; jb < j1; jb += nb) {
    const int je = jb + nb < j1 ? jb + nb : j1;
    for (int i = 0; i < m; i += 2) {
      const uint64_t *a0 = a + (size_t)i * words, *a1 = i + 1 < m ? a0 + words : a0;
      for (int j = jb; j < je; j += 4) {
        const uint64_t *b0 = b + (size_t)j * words;
        const uint64_t *b1 = j + 1 < je ? b0 + words : b0, *b2 = j + 2 < je ? b1 + words : b1, *b3 = j + 3 < je ? b2 + words : b2;
        int s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
        for (int w = 0; w < words; w++) {
          const uint64_t x0 = a0[w], x1 = a1[w];
          s00 += __builtin_popcountll(x0 ^ b0[w]); s01 += __builtin_popcountll(x0 ^ b1[w]);
          s02 += __builtin_popcountll(x0 ^ b2[w]); s03 += __builtin_popcountll(x0 ^ b3[w]);
          s10 += __builtin_popcountll(x1 ^ b0[w]); s11 += __builtin_popcountll(x1 ^ b1[w]);
          s12 += __builtin_popcountll(x1 ^ b2[w]); s13 += __builtin_popcountll(x1 ^ b3[w]);
        }
        const int s0[4] = {s00, s01, s02, s03}, s1[4] = {s10, s11, s12, s13};
        for (int q = 0; q < 4 && j + q < je; q++) {
          c[(size_t)i * n + j + q] = k - 2 * s0[q];
          if (i + 1 < m) c[(size_t)(i + 1) * n + j + q] = k - 2 * s1[q];
        }
      }
    }
  }
}

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }

int main(int argc, char **argv) {
  if (argc != 6) { fprintf(stderr, "usage: %s m n k threads reps\n", argv[0]); return 2; }
  const int m = atoi(argv[1]), n = atoi(argv[2]), k = atoi(argv[3]), threads = atoi(argv[4]), reps = atoi(argv[5]);
  const int words = (k + 63) / 64;
  uint64_t *a = malloc((size_t)m * words * 8), *b = malloc((size_t)n * words * 8);
  int32_t *c = malloc((size_t)m * n * 4);
  uint64_t s = 88172645463325252ull; // xorshift64: arbitrary bits
  for (size_t i = 0; i < (size_t)m * words; i++) { s ^= s << 13; s ^= s >> 7; s ^= s << 17; a[i] = s; }
  for (size_t i = 0; i < (size_t)n * words; i++) { s ^= s << 13; s ^= s >> 7; s ^= s << 17; b[i] = s; }
  // (k a multiple of 64 in every benchmark shape, so no tail bits to clear)
  printf("{\"seconds\":[");
  for (int r = -1; r < reps; r++) { // rep -1 warms caches and threads
    const double t0 = now();
#ifdef _OPENMP
    #pragma omp parallel num_threads(threads)
    {
      const int t = omp_get_thread_num(), nt = omp_get_num_threads();
      const int per = ((n + 3) / 4 + nt - 1) / nt * 4;
      const int lo = t * per < n ? t * per : n, hi = (t + 1) * per < n ? (t + 1) * per : n;
      if (lo < hi) xnor_gemm(a, b, c, m, n, k, lo, hi);
    }
#else
    if (threads != 1) { fprintf(stderr, "built without OpenMP: 1 thread only\n"); return 3; }
    xnor_gemm(a, b, c, m, n, k, 0, n);
#endif
    const double dt = now() - t0;
    if (r >= 0) printf("%s%.9f", r ? "," : "", dt);
  }
  long long sum = 0;
  for (size_t i = 0; i < (size_t)m * n; i++) sum += c[i];
  printf("],\"checksum\":%lld}\n", sum);
  return 0;
}
