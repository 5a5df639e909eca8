// raftsim bench: simulator throughput under closed-loop client load, with the safety checker and the
// trace recording on (as in every interactive session). The same binary built as wasm prints the same
// lines under node; the final state hashes must match the native ones (same seed, same run).
//
// Each size is run cold, then warm. The cold run pays for first-touch memory: the trace alone is
// 72 bytes per event (about 60 MB for 5 nodes over 120 virtual seconds), and every fresh 4 KiB page
// costs a page fault, as it does on a page load in the browser. Measured natively on the 2-core VM
// (perf record -e page-faults): trace chunks ~58% of the faults, client op records and the copies
// their vector makes as it doubles ~20%, node log chunks ~8%, interned commands ~5%; 5 nodes ran
// ~4x slower cold (0.40 s, ~24,900 faults in the timed window) than warm (0.10 s, ~500 faults).
// Warm runs reuse the memory the earlier runs of the same size freed.
//
// Wall-clock time is read here only (std::chrono::steady_clock), never in core.
#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <string>
#include <vector>

#if defined(__GLIBC__)
#include <malloc.h>
#endif
#if !defined(__EMSCRIPTEN__)
#include <sys/resource.h>
#endif

#include "shell/raftsim/raftsim.h"

namespace raftsim {

namespace {

struct BenchResult {
  int nodes = 0;
  double wall_s = 0;
  uint64_t delivered = 0;
  uint64_t committed_ops = 0;
  uint64_t events = 0;
  uint64_t allocations = 0;
  uint64_t minor_faults = 0;  // first touches of fresh pages in the timed window (native only)
  raft::Time virtual_us = 0;
  uint64_t state_hash = 0;
  uint64_t trace_hash = 0;
  bool ok = true;
};

#if defined(__EMSCRIPTEN__)
constexpr bool kFaultsCounted = false;  // wasm memory grows by memory.grow; node reports no faults
uint64_t minor_faults() { return 0; }
#else
constexpr bool kFaultsCounted = true;
uint64_t minor_faults() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<uint64_t>(u.ru_minflt);
}
#endif

// Hands the memory earlier runs freed back to the kernel, so the next run touches fresh pages as a
// page load does, whatever ran before it: without this, a size run after a larger one reuses that
// one's pages and its "cold" figure depends on the order. Wasm memory never shrinks: there only the
// first run in the process grows it.
void release_free_memory() {
#if defined(__GLIBC__)
  malloc_trim(0);
#endif
}

BenchResult bench_one(int nodes, raft::Time virtual_us, uint64_t seed, uint32_t snapshot_every, bool trace) {
  raft::sim::ClusterConfig config;
  config.nodes = nodes;
  config.seed = seed;
  config.timing.snapshot_every = snapshot_every;  // §7 log compaction; 0 = off
  config.trace = trace;
  raft::sim::Cluster cluster(config);
  raft::sim::Workload w;
  w.clients = 8;
  w.rate_per_s = 0;  // closed loop: each client sends its next request as soon as the last returns
  cluster.set_workload(w);
  // The first election, outside the measurement.
  cluster.run_for(1'000'000);
  const raft::sim::Metrics before = cluster.metrics();
  const uint64_t allocs_before = allocations();
  const uint64_t faults_before = minor_faults();
  const auto start = std::chrono::steady_clock::now();
  cluster.run_for(virtual_us);
  const auto end = std::chrono::steady_clock::now();
  BenchResult r;
  r.nodes = nodes;
  r.minor_faults = minor_faults() - faults_before;
  r.allocations = allocations() - allocs_before;
  r.wall_s = std::max(1e-9, std::chrono::duration<double>(end - start).count());
  const raft::sim::Metrics& after = cluster.metrics();
  r.delivered = after.delivered_total() - before.delivered_total();
  r.committed_ops = after.ops_ok - before.ops_ok;
  r.events = after.events - before.events;
  r.virtual_us = virtual_us;
  r.state_hash = cluster.state_hash();
  r.trace_hash = cluster.trace().hash();
  r.ok = cluster.ok();
  if (!cluster.ok()) {
    std::fprintf(stderr, "bench: safety violation: %s: %s\n", cluster.checker().violation().property.c_str(),
                 cluster.checker().violation().message.c_str());
  }
  return r;
}

double msgs_per_s(const BenchResult& r) { return static_cast<double>(r.delivered) / r.wall_s; }

void print_run(const BenchResult& r, const char* label) {
  const double ns_per_msg = r.delivered ? r.wall_s * 1e9 / static_cast<double>(r.delivered) : 0;
  std::printf("nodes %d %s: %.0f delivered msgs/s, %.0f committed ops/s, %.0fx real time, %.3f allocs/msg, %.0f ns/msg",
              r.nodes, label, msgs_per_s(r), static_cast<double>(r.committed_ops) / r.wall_s,
              static_cast<double>(r.virtual_us) / 1e6 / r.wall_s,
              r.delivered ? static_cast<double>(r.allocations) / static_cast<double>(r.delivered) : 0.0, ns_per_msg);
  if (kFaultsCounted) std::printf(", %" PRIu64 " page faults", r.minor_faults);
  std::printf(" (%" PRIu64 " msgs, %" PRIu64 " ops, %" PRIu64 " events in %.3fs wall)\n", r.delivered, r.committed_ops,
              r.events, r.wall_s);
}

// "5,3,9" -> {5, 3, 9}; each a cluster size 1..kNodesMax.
bool parse_order(const std::string& text, std::vector<int>& out, std::string& error) {
  out.clear();
  size_t i = 0;
  while (i <= text.size()) {
    const size_t comma = std::min(text.find(',', i), text.size());
    const std::string item = text.substr(i, comma - i);
    int n = 0;
    bool digits = !item.empty() && item.size() <= 2;
    for (char c : item) digits &= c >= '0' && c <= '9';
    if (digits) n = std::stoi(item);
    if (!digits || n < 1 || n > raft::kNodesMax) {
      error = "--order must list cluster sizes 1.." + std::to_string(raft::kNodesMax) + " separated by commas, like 5,3,9 (got '" +
              text + "')";
      return false;
    }
    out.push_back(n);
    i = comma + 1;
  }
  return true;
}

}  // namespace

