// raftsim bench --time-travel: what a long interactive session costs (issue 8). A Lab (the front
// ends' session: checkpoints, a bounded trace window, replay) runs a share link to its end, then
// seeks to the middle and to the start, as a user scrubbing the timeline does. For each run length
// it prints the bytes the heap holds, the checkpoints and their interval, the seek times, and the
// seeks as a fraction of simulating the whole run once (ratios in one run: the machine is shared).
//
// Bytes are the allocator's own count of bytes in use (mallinfo2 on glibc, mallinfo in wasm's
// dlmalloc), measured after the run minus before it, so they include every container's slack.
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <string>
#include <vector>

#include <malloc.h>

#include "core/sim/lab.h"
#include "shell/raftsim/raftsim.h"

namespace raftsim {

namespace {

size_t heap_in_use() {
#if defined(__GLIBC__)
  const struct mallinfo2 m = mallinfo2();
  return m.uordblks + m.hblkhd;
#else
  const struct mallinfo m = mallinfo();
  return static_cast<size_t>(static_cast<unsigned>(m.uordblks));
#endif
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

struct Case {
  const char* label;
  std::string link;   // the scenario text a share link carries
  raft::Time end_us;
};

bool run_case(const Case& c) {
  const size_t heap0 = heap_in_use();
  bool ok = true;
  {
    raft::sim::Lab lab;
    if (auto err = lab.load_scenario(c.link, c.label)) {
      std::fprintf(stderr, "bench: %s\n", err->to_string().c_str());
      return false;
    }
    auto t0 = std::chrono::steady_clock::now();
    lab.seek(c.end_us);
    const double whole_s = seconds_since(t0);
    const size_t held = heap_in_use() - heap0;
    const size_t ops = lab.cluster().client_ops().size();
    const raft::sim::Trace& trace = lab.cluster().trace();
    const size_t commands_held = trace.commands_interned() - trace.commands_first();
    const size_t ops_held = ops - lab.cluster().client_ops().first();
    t0 = std::chrono::steady_clock::now();
    lab.seek(c.end_us / 2);
    const double middle_s = seconds_since(t0);
    t0 = std::chrono::steady_clock::now();
    lab.seek(0);
    const double start_s = seconds_since(t0);
    t0 = std::chrono::steady_clock::now();
    lab.seek(c.end_us / 2 + 1'000'000);
    const double middle_again_s = seconds_since(t0);
    const size_t held_after = heap_in_use() - heap0;
    const raft::sim::Cluster& cl = lab.cluster();
    ok = cl.ok();
    std::printf("%s: %s s virtual, %" PRIu64 " events, %zu client requests\n", c.label,
                format_number(static_cast<double>(c.end_us) / 1e6).c_str(), cl.metrics().events, ops);
    std::printf("  held at the end: %zu of %zu interned commands, %zu client requests, checker tables from index %" PRIu64
                " of %" PRIu64 "\n",
                commands_held, trace.commands_interned(), ops_held, cl.checker().floor(), cl.checker().committed_index());
    std::printf("  heap held: %.1f MB after the run, %.1f MB after the seeks (trace window %zu events, %.1f MB;"
                " checkpoints %.1f MB est.)\n",
                static_cast<double>(held) / 1048576.0, static_cast<double>(held_after) / 1048576.0,
                cl.trace().events().size() - cl.trace().events().first(),
                static_cast<double>((cl.trace().events().size() - cl.trace().events().first()) * sizeof(raft::sim::TraceEvent)) /
                    1048576.0,
                static_cast<double>(lab.checkpoint_bytes()) / 1048576.0);
    std::printf("  checkpoints: %zu, interval %.1f s virtual (the widest gap between two: %.1f s)\n", lab.checkpoints(),
                static_cast<double>(lab.checkpoint_interval()) / 1e6, static_cast<double>(lab.checkpoint_gap_max()) / 1e6);
    std::printf("  simulate the whole run once: %.3f s wall\n", whole_s);
    std::printf("  seek to middle %.1f ms (%.4f of the whole run), to start %.1f ms (%.4f), middle again %.1f ms (%.4f)\n",
                middle_s * 1e3, middle_s / whole_s, start_s * 1e3, start_s / whole_s, middle_again_s * 1e3,
                middle_again_s / whole_s);
  }
  return ok;
}

}  // namespace

int cmd_bench_time_travel(uint64_t seed) {
#ifdef __EMSCRIPTEN__
  const char* build = "wasm";
#else
  const char* build = "native";
#endif
  std::printf("raftsim bench --time-travel (%s): a Lab session as the page runs it, seed %" PRIu64 "\n", build, seed);
  const std::string s = "seed " + std::to_string(seed) + "\n";
  std::vector<Case> cases = {
      {"5 nodes, 3 clients at 20/s, 5 min", "nodes 5\n" + s + "clients 3 rate 20/s\nrun 300s\n", 300'000'000},
      {"5 nodes, 3 clients at 20/s, 30 min", "nodes 5\n" + s + "clients 3 rate 20/s\nrun 1800s\n", 1'800'000'000},
      {"5 nodes, no clients, 24 h", "nodes 5\n" + s + "run 86400s\n", 86'400'000'000},
      {"5 nodes, 3 clients at 20/s, snapshots every 1000, 30 min", "nodes 5\n" + s + "snapshot_every 1000\nclients 3 rate 20/s\nrun 1800s\n", 1'800'000'000},
      // The page's default session (assets/scenarios/default.raft) left running for a day.
      {"the page's default session, 24 h", "nodes 5\n" + s + "election_timeout 150ms 300ms\nheartbeat 50ms\nlatency 10ms 20ms\n"
       "snapshot_every 1000\nclients 3 rate 5/s\nrun 86400s\n", 86'400'000'000},
  };
  bool ok = true;
  for (const Case& c : cases) ok &= run_case(c);
  return ok ? kExitOk : kExitFailed;
}

}  // namespace raftsim
