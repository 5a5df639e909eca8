// UI-only state: what is selected, hovered, scrolled, filtered, and how fast time runs. Nothing
// here is part of the cluster; the panels read the model and write only this and the action queue.
#pragma once

#include <cstdint>
#include <vector>

#include "core/raft/types.h"
#include "core/sim/experiment.h"
#include "core/sim/linearizability.h"
#include "imgui.h"
#include "viz/commands.h"
#include "viz/layout.h"

namespace raft::viz {

struct MessageSpot {
  uint64_t id = 0;
  ImVec2 pos{0, 0};
};

// Where a named control or window was drawn last frame (popup menu items, buttons, panels), for
// tests that click on the canvas.
struct ItemSpot {
  const char* key = "";  // a string literal
  ImVec2 pos{0, 0};
};
// The timing experiment window (the paper's section 9.3): its settings, and the trials run so far,
// a few per frame while running. UI-only: it never touches the session's cluster.
struct TimingExperimentState {
  bool open = false;
  bool running = false;
  int trials = 100;                  // per range
  float latency_min_ms = 1, latency_max_ms = 2, disk_min_ms = 1, disk_max_ms = 2;
  sim::ElectionExperiment run;       // the settings of the run shown
  size_t range = 0;                  // the range and trial to run next
  int trial = 0;
  std::vector<std::vector<Time>> downtimes;  // per range, sorted once its trials are done
  std::vector<int> no_leader;        // per range
  bool done() const { return !running && !downtimes.empty() && range >= run.ranges.size(); }
};

// The space-time diagram's buffers, reused frame to frame (viz/space_time.cpp).
struct SpaceTimeEnd {
  uint64_t id = 0;
  Time t = 0;
  bool dropped = false;
};

// The linearizability panel (viz/lin_panel.cpp): open or not, and its check of the history as it
// was at `checked_at` (redone when the history or the moment changes).
struct LinPanelState {
  bool open = false;
  size_t checked_ops = SIZE_MAX;
  Time checked_at = -1;
  double checked_real_s = 0;
  bool whole = true;                     // every operation of the run is held, so it was checked
  std::vector<sim::HistoryOp> history;
  sim::LinearizabilityResult result;
  std::vector<size_t> minimal;           // the smallest failing part, indexes into history
  std::vector<size_t> shown;             // reused per frame
  std::vector<uint32_t> lanes;
};

struct WindowSpot {
  const char* name = "";  // a string literal
  Rect rect;
};

// The Settings menu edits a draft; network and load changes apply at once (as recorded commands),
// timing and the number of nodes apply with "Restart cluster".

struct SettingsDraft {
  bool loaded = false;
  int nodes = 5;
  int election_min_ms = 150, election_max_ms = 300, heartbeat_ms = 50;
  bool noop = true;
  int snapshot_every = 0;      // §7: 0 = off
  int snapshot_chunk = 64;     // bytes per InstallSnapshot chunk
  int latency_min_ms = 10, latency_max_ms = 20;
  float disk_min_ms = 0, disk_max_ms = 0;
  float loss_pct = 0, duplicate_pct = 0;
  bool load_on = true;
  float load_rate = 2;
  uint64_t seed = 1;
};

struct ViewState {
  // Playback.
  bool paused = false;
  double speed = 1.0;
  bool scrubbing = false;
  bool traveled = false;             // the user went back in time (cleared on reaching the present)
  // A seek being computed over several frames (issue 8); the timeline shows its progress.
  bool seek_active = false;
  Time seek_from = 0, seek_target = 0;
  double accumulator_us = 0;

  // Selection: the inspected node, and nodes picked for a partition.
  NodeId selected = kNoNode;
  uint32_t group_mask = 0;
  bool group_mode = false;

  // Popups opened by clicks in the cluster view.
  NodeId menu_node = kNoNode;
  uint64_t menu_message = 0;
  int delay_ms = 200;

  // Overlays and banners.
  bool show_help = false;
  bool show_legend = true;
  bool legend_in_cluster_view = false;  // last frame: the legend fit under the ring
  bool show_guide = false;
  bool scenario_banner = false;      // show the loaded scenario's title and explanation
  bool scenario_banner_open = false; // its explanation shown in full even where it would crowd the ring
  uint64_t notice_hidden = 0;        // the notice serial the user dismissed

  // Act actions waiting for the answer to "discard the recorded future?".
  std::vector<Action> awaiting_fork;
  bool open_fork_modal = false;

  // The space-time diagram beside the ring: shown or not, the virtual time it spans, its buffers.
  bool space_time = false;
  Time space_time_span_us = 300'000;
  std::vector<SpaceTimeEnd> st_ends;
  std::vector<uint32_t> st_sends;  // trace indexes of the sends in the window
  std::vector<MessageSpot> st_heads;  // where each message in flight was drawn last frame
  std::vector<uint8_t> st_rows;       // pixel rows of the right edge already holding a plain head

  // Logs panel.
  bool log_follow = true;
  float log_scroll_set = -1;

  // Event log: the filter, and the rows (indexes into History::events()) that pass it.
  ImGuiTextFilter filter;
  uint32_t categories = 0;
  std::vector<uint32_t> event_rows;
  uint64_t event_rows_generation = ~0ull;
  size_t event_rows_scanned = 0;
  uint32_t event_rows_categories = 0;
  bool event_rows_dirty = true;
  bool event_follow = true;

  SettingsDraft draft;
  // Settings, Live cluster: where raftctl lab serves the page (its default for `raftctl start`).
  char attach_url[160] = "ws://127.0.0.1:7000/lab";
  TimingExperimentState experiment;
  LinPanelState lin;
  int experiment_curves = 0;         // curves the experiment's chart drew last frame
  ShellRequest shell_request = ShellRequest::None;
  bool can_open_files = false;       // the shell offers "Open .raft file..." (the page does)
  bool can_attach = false;           // the shell can connect to a live cluster (Settings, Live cluster)
  bool attach_live = false;          // a live cluster's connection is open (App::attach_live, set each frame)
  // A short confirmation at the bottom right (Copy share link, exports, a file opened) that fades.
  std::string toast;
  double toast_age_s = 1e9;
  float ui_zoom = 1;                 // the user's zoom (Ctrl +/-, Settings), times fit_ui_scale
  float ui_scale = 1;                // display units per ImGui unit this frame (App::ui_scale_for)
  uint64_t requests = 0;             // numbers the user's client requests
  char op_text[64] = "put x 1";      // the node menu's typed client operation
  std::string op_error;              // why the typed operation was refused

  // Geometry of the last frame, for App::node_position, message_position, item_position and
  // window_rect.
  RingLayout ring;
  bool ring_visible = false;
  std::vector<MessageSpot> messages;
  std::vector<ItemSpot> items;
  std::vector<WindowSpot> windows;

  // Records the center of the last ImGui item under `key` (a string literal).
  void track(const char* key);
  // Records the current window's rectangle under `name` (a string literal).
  void track_window(const char* name);
  // Records the last ImGui item's rectangle under `name`, as if it were a window.
  void track_item_rect(const char* name);

  ViewState();
};

}  // namespace raft::viz