int cmd_bench(const std::vector<std::string>& argv) {
  Args args;
  std::string error;
  constexpr const char* kBenchUsage =
      "usage: raftsim bench [--seconds-virtual N] [--seed S] [--snapshot-every N] [--order 5,3,9] [--warm-runs N] [--no-trace]\n"
      "       raftsim bench --time-travel [--seed S]\n";
  if (!args.parse(argv, {"seconds-virtual", "seed", "snapshot-every", "order", "warm-runs"}, {"no-trace", "time-travel"}, error) ||
      !args.positional().empty()) {
    if (error.empty()) error = "unexpected argument '" + args.positional()[0] + "'";
    std::fprintf(stderr, "raftsim bench: %s\n%s", error.c_str(), kBenchUsage);
    return kExitUsage;
  }
  uint64_t seconds = 120, seed = 1, snapshot_every = 0, warm_runs = 2;
  if (!args.get_u64("seconds-virtual", seconds, error) || !args.get_u64("seed", seed, error) ||
      !args.get_u64("snapshot-every", snapshot_every, error) || !args.get_u64("warm-runs", warm_runs, error)) {
    std::fprintf(stderr, "raftsim bench: %s\n", error.c_str());
    return kExitUsage;
  }
  if (args.has("time-travel")) return cmd_bench_time_travel(seed);
  if (snapshot_every > 1'000'000) {
    std::fprintf(stderr, "raftsim bench: --snapshot-every must be 0 (off)..1000000\n");
    return kExitUsage;
  }
  if (seconds < 1 || seconds > 86'400) {
    std::fprintf(stderr, "raftsim bench: --seconds-virtual must be 1..86400\n");
    return kExitUsage;
  }
  if (warm_runs < 1 || warm_runs > 20) {
    std::fprintf(stderr, "raftsim bench: --warm-runs must be 1..20\n");
    return kExitUsage;
  }
  std::vector<int> order = {5, 3, 9};
  if (const auto text = args.get("order"); text && !parse_order(*text, order, error)) {
    std::fprintf(stderr, "raftsim bench: %s\n", error.c_str());
    return kExitUsage;
  }
  const bool trace = !args.has("no-trace");
#ifdef __EMSCRIPTEN__
  const char* build = "wasm";
#else
  const char* build = "native";
#endif
  std::string sizes;
  for (int n : order) sizes += (sizes.empty() ? "" : ",") + std::to_string(n);
  std::printf("raftsim bench (%s): 8 closed-loop clients, checker %s, %" PRIu64 "s virtual per run, seed %" PRIu64
              ", sizes %s%s\n",
              build, trace ? "and trace on" : "on, trace OFF", seconds, seed, sizes.c_str(),
              snapshot_every ? (", snapshot every " + std::to_string(snapshot_every) + " entries").c_str() : "");
  std::printf("  cold = a size's first run, on fresh memory: every page of its trace, logs and client records is\n"
              "         faulted in, as on a page load%s\n"
              "  warm = the fastest of %" PRIu64 " more runs of the same size (same seed, same run) on the memory the\n"
              "         earlier runs freed: the steady state\n",
              kFaultsCounted ? "" : " (in wasm memory never shrinks, so only the first size's is fresh, and\n"
                                    "         it also pays for the engine compiling the code)",
              warm_runs);
  const auto every = static_cast<uint32_t>(snapshot_every);
  const auto virtual_us = static_cast<raft::Time>(seconds) * 1'000'000;
  struct Row { BenchResult cold, warm; };
  std::vector<Row> rows;
  bool all_ok = true;
  for (int nodes : order) {
    release_free_memory();
    Row row;
    row.cold = bench_one(nodes, virtual_us, seed, every, trace);
    for (uint64_t i = 0; i < warm_runs; ++i) {
      const BenchResult w = bench_one(nodes, virtual_us, seed, every, trace);
      if (w.state_hash != row.cold.state_hash || w.trace_hash != row.cold.trace_hash) {
        std::fprintf(stderr, "bench: nodes %d: a repeated run gave different hashes (the simulator is not deterministic)\n", nodes);
        all_ok = false;
      }
      all_ok &= w.ok;
      if (i == 0 || w.wall_s < row.warm.wall_s) row.warm = w;
    }
    print_run(row.cold, "cold");
    print_run(row.warm, "warm");
    std::printf("nodes %d: state_hash %016" PRIx64 " trace_hash %016" PRIx64 "\n", nodes, row.cold.state_hash,
                row.cold.trace_hash);
    all_ok &= row.cold.ok && row.cold.delivered > 0;
    rows.push_back(row);
  }
  std::printf("delivered msgs/s    cold        warm    warm/cold%s\n", kFaultsCounted ? "   page faults cold / warm" : "");
  for (const Row& row : rows) {
    std::printf("nodes %-2d  %10.0f  %10.0f  %8.2fx", row.cold.nodes, msgs_per_s(row.cold), msgs_per_s(row.warm),
                msgs_per_s(row.warm) / msgs_per_s(row.cold));
    if (kFaultsCounted) std::printf("   %10" PRIu64 " / %" PRIu64, row.cold.minor_faults, row.warm.minor_faults);
    std::printf("\n");
  }
  return all_ok ? kExitOk : kExitFailed;
}

}  // namespace raftsim
