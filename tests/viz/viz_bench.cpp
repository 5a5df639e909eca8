// Headless frame benchmark: builds frames of real scenes with ImGui's null backend (a context, a
// display size and a font atlas, no renderer) and prints the CPU time to simulate and build one
// frame, heap allocations in steady-state frames (counted by replacing operator new in this
// binary) and the largest draw list. Scenes: 5 nodes with steady client load; 15 nodes with about
// 500 messages in flight and 10,000 log entries per node.
#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <new>
#include <string_view>
#include <vector>

#include "imgui.h"
#include "viz/app.h"
#include "viz/commands.h"

namespace {
uint64_t g_allocs = 0;
}

void* operator new(size_t n) {
  ++g_allocs;
  if (void* p = std::malloc(n ? n : 1)) return p;
  std::abort();
}
void* operator new[](size_t n) {
  ++g_allocs;
  if (void* p = std::malloc(n ? n : 1)) return p;
  std::abort();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }
void operator delete[](void* p, size_t) noexcept { std::free(p); }

namespace {

// CPU time of this thread (the machine is shared: wall time would count other processes), except
// under Emscripten where the process is one thread and the monotonic clock is what there is.
struct Clock {
  using duration = std::chrono::nanoseconds;
  using time_point = std::chrono::time_point<Clock, duration>;
  static time_point now() {
#if defined(__EMSCRIPTEN__)
    return time_point(std::chrono::duration_cast<duration>(std::chrono::steady_clock::now().time_since_epoch()));
#else
    timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return time_point(duration(static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec));
#endif
  }
};
using raft::Time;
namespace viz = raft::viz;
namespace sim = raft::sim;

struct Phases {
  Clock::time_point t[4];
  uint64_t allocs[4] = {};
};

void on_phase(void* ctx, int phase) {
  auto* p = static_cast<Phases*>(ctx);
  p->t[phase] = Clock::now();
  p->allocs[phase] = g_allocs;
}

double ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

struct Stats {
  std::vector<double> v;
  double pct(double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<size_t>(p / 100.0 * static_cast<double>(v.size())))];
  }
  double mean() const {
    double s = 0;
    for (double x : v) s += x;
    return v.empty() ? 0 : s / static_cast<double>(v.size());
  }
};

struct Result {
  Stats total, sim, build, allocs_build, allocs_total;
  int vertices_max = 0;
  double in_flight_mean = 0;
  raft::LogIndex log_min = 0;
};

// One frame as the shell does it: NewFrame, App::frame, Render. Returns the wall time of all three.
double run_frame(viz::App& app, Phases& ph, int& vertices_max, uint64_t& allocs_frame) {
  ImGuiIO& io = ImGui::GetIO();
  io.DeltaTime = 1.0f / 60.0f;
  const uint64_t a0 = g_allocs;
  const auto t0 = Clock::now();
  ImGui::NewFrame();
  app.frame(1.0 / 60.0);
  ImGui::Render();
  const auto t1 = Clock::now();
  allocs_frame = g_allocs - a0;
  const ImDrawData* dd = ImGui::GetDrawData();
  for (int i = 0; i < dd->CmdListsCount; ++i) vertices_max = std::max(vertices_max, dd->CmdLists[i]->VtxBuffer.Size);
  (void)ph;
  return ms(t1 - t0);
}

Result measure(viz::App& app, int warmup, int frames) {
  Phases ph;
  app.set_phase_hook(on_phase, &ph);
  Result r;
  int vmax = 0;
  uint64_t af = 0;
  for (int i = 0; i < warmup; ++i) run_frame(app, ph, vmax, af);
  double in_flight = 0;
  for (int i = 0; i < frames; ++i) {
    const double t = run_frame(app, ph, r.vertices_max, af);
    r.total.v.push_back(t);
    r.sim.v.push_back(ms(ph.t[1] - ph.t[0]));
    r.build.v.push_back(ms(ph.t[2] - ph.t[1]));
    r.allocs_build.v.push_back(static_cast<double>(ph.allocs[2] - ph.allocs[1]));
    r.allocs_total.v.push_back(static_cast<double>(af));
    in_flight += static_cast<double>(app.lab().cluster().network().in_flight());
  }
  r.in_flight_mean = in_flight / frames;
  r.log_min = UINT64_MAX;
  const sim::Cluster& c = app.lab().cluster();
  for (raft::NodeId n = 0; n < c.size(); ++n) r.log_min = std::min(r.log_min, c.node(n).log().last_index());
  app.set_phase_hook(nullptr, nullptr);
  return r;
}

