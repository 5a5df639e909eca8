// The panels. Each is a function over the const model (the Lab and the UI's History) plus the
// UI-only ViewState; user actions go to the action queue, applied by the App after the frame.
// One file per panel (Tracy style).
#pragma once

#include <string>
#include <vector>

#include "core/sim/lab.h"
#include "viz/commands.h"
#include "viz/history.h"
#include "viz/layout.h"
#include "viz/theme.h"
#include "viz/branches.h"
#include "viz/tour.h"
#include "viz/view_state.h"

namespace raft::viz {

struct ScenarioInfo {
  std::string name;         // file name without .raft
  std::string text;
  std::string title;        // from `# title:`, else the name
  std::string description;  // the leading comment paragraph
  std::string error;        // parse error, if the file is broken
};

// Everything a panel may read, and the two things it may write (vs, actions).
struct Ui {
  const sim::Lab& lab;
  const History& history;
  const std::vector<ScenarioInfo>& scenarios;
  const TourState& tour;
  const BranchState& branches;
  const Fonts& fonts;
  const std::string& notice;
  uint64_t notice_serial;
  ViewState& vs;
  std::vector<Action>& actions;

  const sim::Cluster& cluster() const { return lab.cluster(); }
  void push(Action a) { actions.push_back(std::move(a)); }
  // A recorded command, applied after the frame through App::act (asking first in the past).
  void act(sim::Statement s) { actions.push_back(act_action(std::move(s))); }
};

// Window flags for the fixed, non-overlapping panels.
inline constexpr ImGuiWindowFlags kPanelFlags = ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoResize |
                                                ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoCollapse |
                                                ImGuiWindowFlags_NoSavedSettings |
                                                ImGuiWindowFlags_NoBringToFrontOnFocus;
// Begins a fixed panel at `r` (call ImGui::End() after, whatever it returns); records its
// rectangle under `name` (a string literal) for App::window_rect.
bool begin_panel(const char* name, const Rect& r, ViewState& vs, ImGuiWindowFlags extra = 0);
// The panel's heading in small capitals style.
void panel_heading(const char* text);
// A "(?)" marker with a tooltip.
void help_marker(const char* text);

// The legend of the cluster view, flowing in `area`'s width from its top; with dl null it only
// measures. Returns its height.
// `busy`: the network is busy and heartbeats are drawn as dots (kBusyMessages in flight or more).
float draw_legend(ImDrawList* dl, const Fonts& f, const Rect& area, bool busy);
inline constexpr size_t kBusyMessages = 60;

void draw_menu_bar(Ui& ui);
void draw_cluster_view(Ui& ui, const Rect& r);
// The space-time diagram in `area` of the cluster view's canvas (space_time.cpp), the message
// `highlight` (hovered in the ring, or whose menu is open) drawn bold. Returns what is under the
// mouse: a message (in flight or not), or a moment.
struct SpaceTimeResult {
  uint64_t hovered_msg = 0;
  bool in_flight = false;      // the hovered message is still in flight (a click opens its menu)
  bool over_time = false;      // no message under the mouse: time_under_mouse is the moment there
  Time time_under_mouse = 0;
};
// Then in-flight heads only, up to 12,000 more: the ring drawn after it keeps its own room under 64K.
inline constexpr int kSpaceTimeVerticesMax = 30'000;
SpaceTimeResult draw_space_time(Ui& ui, ImDrawList* dl, const Rect& area, bool canvas_hovered, uint64_t highlight);
void draw_log_view(Ui& ui, const Rect& r);
void draw_inspector(Ui& ui, const Rect& r);
void draw_event_log(Ui& ui, const Rect& r);
void draw_timeline(Ui& ui, const Rect& r);
void draw_status_bar(Ui& ui, const Rect& r);
// The tour (tour_panel.cpp): the step's text with Back and Next over the cluster view, `r` as
// tall as tour_panel_height asks; and, after every panel is drawn, the step's highlights.
float tour_panel_height(const Ui& ui, float width);
void draw_tour_panel(Ui& ui, const Rect& r);
void draw_tour_highlights(Ui& ui);
// The Branches menu's items, and the window comparing a saved branch with the session (branches.cpp).
void branches_menu(Ui& ui);
void compare_window(Ui& ui);
// The clients' operations and the linearizability verdict (lin_panel.cpp).
void linearizability_window(Ui& ui);

// Help overlay, fork confirmation, guide.
void draw_overlays(Ui& ui);
inline constexpr double kToastSeconds = 4.0;
// The timing experiment of the paper's section 9.3 (experiment_window.cpp): settings, a few trials
// per frame while it runs, the cumulative distribution of downtime per timeout range next to the
// paper's published points.
void timing_experiment_window(Ui& ui);
// Keyboard shortcuts (ignored while a text field has focus).
void handle_shortcuts(Ui& ui);

// The time the next event happens in the recorded history (for stepping without forking).
Time next_event_time(const sim::Lab& lab);
// Whether the recorded history holds commands after the moment shown (acting now would discard them).
bool commands_ahead(const sim::Lab& lab);
// Toggles play/pause; in the past, playing replays the recorded history.
void toggle_pause(Ui& ui);

}  // namespace raft::viz
