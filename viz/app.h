// The Raft Lab front end: one ImGui frame function shared by the desktop and web shells.
// The App owns a Lab (the model) and UI-only state. Panels read the model and turn user actions
// into Actions that are applied after the frame, never mid-frame, through the same public methods
// a script uses: act() for anything recorded, and run_for/step/seek/restart/load for time and
// sessions. Nothing outside the App mutates the Lab, so the history, the notice and revision()
// always follow. No GLFW, GL or Emscripten here: the shells own the window and call frame().
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/sim/lab.h"
#include "viz/commands.h"

namespace raft::viz {

class History;
struct TimingExperimentState;
struct TourState;
struct BranchState;
struct LinPanelState;

struct ScenarioAsset {
  std::string name;   // file name without .raft
  std::string text;   // the file contents
};

// Screen geometry of the last frame, in ImGui units (CSS pixels on the web).
struct ScreenPoint {
  float x = 0, y = 0;
};
struct ScreenRect {
  float x = 0, y = 0, w = 0, h = 0;
};

class App {
 public:
  App();
  ~App();
  App(const App&) = delete;
  App& operator=(const App&) = delete;

  // Call once after ImGui::CreateContext(): fonts and style. `font_data` is a TTF in memory
  // (not owned; must outlive the ImGui context); nullptr uses ImGui's default font.
  void init_imgui(const void* font_data, int font_size_bytes, float dpi_scale);

  // Shipped scenarios, listed in the Scenarios menu.
  void set_scenarios(std::vector<ScenarioAsset> scenarios);

  // Advances the simulation by real elapsed time times the speed factor (fixed-step accumulator
  // in whole microseconds, so the run does not depend on the frame rate), builds the ImGui frame
  // between ImGui::NewFrame() and ImGui::Render(), then applies what the user did.
  void frame(double real_dt_s);

  const sim::Lab& lab() const;
  // The UI's record of the whole run (timeline markers, event log).
  const History& history() const;
  // The timing experiment window's run (issue 11), and the curves its chart drew last frame.
  const TimingExperimentState& timing_experiment() const;
  int timing_experiment_curves() const;

  // ---- acting: the one way a statement reaches the lab ----
  // Applies `s` now and records it. In the past with recorded commands ahead, Fork::Ask shows the
  // question and the command waits for the answer (returns ""); Fork::Confirmed forks at once.
  // Returns "" or the error in words, which is also shown as the notice.
  std::string act(const sim::Statement& s, Fork fork);

  // ---- time and sessions (each as the matching control does it) ----
  // Advances virtual time by `d` (in the past this replays the recorded history).
  void run_for(Time d);
  // Pauses and moves to the next event: along the recorded history in the past (never forks),
  // simulating at the present. Returns the new time.
  Time step();
  // Pauses and moves to the previous event.
  void step_back();
  // Time travel (records nothing): shows the cluster at `t`, clamped to [0, end_time].
  void seek(Time t);
  void go_live();
  // A new cluster with `config`; the client load of the current one is kept.
  void restart(const sim::ClusterConfig& config);
  // Loads scenario text as if picked from the Scenarios menu (its title and description shown).
  // On a parse error sets notice() and returns false with `error` set, leaving the lab unchanged.
  bool load_scenario_text(const std::string& text, const std::string& name, std::string* error);
  // Opens a share payload (scenario_text() of another session) paused at the moment its sharer was
  // viewing: its `open at` if it has one (shared from the past), else the end of the run. A
  // malformed one shows a notice and starts the default cluster. The run is computed over the
  // next frames (seeking() is true meanwhile; Esc stops it where it is).
  bool load_share_payload(const std::string& payload, std::string* error);
  // The default session, with `notice` shown (a link that could not be opened says why).
  void open_default(const std::string& notice);
  // A seek from the page (scrubbing, Go to present, a share link) still being computed.
  bool seeking() const;
  // What the page holds: 24 virtual hours and 40,000 client requests. Longer scripts and links
  // are refused with a sentence, and playing pauses there. For tests.
  void set_run_limit(Time us);
  void set_log_entries_limit(uint64_t entries);
  bool paused() const;
  void set_paused(bool p);
  double speed() const;
  void set_speed(double s);  // clamped to [kSpeedMin, kSpeedMax]

  // ---- the guided tour (core/sim/tour.h, viz/tour.h) ----
  // The chapters, in order (assets/tour/NN-name.raft); a broken one is left out and listed in
  // tour().errors.
  void set_tour(std::vector<ScenarioAsset> chapters);
  const TourState& tour() const;
  // Goes to the tour's chapter and step (0-based), as Next, Back and the Tour menu do: loads the
  // chapter and shows its step's moment, paused, whatever the learner did before (so going back
  // to a step restores it exactly). At an exercise the chapter's own future is discarded. Returns
  // "" or the error in words.
  std::string tour_go(int chapter, int step);
  std::string tour_next();
  std::string tour_back();
  void tour_close();
  // Replays the current exercise's solution from the exercise's start ("" or why not).
  std::string tour_solve();
  // Exercise progress kept by the shell between visits (the page's local storage).
  void set_exercises_done(std::vector<std::string> ids);

  // ---- branches (viz/branches.h): acting in the past keeps the old future ----
  const BranchState& branches() const;
  // Makes saved branch `i` the session (the session is saved as a branch). "" or why not.
  std::string switch_branch(int i);
  // Shows saved branch `i` beside the session at the moment shown (-1: stop comparing).
  void compare_branch(int i);

  // The linearizability panel's state: whether it is open, and its last check (made while drawn).
  const LinPanelState& linearizability_panel() const;