void report(const char* name, Result r, int frames) {
#if defined(__EMSCRIPTEN__)
  std::printf("%s   [wall time, wasm under node]\n", name);
#else
  std::printf("%s   [CPU time of the frame thread]\n", name);
#endif
  std::printf("  frame (simulate + build + Render): mean %.3f ms  p50 %.3f  p95 %.3f  max %.3f  (%d frames at 1x, 60 fps)\n",
              r.total.mean(), r.total.pct(50), r.total.pct(95), r.total.pct(100), frames);
  std::printf("  simulate: mean %.3f ms  p95 %.3f      build UI: mean %.3f ms  p95 %.3f\n", r.sim.mean(), r.sim.pct(95),
              r.build.mean(), r.build.pct(95));
  std::printf("  heap allocations per frame: UI build p50 %.0f max %.0f;  whole frame incl. simulation p50 %.0f max %.0f\n",
              r.allocs_build.pct(50), r.allocs_build.pct(100), r.allocs_total.pct(50), r.allocs_total.pct(100));
  std::printf("  largest draw list: %d vertices (limit 65536)   messages in flight: %.0f on average   shortest log: %" PRIu64 "\n",
              r.vertices_max, r.in_flight_mean, r.log_min);
}

std::vector<char> read_file(const char* path) {
  std::vector<char> data;
  if (FILE* f = std::fopen(path, "rb")) {
    char buf[65536];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) data.insert(data.end(), buf, buf + n);
    std::fclose(f);
  }
  return data;
}

}  // namespace

int main(int argc, char** argv) {
  int frames = 600;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::string_view(argv[i]) == "--frames") frames = std::max(10, std::atoi(argv[i + 1]));
  }
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.DisplaySize = ImVec2(1600, 900);
  std::vector<char> font = read_file(RAFTLAB_FONT_PATH);
  viz::App app;
  app.init_imgui(font.empty() ? nullptr : font.data(), static_cast<int>(font.size()), 1.0f);
  unsigned char* pixels = nullptr;
  int w = 0, h = 0;
  io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);
  std::printf("viz_bench: display 1600x900, font %s\n", font.empty() ? "ImGui default (JetBrains Mono not found)" : "JetBrains Mono");

  // Scene 1: 5 nodes, steady client load (20 requests/s), default network.
  {
    app.restart(viz::default_config());
    app.act(sim::make::client_load(true, 20), viz::Fork::Confirmed);
    app.run_for(3'000'000);
    app.set_paused(false);
    app.set_speed(1);
    report("5 nodes, 20 client requests/s", measure(app, 120, frames), frames);
  }

  // Scene 2: 15 nodes, ~500 messages in flight, 10,000 entries per log.
  {
    sim::ClusterConfig cfg = viz::default_config();
    cfg.nodes = 15;
    cfg.timing.heartbeat_interval_us = 25'000;
    cfg.timing.election_timeout_min_us = 1'500'000;
    cfg.timing.election_timeout_max_us = 3'000'000;
    cfg.timing.append_entries_max = 256;
    cfg.network.latency_min_us = 5'000;
    cfg.network.latency_max_us = 10'000;
    app.restart(cfg);
    // Fill the logs fast on a quick network, then slow the network so many messages are in flight.
    sim::Workload fill;
    fill.clients = 400;
    fill.rate_per_s = 0;  // closed loop
    app.act(sim::make::clients(fill), viz::Fork::Confirmed);
    const auto t0 = Clock::now();
    for (int i = 0; i < 600; ++i) {
      app.run_for(100'000);
      const sim::Cluster& c = app.lab().cluster();
      raft::LogIndex lo = UINT64_MAX;
      for (raft::NodeId n = 0; n < c.size(); ++n) lo = std::min(lo, c.node(n).log().last_index());
      if (lo >= 10'000) break;
    }
    app.act(sim::make::client_load(true, 150), viz::Fork::Confirmed);
    app.act(sim::make::set_latency(150'000, 250'000), viz::Fork::Confirmed);
    app.run_for(1'000'000);
    std::printf("(scene 2 set up in %.1f s; virtual time %.1f s)\n", ms(Clock::now() - t0) / 1000.0,
                static_cast<double>(app.lab().cluster().now()) / 1e6);
    report("15 nodes, ~500 messages in flight, 10,000 entries per log", measure(app, 120, frames), frames);

    // The UI alone (paused): what building the frame costs with the same scene.
    app.set_paused(true);
    report("same scene, paused (UI build only)", measure(app, 30, frames), frames);

    // Issue 9: the same scene, playing, with the space-time diagram beside the ring.
    app.set_paused(false);
    app.set_space_time(true);
    std::printf("(%zu messages in flight)\n", app.lab().cluster().network().in_flight());
    report("same scene with the space-time diagram open", measure(app, 120, frames), frames);
    app.set_space_time(false);
    report("same scene, the space-time diagram closed again (for the ratio)", measure(app, 120, frames), frames);
  }
  ImGui::DestroyContext();
  return 0;
}
