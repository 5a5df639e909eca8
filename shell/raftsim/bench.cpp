// raftsim bench: simulator throughput under closed-loop client load, with the safety checker and the
// trace recording on (as in every interactive session). The same binary built as wasm prints the same
// lines under node; the final state hashes must match the native ones (same seed, same run).
//
// Wall-clock time is read here only (std::chrono::steady_clock), never in core.
#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <string>
#include <vector>

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
  raft::Time virtual_us = 0;
  uint64_t state_hash = 0;
  uint64_t trace_hash = 0;
  bool ok = true;
};

BenchResult bench_one(int nodes, raft::Time virtual_us, uint64_t seed, uint32_t snapshot_every) {
  raft::sim::ClusterConfig config;
  config.nodes = nodes;
  config.seed = seed;
  config.timing.snapshot_every = snapshot_every;  // §7 log compaction; 0 = off
  config.trace = true;
  raft::sim::Cluster cluster(config);
  raft::sim::Workload w;
  w.clients = 8;
  w.rate_per_s = 0;  // closed loop: each client sends its next request as soon as the last returns
  cluster.set_workload(w);
  // Warm up (first election, buffers reach their steady size) outside the measurement.
  cluster.run_for(1'000'000);
  const raft::sim::Metrics before = cluster.metrics();
  const uint64_t allocs_before = allocations();
  const auto start = std::chrono::steady_clock::now();
  cluster.run_for(virtual_us);
  const auto end = std::chrono::steady_clock::now();
  BenchResult r;
  r.nodes = nodes;
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

}  // namespace

int cmd_bench(const std::vector<std::string>& argv) {
  Args args;
  std::string error;
  if (!args.parse(argv, {"seconds-virtual", "seed", "snapshot-every"}, {}, error) || !args.positional().empty()) {
    if (error.empty()) error = "unexpected argument '" + args.positional()[0] + "'";
    std::fprintf(stderr, "raftsim bench: %s\nusage: raftsim bench [--seconds-virtual N] [--seed S] [--snapshot-every N]\n", error.c_str());
    return kExitUsage;
  }
  uint64_t seconds = 120, seed = 1, snapshot_every = 0;
  if (!args.get_u64("seconds-virtual", seconds, error) || !args.get_u64("seed", seed, error) ||
      !args.get_u64("snapshot-every", snapshot_every, error)) {
    std::fprintf(stderr, "raftsim bench: %s\n", error.c_str());
    return kExitUsage;
  }
  if (snapshot_every > 1'000'000) {
    std::fprintf(stderr, "raftsim bench: --snapshot-every must be 0 (off)..1000000\n");
    return kExitUsage;
  }
  if (seconds < 1 || seconds > 86'400) {
    std::fprintf(stderr, "raftsim bench: --seconds-virtual must be 1..86400\n");
    return kExitUsage;
  }
#ifdef __EMSCRIPTEN__
  const char* build = "wasm";
#else
  const char* build = "native";
#endif
  std::printf("raftsim bench (%s): 8 closed-loop clients, checker and trace on, %" PRIu64 "s virtual per size, seed %" PRIu64
              "%s\n", build, seconds, seed, snapshot_every ? (", snapshot every " + std::to_string(snapshot_every) + " entries").c_str() : "");
  const auto every = static_cast<uint32_t>(snapshot_every);
  // Warm-up pass, not reported: lets a JIT (wasm under node) compile the hot paths first.
  bench_one(5, 10'000'000, seed + 1, every);
  bool all_ok = true;
  for (int nodes : {5, 3, 9}) {
    const BenchResult r = bench_one(nodes, static_cast<raft::Time>(seconds) * 1'000'000, seed, every);
    const double ns_per_msg = r.delivered ? r.wall_s * 1e9 / static_cast<double>(r.delivered) : 0;
    std::printf("nodes %d: %.0f delivered msgs/s, %.0f committed ops/s, %.0fx real time, %.3f allocs/msg, %.0f ns/msg "
                "(%" PRIu64 " msgs, %" PRIu64 " ops, %" PRIu64 " events in %.3fs wall)\n",
                r.nodes, static_cast<double>(r.delivered) / r.wall_s, static_cast<double>(r.committed_ops) / r.wall_s,
                static_cast<double>(r.virtual_us) / 1e6 / r.wall_s,
                r.delivered ? static_cast<double>(r.allocations) / static_cast<double>(r.delivered) : 0.0, ns_per_msg, r.delivered,
                r.committed_ops, r.events, r.wall_s);
    std::printf("nodes %d: state_hash %016" PRIx64 " trace_hash %016" PRIx64 "\n", r.nodes, r.state_hash, r.trace_hash);
    all_ok &= r.ok && r.delivered > 0;
  }
  return all_ok ? kExitOk : kExitFailed;
}

}  // namespace raftsim
