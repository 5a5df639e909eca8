// App::Impl, shared by the App's source files (viz/app.cpp: the session, time and actions;
// viz/app_tour.cpp: the tour, exercises and branches). Private to viz/.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "core/sim/trace_read.h"
#include "imgui.h"
#include "viz/app.h"
#include "viz/branches.h"
#include "viz/history.h"
#include "viz/panels.h"
#include "viz/theme.h"
#include "viz/tour.h"
#include "viz/view_state.h"

namespace raft::viz {

// The most virtual time a long move from a script or the JS API covers before the history reads
// the trace: far less than fills the trace's window (Lab::kTraceWindowEvents; 5 servers under
// client load make about 500 events a virtual second).
inline constexpr Time kHistorySliceUs = 5'000'000;

struct App::Impl {
  sim::Lab lab{default_config()};
  History history;
  ViewState vs;
  Fonts fonts;
  std::vector<ScenarioInfo> scenarios;
  TourState tour;
  BranchState branches;
  std::vector<Action> actions;
  std::string notice;
  uint64_t notice_serial = 0;
  double notice_age_s = 0;
  uint64_t revision = 0;
  bool touched = false;            // the session is no longer the untouched default
  bool violation_noticed = false;
  ImVec2 display{0, 0}, framebuffer_scale{1, 1};
  PhaseHook hook = nullptr;
  void* hook_ctx = nullptr;

  // A seek from the page (scrubbing, Go to present, a share link) is computed in slices of a few
  // milliseconds per frame, so a long replay never blocks the page (issue 8); scripts and the JS
  // API seek at once. The result does not depend on the slicing (Lab::seek_toward).
  struct SeekJob {
    bool active = false;
    Time target = 0;
    Time from = 0;
    std::optional<Time> then;  // a share link's `open at`, sought once its run is computed
  };
  SeekJob job;
  // A live cluster's connection (issue 10, viz/app_attach.cpp).
  struct Attach {
    bool live = false;          // the connection is open
    bool started = false;       // this connection's session began (lab.attach): later text extends it
    std::string where;
    // What arrived (or the file opened), as it came: the recording Export trace saves, with each
    // server's hello block (the mirror's trace holds the events, not the states they describe).
    std::string raw;
    bool raw_full = false;
    bool unchecked_noticed = false;  // the checker's stop was shown (Cluster::unchecked_why)
    size_t problems_noticed = 0;     // Lab::problems() shown so far
    sim::TraceReader reader;
    std::vector<std::string> calls;          // control calls to send
    int64_t next_id = 1;
    std::vector<std::pair<int64_t, std::string>> asked;  // calls sent, not yet answered: id, what
  };
  Attach attach;
  // Records are held this long before they are mirrored: each server's stream arrives on its own
  // connection, so a message's deliver may come before its send.
  static constexpr Time kAttachHoldUs = 100'000;
  static constexpr size_t kRawBytesMax = 256u << 20;
  std::string attach_act(const sim::Statement& s);
  void attach_take();
  std::string attach_jsonl() const;
  std::array<double, 512> frame_work{};  // the last frames' CPU cost, as the shell reports it
  size_t frame_work_next = 0;
  Time slice_us = 20'000;  // virtual time per inner slice, adapted to keep a slice near 1 ms of work
  static constexpr double kSeekFrameBudgetMs = 6.0;
  // What the page holds (issue 8): a longer script or link is refused with a sentence, and playing
  // pauses here with a notice. Time costs no memory (a trace window, a client-history window,
  // evenly thinned copy-on-write checkpoints, checker tables cut at the lowest snapshot), and
  // neither do requests once the servers compact their logs (§7; the default session does, every
  // 1,000 entries). Without snapshots each request leaves an entry in every log for good: the
  // page holds 40,000 of them (measured: 39,947 requests, seed 6, 2000 virtual seconds, in a
  // heap under 64 MB). A script's load is estimated from its nominal rates
  // (Lab::estimate_log_entries), which a latency-bound load may not reach.
  sim::Lab::Limits limits{24 * 3'600'000'000LL, 40'000};
  void phase(int p);

  Impl() { actions.reserve(16); }
  void set_notice(std::string text);
  int find_scenario(const std::string& name) const;
  void check_violation();
  void after_move();
  void check_exercise();
  void sync_tour_step();
  void run_for(Time d);
  void keep_branch(Branch b);
  void compare_branch(int i);
  void sync_compare();
  std::string switch_branch(int i);
  std::string tour_go(int chapter, int step);
  std::string tour_solve();
  std::optional<Time> next_pause_after(Time t) const;
  void after_new_session();
  void start_default();
  bool load_scenario(const std::string& text, const std::string& name, std::string* error, bool banner);
  std::string act(const sim::Statement& s, Fork fork);
  Time step();
  void step_back();
  void seek(Time t);
  void show_job();
  void drop_job();
  void begin_seek(Time t, std::optional<Time> then = std::nullopt);
  void advance_seek();
  void cancel_seek();
  void restart(const sim::ClusterConfig& config);
  void apply(Action& a);
};

}  // namespace raft::viz
