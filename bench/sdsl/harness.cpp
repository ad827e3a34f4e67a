// sdsl-lite reference for bench/fm.ts: builds csa_wt<wt_huff<rrr_vector<127>>,32,64> (the configuration
// infini-gram mini uses) over the same bytes and times the same queries.
// usage: harness <corpus.bin> <queries.bin> [index.sdsl]   (queries: u32 count, then per query u32 length
// + bytes). With a third argument, the index is loaded from that file when it exists (buildSeconds is then
// -1) and stored to it after a build, so a large corpus is built once. Every query kind gets one untimed
// pass over its inputs before the timed one (as bench/fm.ts does for ours). Prints one JSON object.
#include <sdsl/suffix_arrays.hpp>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <random>
#include <vector>

using namespace sdsl;
using clk = std::chrono::steady_clock;
static double secs(clk::time_point a, clk::time_point b) { return std::chrono::duration<double>(b - a).count(); }

int main(int argc, char** argv) {
  if (argc < 3) { std::cerr << "usage: harness corpus.bin queries.bin\n"; return 2; }
  csa_wt<wt_huff<rrr_vector<127>>, 32, 64> csa;
  auto t0 = clk::now();
  std::clock_t c0 = std::clock();
  bool loaded = false;
  if (argc > 3) loaded = load_from_file(csa, argv[3]);
  if (!loaded) construct(csa, argv[1], 1);
  auto t1 = clk::now();
  double buildCpu = double(std::clock() - c0) / CLOCKS_PER_SEC;
  if (argc > 3 && !loaded) store_to_file(csa, argv[3]);
  std::ifstream qf(argv[2], std::ios::binary);
  uint32_t nq = 0;
  qf.read(reinterpret_cast<char*>(&nq), 4);
  std::vector<std::string> qs(nq);
  for (auto& q : qs) {
    uint32_t len = 0;
    qf.read(reinterpret_cast<char*>(&len), 4);
    q.resize(len);
    qf.read(&q[0], len);
  }
  // Wall time per query (summed) and CPU time of the whole loop (std::clock: this process's CPU time, which
  // leaves out the time another job held the core, on a shared machine).
  double c10 = 0, c100 = 0, cpu10 = 0, cpu100 = 0; size_t n10 = 0, n100 = 0; uint64_t total = 0;
  for (auto& q : qs) total += count(csa, q.begin(), q.end());  // warm-up
  total = 0;
  for (int group = 0; group < 2; group++) {
    std::clock_t g0 = std::clock();
    for (auto& q : qs) {
      if ((q.size() <= 10) != (group == 0)) continue;
      auto a = clk::now();
      total += count(csa, q.begin(), q.end());
      auto b = clk::now();
      if (group == 0) { c10 += secs(a, b); n10++; } else { c100 += secs(a, b); n100++; }
    }
    double cpu = double(std::clock() - g0) / CLOCKS_PER_SEC;
    if (group == 0) cpu10 = cpu; else cpu100 = cpu;
  }
  const size_t nLoc = 20000, nExt = 500;
  double loc = 0, ext = 0, locCpu = 0, extCpu = 0;
  uint64_t sink = 0;
  for (int pass = 0; pass < 2; pass++) {  // pass 0 warms up, on the same rows and positions
    std::mt19937_64 rng(42);
    auto a = clk::now();
    std::clock_t k0 = std::clock();
    for (size_t i = 0; i < nLoc; i++) sink += csa[rng() % csa.size()];
    auto b = clk::now();
    locCpu = double(std::clock() - k0) / CLOCKS_PER_SEC / nLoc;
    loc = secs(a, b) / nLoc;
    a = clk::now();
    k0 = std::clock();
    for (size_t i = 0; i < nExt; i++) {
      size_t p = rng() % (csa.size() - 1001);
      auto s = extract(csa, p, p + 999);
      sink += (unsigned char)s[0];
    }
    b = clk::now();
    extCpu = double(std::clock() - k0) / CLOCKS_PER_SEC / nExt;
    ext = secs(a, b) / nExt;
  }
  std::printf("{\"buildSeconds\":%.3f,\"buildCpuSeconds\":%.3f,\"openSeconds\":%.3f,\"indexBytes\":%llu,\"textBytes\":%llu,\"count10us\":%.3f,\"count100us\":%.3f,"
              "\"locateUs\":%.3f,\"extract1000Us\":%.3f,\"count10CpuUs\":%.3f,\"count100CpuUs\":%.3f,"
              "\"locateCpuUs\":%.3f,\"extract1000CpuUs\":%.3f,\"totalCount\":%llu,\"sink\":%llu}\n",
              loaded ? -1.0 : secs(t0, t1), loaded ? -1.0 : buildCpu, loaded ? secs(t0, t1) : 0.0, (unsigned long long)size_in_bytes(csa), (unsigned long long)(csa.size() - 1),
              n10 ? c10 / n10 * 1e6 : 0.0, n100 ? c100 / n100 * 1e6 : 0.0, loc * 1e6, ext * 1e6,
              n10 ? cpu10 / n10 * 1e6 : 0.0, n100 ? cpu100 / n100 * 1e6 : 0.0, locCpu * 1e6, extCpu * 1e6,
              (unsigned long long)total, (unsigned long long)sink);
  return 0;
}
