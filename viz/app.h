// The Raft Lab front end: one ImGui frame function shared by the desktop and web shells.
// The App owns a Lab (the model) and UI-only state. Panels read the model and turn user actions
// into commands (scenario Statements) that are applied between frames, never mid-frame.
// No GLFW, GL or Emscripten here: the shells own the window and call frame().
#pragma once

#include <string>
#include <vector>

#include "core/sim/lab.h"
#include "viz/commands.h"

struct ImVec2;

namespace raft::viz {

struct ScenarioAsset {
  std::string name;   // file name without .raft
  std::string text;   // the file contents
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
  // between ImGui::NewFrame() and ImGui::Render(), then applies the commands the user issued.
  void frame(double real_dt_s);

  sim::Lab& lab();
  const sim::Lab& lab() const;

  // Playback controls (also reachable from JS).
  bool paused() const;
  void set_paused(bool p);
  double speed() const;
  void set_speed(double s);

  // Queues a command as if the user had clicked it; applied at the end of the next frame().
  void queue(const sim::Statement& s);

  // Screen positions from the last frame, for browser tests that click on the canvas
  // (in ImGui coordinates = CSS pixels on the web). Returns false if not visible.
  bool node_position(NodeId n, float& x, float& y) const;
  bool message_position(uint64_t id, float& x, float& y) const;

  // Share URL payload (the session as scenario text) and its inverse; a malformed payload shows a
  // message in the UI and leaves the default cluster.
  std::string share_payload() const;
  bool load_share_payload(const std::string& payload, std::string* error);

  // Last error or notice shown to the user (e.g. a bad scenario), for tests.
  const std::string& notice() const;

  // ---- additions (not in the first contract) ----
  // What the user asked for that only the shell can do (Share / Export menus): the shell polls this
  // after each frame; it returns each request once. Data for them: share_payload(), trace_jsonl()
  // (the trace up to the moment shown, JSON Lines as raftsim writes it), scenario_text().
  ShellRequest take_shell_request();
  std::string trace_jsonl() const;
  std::string scenario_text() const;
  // Loads scenario text as if picked from the Scenarios menu (title and description shown when
  // `show_banner`). On a parse error sets notice() and returns false, leaving the lab unchanged.
  bool load_scenario_text(const std::string& text, const std::string& name, std::string* error);
  // Call after changing lab() directly (not through queue/seek below): the timeline and event log
  // re-read the trace.
  void lab_changed();
  // Where a control was drawn in the last frame, for browser tests that click through menus.
  // Keys: the node menu's "Crash", "Restart", "Timeout", "Client request", "Isolate"; the message
  // menu's "Drop", "Duplicate", "Delay"; the fork question's "Fork" and "Cancel"; the timeline's
  // "Play" (play/pause), "Step", "Step back", "Go to present"; the cluster view's "Heal all",
  // "Partition", "Split". Returns false if it was not drawn.
  bool item_position(const std::string& key, float& x, float& y) const;
  // Time travel as the timeline does it (records nothing).
  void seek(Time t);
  // For the frame benchmark: called at the phase boundaries of frame(): 0 start, 1 after the
  // simulation step, 2 after building the UI, 3 after applying the user's commands.
  using PhaseHook = void (*)(void* ctx, int phase);
  void set_phase_hook(PhaseHook hook, void* ctx);

 private:
  struct Impl;
  Impl* impl_;
};

}  // namespace raft::viz