  // ---- attached to a live cluster (issue 10) ----
  // The shell owns the connection to `raftctl lab` (ws://127.0.0.1:PORT/lab) and hands the App
  // what arrives; the App mirrors the cluster (sim::Lab::attach) and turns the user's commands
  // into control calls the shell sends back. attach_begin: a connection is opening to `where`;
  // the session starts over once its first line names the cluster's size. attach_text: text as it
  // arrives (JSON Lines, pieces of lines too). attach_end: the connection closed (`why` is shown);
  // the recording stays to look around in.
  void attach_begin(const std::string& where);
  void attach_text(std::string_view text);
  void attach_end(const std::string& why);
  // Whether the session is a live cluster's (or a recording's), and whether its connection is open.
  bool attached() const;
  bool attach_live() const;
  // The shell can connect (Settings shows Live cluster).
  void set_can_attach(bool can);
  // Where Settings' Attach asks to connect (ShellRequest::Attach), and where the session is attached.
  std::string attach_url() const;
  const std::string& attach_where() const;
  // The next control call to send (one JSON object), "" when none.
  std::string take_control_call();
  // Opens a recording (JSON Lines, as "Download trace" saves it, from a live or simulated run) to
  // look around in. On a malformed one sets notice() and returns false with `error` set.
  bool open_recording(const std::string& text, std::string* error);

  // ---- reading the session ----
  // Bumped by every change a user would share: a command, a new cluster or scenario, a move in
  // time made by the user or a script, pausing. (Time passing while playing does not bump it.)
  uint64_t revision() const;
  // The shell reports what each frame cost it on the CPU (simulate, build, render calls; not the
  // GPU's or the compositor's time), and the page's state() shows the last 512 frames' figures.
  struct FrameWork { double p50_ms = 0, p99_ms = 0, max_ms = 0; size_t frames = 0; };
  void note_frame_work(double ms);
  void reset_frame_work();
  FrameWork frame_work() const;
  // Last error or notice shown to the user (e.g. a bad scenario or a command that cannot apply).
  const std::string& notice() const;
  // The red banner's text while any unsafe switch is on (naming each and what it breaks), else "".
  std::string unsafe_banner() const;
  // The session as scenario text: what a share link carries and what "Export scenario" saves.
  std::string scenario_text() const;
  // The trace up to the moment shown, JSON Lines as raftsim writes it. Attached: the whole
  // recording, as it arrived from the cluster.
  std::string trace_jsonl() const;
  // What the user asked for that only the shell can do (Share / Export menus): the shell polls
  // this after each frame; it returns each request once.
  ShellRequest take_shell_request();
  // A short confirmation the shell shows for what it did (a link copied, a file written).
  void toast(std::string text);
  // The confirmation on screen, "" once it has faded (about 4 s).
  std::string toast_text() const;
  // The shell can open a .raft file the user picks (the page's file chooser): the Scenarios menu
  // offers "Open .raft file...", which the shell answers with load_scenario_text.
  void set_can_open_files(bool can);

  // ---- the UI scale ----
  // Display units (CSS pixels, screen coordinates) per ImGui unit for a display of this size:
  // fit_ui_scale (bigger on big screens) times the user's zoom. The shell calls it once a frame,
  // lays ImGui out in display/scale units and rasterizes the font at the scale (sharp text).
  // `device`: the screen's own scale where the window system does not apply it (a HiDPI X11
  // screen; 1 on the page, whose CSS pixels already follow the device pixel ratio).
  float ui_scale_for(double display_w, double display_h, float device = 1);
  // The user's zoom: Ctrl + / Ctrl - / Ctrl 0 (the shell reads the keys: zoom_by(+1, -1, 0)) and
  // Settings. set_ui_zoom clamps to kUiZooms' ends; zoom_by confirms with a toast.
  float ui_zoom() const;
  void set_ui_zoom(float zoom);
  void zoom_by(int steps);

  // ---- geometry of the last frame, for tests that click on the canvas ----
  // Positions and rectangles are in display units (CSS pixels on the page), whatever the scale.
  std::optional<ScreenPoint> node_position(NodeId n) const;
  std::optional<ScreenPoint> message_position(uint64_t id) const;
  // Shows or hides the space-time diagram beside the ring (its checkbox, or the t key).
  void set_space_time(bool shown);
  // The head of a message in flight in the space-time diagram (when it is shown).
  std::optional<ScreenPoint> space_time_position(uint64_t id) const;
  // The center of a control drawn in the last frame. Keys: the node menu's "Crash", "Restart",
  // "Timeout", "Client request", "Isolate", "Inspect"; the message menu's "Drop", "Duplicate",
  // "Delay"; the fork question's "Fork" and "Cancel"; the timeline's "Play" (play/pause), "Step",
  // "Step back", "Go to present"; the cluster view's "Heal all", "Partition", "Split"; the menu
  // bar's "Share" (while closed) and its "Copy share link".
  std::optional<ScreenPoint> item_position(std::string_view key) const;
  // A window drawn in the last frame: the panels ("Cluster", "Logs", "Inspector", "Events",
  // "Timeline", "Status"), the popups ("node_menu", "message_menu", "Change the past?"), and the
  // timeline's scrubber bar ("Scrubber").
  std::optional<ScreenRect> window_rect(std::string_view name) const;
  // The display in display units and the framebuffer pixels per display unit, as of the last frame.
  ScreenPoint display_size() const;
  ScreenPoint framebuffer_scale() const;
  // Display units per ImGui unit in the last frame.
  float ui_scale() const;

  // For the frame benchmark: called at the phase boundaries of frame(): 0 start, 1 after the
  // simulation step, 2 after building the UI, 3 after applying the user's actions.
  using PhaseHook = void (*)(void* ctx, int phase);
  void set_phase_hook(PhaseHook hook, void* ctx);

 private:
  struct Impl;
  Impl* impl_;
};

}  // namespace raft::viz
