// The menu bar (Simulation, Settings, Scenarios, Share, Help), the overlays (keyboard help, the
// guide, "discard the recorded future?") and the keyboard shortcuts. Also the panel helpers.
#include <algorithm>
#include <cinttypes>
#include <cstdio>

#include "viz/cluster_view.h"
#include "viz/draw.h"
#include "viz/panels.h"
#include "viz/words.h"

namespace raft::viz {

bool begin_panel(const char* name, const Rect& r, ViewState& vs, ImGuiWindowFlags extra) {
  ImGui::SetNextWindowPos(r.min);
  ImGui::SetNextWindowSize(r.size());
  const bool open = ImGui::Begin(name, nullptr, kPanelFlags | extra);
  vs.track_window(name);
  return open;
}

void panel_heading(const char* text) {
  ImGui::PushStyleColor(ImGuiCol_Text, to_vec4(IM_COL32(125, 170, 220, 255)));
  ImGui::TextUnformatted(text);
  ImGui::PopStyleColor();
}

void help_marker(const char* text) {
  ImGui::TextDisabled("(?)");
  if (ImGui::IsItemHovered()) {
    ImGui::BeginTooltip();
    ImGui::PushTextWrapPos(ImGui::GetFontSize() * 32.0f);
    ImGui::TextUnformatted(text);
    ImGui::PopTextWrapPos();
    ImGui::EndTooltip();
  }
}

namespace {

// A bullet with wrapped text (BulletText does not wrap).
void bullet(const char* text) {
  ImGui::Bullet();
  ImGui::TextWrapped("%s", text);
}

void load_draft(const Ui& ui, SettingsDraft& d) {
  const sim::Cluster& c = ui.cluster();
  const sim::ClusterConfig& cfg = c.config();
  d.nodes = cfg.nodes;
  d.seed = cfg.seed;
  d.election_min_ms = static_cast<int>(cfg.timing.election_timeout_min_us / 1000);
  d.election_max_ms = static_cast<int>(cfg.timing.election_timeout_max_us / 1000);
  d.heartbeat_ms = static_cast<int>(cfg.timing.heartbeat_interval_us / 1000);
  d.noop = cfg.timing.noop_on_election;
  d.snapshot_every = static_cast<int>(cfg.timing.snapshot_every);
  d.snapshot_chunk = static_cast<int>(cfg.timing.snapshot_chunk_bytes);
  const sim::NetworkConfig& net = c.network().config();
  d.latency_min_ms = static_cast<int>(net.latency_min_us / 1000);
  d.latency_max_ms = static_cast<int>(net.latency_max_us / 1000);
  d.disk_min_ms = static_cast<float>(cfg.disk.write_min_us) / 1000.0f;
  d.disk_max_ms = static_cast<float>(cfg.disk.write_max_us) / 1000.0f;
  d.loss_pct = static_cast<float>(net.loss * 100);
  d.duplicate_pct = static_cast<float>(net.duplicate * 100);
  const sim::Workload& w = c.workload();
  d.load_on = w.clients > 0;
  if (w.clients > 0 && w.rate_per_s > 0) d.load_rate = static_cast<float>(w.rate_per_s);
  d.loaded = true;
}

// One checkbox per switch of kTimingSwitches of the given kind, read from the running cluster
// (no draft: they apply at once); the tooltip says what it does or what it breaks.
void switch_checkboxes(Ui& ui, bool unsafe) {
  const Timing& timing = ui.cluster().config().timing;
  for (int i = 0; i < kTimingSwitchCount; ++i) {
    const TimingSwitch& sw = kTimingSwitches[i];
    if (sw.unsafe != unsafe) continue;
    bool on = timing.*(sw.field);
    if (ImGui::Checkbox(sw.label, &on)) ui.act(sim::make::set_switch(i, on));
    ui.vs.track(sw.keyword);  // a string in the static table: lives as long as the program
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s%s:\n%s", sw.keyword, unsafe ? " breaks" : "", sw.what);
  }
}

// Issue 10: the page attached to a local cluster that `raftctl lab` serves.
void live_cluster_settings(Ui& ui) {
  ViewState& vs = ui.vs;
  ImGui::TextDisabled("Live cluster (raftctl start 5; raftctl lab)");
  ImGui::PushItemWidth(240);
  ImGui::InputText("##attach_url", vs.attach_url, sizeof vs.attach_url);
  vs.track("Attach URL");
  ImGui::PopItemWidth();
  ImGui::SameLine();
  if (vs.attach_live) {
    if (ImGui::Button("Detach")) vs.shell_request = ShellRequest::Detach;
    vs.track("Detach");
  } else {
    if (ImGui::Button("Attach")) vs.shell_request = ShellRequest::Attach;
    vs.track("Attach");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Draw and check the real servers of a local cluster: crash, restart and\npartition them from here (the page: served locally, ./dev serve).");
  }
  ImGui::Separator();
}

void settings_menu(Ui& ui) {
  SettingsDraft& d = ui.vs.draft;
  ui.vs.track_window("Settings");
  if (!d.loaded) load_draft(ui, d);
  if (ui.vs.can_attach) live_cluster_settings(ui);
  if (ui.lab.attached()) return;  // the simulator's settings do not apply to a live cluster
  ImGui::PushItemWidth(170);
  ImGui::TextDisabled("Network (applies now)");
  ImGui::DragIntRange2("latency (ms)", &d.latency_min_ms, &d.latency_max_ms, 0.5f, 0, 5000, "min %d", "max %d");
  if (ImGui::IsItemDeactivatedAfterEdit()) {
    ui.act(sim::make::set_latency(static_cast<Time>(d.latency_min_ms) * 1000, static_cast<Time>(d.latency_max_ms) * 1000));
  }
  ImGui::SliderFloat("loss (%)", &d.loss_pct, 0, 100, "%.0f%%");
  if (ImGui::IsItemDeactivatedAfterEdit()) ui.act(sim::make::set_loss(d.loss_pct / 100.0));
  ImGui::SliderFloat("duplicates (%)", &d.duplicate_pct, 0, 100, "%.0f%%");
  if (ImGui::IsItemDeactivatedAfterEdit()) ui.act(sim::make::set_duplicate(d.duplicate_pct / 100.0));
  ImGui::DragFloatRange2("disk write (ms)", &d.disk_min_ms, &d.disk_max_ms, 0.1f, 0, 1000, "min %.1f", "max %.1f");
  ui.vs.track("Disk write");
  if (ImGui::IsItemDeactivatedAfterEdit()) {
    ui.act(sim::make::set_disk_latency(static_cast<Time>(d.disk_min_ms * 1000.0f + 0.5f), static_cast<Time>(d.disk_max_ms * 1000.0f + 0.5f)));
  }
  ImGui::SameLine();
  help_marker(
      "How long each write to a server's disk takes (0: instant). Figure 2 has a server write its term, vote and "
      "new entries before it answers, so what it sends waits for its writes; a crash before a write is done loses it.");

  ImGui::Separator();
  ImGui::TextDisabled("Client load (applies now)");
  if (ImGui::Checkbox("clients send requests", &d.load_on)) ui.act(sim::make::client_load(d.load_on, d.load_rate));
  ImGui::SliderFloat("requests / s", &d.load_rate, 0.1f, 500.0f, "%.1f", ImGuiSliderFlags_Logarithmic);
  if (ImGui::IsItemDeactivatedAfterEdit() && d.load_on) ui.act(sim::make::client_load(true, d.load_rate));

  ImGui::Separator();
  ImGui::TextDisabled("Timing (applies now; each server uses it from its next timer reset)");
  ImGui::DragIntRange2("election timeout (ms)", &d.election_min_ms, &d.election_max_ms, 1.0f, 10, 10000, "min %d",
                       "max %d");
  if (ImGui::IsItemDeactivatedAfterEdit()) {
    ui.act(sim::make::set_election_timeout(static_cast<Time>(std::min(d.election_min_ms, d.election_max_ms)) * 1000,
                                  static_cast<Time>(std::max(d.election_min_ms, d.election_max_ms)) * 1000));
  }
  ImGui::SliderInt("heartbeat (ms)", &d.heartbeat_ms, 5, 2000, "%d", ImGuiSliderFlags_Logarithmic);
  if (ImGui::IsItemDeactivatedAfterEdit()) ui.act(sim::make::set_heartbeat(static_cast<Time>(d.heartbeat_ms) * 1000));
  if (ImGui::Checkbox("no-op entry on election (section 8)", &d.noop)) ui.act(sim::make::set_noop(d.noop));
  static constexpr struct {
    ReadMode mode;
    const char* label;
    const char* key;  // for tests that click it
  } kReadModes[] = {{ReadMode::Log, "through the log", "Read mode: log"},
                    {ReadMode::ReadIndex, "ReadIndex (heartbeat round)", "Read mode: readindex"},
                    {ReadMode::Lease, "lease (clock)", "Read mode: lease"}};
  const ReadMode read_mode = ui.cluster().config().timing.read_mode;
  const bool combo = ImGui::BeginCombo("reads (section 6.4)", kReadModes[static_cast<int>(read_mode)].label);
  ui.vs.track("Read mode");
  if (combo) {
    for (const auto& m : kReadModes) {
      if (ImGui::Selectable(m.label, m.mode == read_mode) && m.mode != read_mode) ui.act(sim::make::set_read_mode(m.mode));
      ui.vs.track(m.key);
    }
    ImGui::EndCombo();
  }
  ImGui::SameLine();
  help_marker(
      "How a leader answers a read. Through the log: the read is an entry like a write. ReadIndex: no entry; the "
      "leader confirms it still leads with a heartbeat round. Lease: no round while a majority acknowledged a "
      "heartbeat less than an election timeout ago by the leader's clock: safe only while clocks agree.");

  ImGui::Separator();
  ImGui::TextDisabled("Beyond Figure 2 (applies now)");
  switch_checkboxes(ui, false);
  ImGui::Separator();
  ImGui::TextColored(to_vec4(color::kBad), "Unsafe: for teaching (breaks safety on purpose)");
  switch_checkboxes(ui, true);
  ImGui::Separator();
  ImGui::TextDisabled("Log compaction (section 7; applies now)");
  ImGui::SliderInt("snapshot every (entries)", &d.snapshot_every, 0, 1000, d.snapshot_every == 0 ? "off" : "%d",
                   ImGuiSliderFlags_Logarithmic);
  if (ImGui::IsItemDeactivatedAfterEdit()) ui.act(sim::make::set_snapshot_every(static_cast<uint32_t>(std::max(0, d.snapshot_every))));
  ImGui::SliderInt("snapshot chunk (bytes)", &d.snapshot_chunk, 1, 4096, "%d", ImGuiSliderFlags_Logarithmic);
  if (ImGui::IsItemDeactivatedAfterEdit()) ui.act(sim::make::set_snapshot_chunk(static_cast<uint32_t>(std::max(1, d.snapshot_chunk))));

  ImGui::Separator();
  ImGui::TextDisabled("Cluster (a change restarts it)");
  ImGui::SliderInt("servers", &d.nodes, 1, kNodesMax);
  int seed = static_cast<int>(d.seed);
  if (ImGui::InputInt("seed", &seed)) d.seed = static_cast<uint64_t>(seed < 0 ? 0 : seed);
  ImGui::PopItemWidth();
  if (d.heartbeat_ms >= d.election_min_ms) {
    ImGui::TextColored(to_vec4(color::kWarn), "The heartbeat should be well below the election timeout.");
  }
  if (ImGui::Button("Restart cluster with these settings")) {
    Action a = simple_action(Action::Kind::Restart);
    a.config = ui.cluster().config();
    a.config.nodes = d.nodes;
    a.config.seed = d.seed;
    a.config.timing.election_timeout_min_us = static_cast<Time>(std::min(d.election_min_ms, d.election_max_ms)) * 1000;
    a.config.timing.election_timeout_max_us = static_cast<Time>(std::max(d.election_min_ms, d.election_max_ms)) * 1000;
    a.config.timing.heartbeat_interval_us = static_cast<Time>(d.heartbeat_ms) * 1000;
    a.config.timing.noop_on_election = d.noop;
    a.config.network = ui.cluster().network().config();
    ui.push(a);
    ImGui::CloseCurrentPopup();
  }

  ImGui::Separator();
  ImGui::TextDisabled("Screen");
  ViewState& vs = ui.vs;
  ImGui::AlignTextToFramePadding();
  ImGui::Text("UI scale %.0f%%", vs.ui_zoom * 100.0f);
  ImGui::SameLine();
  if (ImGui::Button(" - ")) vs.ui_zoom = step_ui_zoom(vs.ui_zoom, -1);
  vs.track("UI smaller");
  ImGui::SameLine();
  if (ImGui::Button(" + ")) vs.ui_zoom = step_ui_zoom(vs.ui_zoom, +1);
  vs.track("UI larger");
  ImGui::SameLine();
  if (ImGui::Button("Reset##ui_zoom")) vs.ui_zoom = 1;
  ImGui::SameLine();
  help_marker("Ctrl + and Ctrl - (Ctrl 0 resets). Large screens start larger; the scale is kept for your next visit on the page.");
}

void scenarios_menu(Ui& ui) {
  if (ui.vs.can_open_files) {
    if (ImGui::MenuItem("Open .raft file or recording (.jsonl)...")) ui.vs.shell_request = ShellRequest::OpenScenarioFile;
    ui.vs.track("Open .raft file...");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("A scenario file from your computer (an exported session, or one you wrote).");
    ImGui::Separator();
  }
  if (ui.scenarios.empty()) {
    ImGui::TextDisabled("No scenarios were shipped with this build.");
    return;
  }
  for (size_t i = 0; i < ui.scenarios.size(); ++i) {
    const ScenarioInfo& s = ui.scenarios[i];
    ImGui::PushID(static_cast<int>(i));
    const bool broken = !s.error.empty();
    if (ImGui::MenuItem(s.title.c_str(), s.name.c_str(), false, !broken)) {
      Action a = simple_action(Action::Kind::LoadScenario);
      a.index = static_cast<int>(i);
      ui.push(a);
    }
    if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) {
      ImGui::BeginTooltip();
      ImGui::PushTextWrapPos(ImGui::GetFontSize() * 34.0f);
      ImGui::TextUnformatted(s.title.c_str());
      ImGui::Separator();
      if (broken) ImGui::TextColored(to_vec4(color::kBad), "%s", s.error.c_str());
      else ImGui::TextUnformatted(s.description.empty() ? "(no description)" : s.description.c_str());
      ImGui::PopTextWrapPos();
      ImGui::EndTooltip();
    }
    ImGui::PopID();
  }
}

// The tour's chapters, each with its exercises done, and a way out.
void tour_menu(Ui& ui) {
  const TourState& t = ui.tour;
  if (t.chapters.empty()) {
    ImGui::TextDisabled("No tour was shipped with this build.");
    return;
  }
  if (ImGui::MenuItem(t.active ? "Back to the first step" : "Start the tour")) {
    Action a = simple_action(Action::Kind::TourGo);
    a.index = 0;
    ui.push(a);
  }
  ui.vs.track("Start the tour");
  ImGui::Separator();
  for (size_t i = 0; i < t.chapters.size(); ++i) {
    const sim::TourChapter& ch = t.chapters[i];
    size_t done = 0;
    for (const sim::TourExercise& e : ch.exercises) done += t.is_done(e.id) ? 1 : 0;
    char right[48];
    std::snprintf(right, sizeof right, "%zu steps, %zu/%zu done", ch.steps.size(), done, ch.exercises.size());
    char label[160];
    std::snprintf(label, sizeof label, "%zu. %s", i + 1, ch.title.c_str());
    ImGui::PushID(static_cast<int>(i));
    if (ImGui::MenuItem(label, right, t.active && t.chapter == static_cast<int>(i))) {
      Action a = simple_action(Action::Kind::TourGo);
      a.index = static_cast<int>(i);
      ui.push(a);
    }
    ImGui::PopID();
  }
  if (t.active) {
    ImGui::Separator();
    if (ImGui::MenuItem("Close the tour")) ui.push(simple_action(Action::Kind::TourClose));
  }
}

void help_window(Ui& ui) {
  ViewState& vs = ui.vs;
  const ImVec2 ds = ImGui::GetIO().DisplaySize;
  const float w = std::min(620.0f, ds.x - 40);
  ImGui::SetNextWindowPos(ImVec2(ds.x * 0.5f, ds.y * 0.5f), ImGuiCond_Always, ImVec2(0.5f, 0.5f));
  ImGui::SetNextWindowSizeConstraints(ImVec2(w, 0), ImVec2(w, ds.y - 40));
  ImGui::SetNextWindowFocus();
  if (ImGui::Begin("Keyboard and mouse  (press ? to close)", &vs.show_help,
                   ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoCollapse |
                       ImGuiWindowFlags_NoSavedSettings)) {
    if (ImGui::BeginTable("##keys", 2, ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_RowBg)) {
      auto key = [](const char* k, const char* what) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextColored(to_vec4(color::kLeader), "%s", k);
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(what);
      };
      key("space", "pause / play");
      key(". or Right", "step to the next event");
      key("Left", "step back to the previous event");
      key("c", "send a client request to the leader");
      key("k", "crash the leader");
      key("h", "heal the network (restore every link)");
      key("?", "show / hide this help");
      ImGui::EndTable();
    }
    ImGui::Spacing();
    ImGui::TextColored(to_vec4(color::kAccent), "Mouse");
    ImGui::Separator();
    ImGui::PushTextWrapPos(0);
    bullet("Click a server: crash or restart it, force its election timeout, send it a client request, "
                      "isolate it. It also opens in the inspector.");
    bullet("Click a message in flight: drop, duplicate or delay it. Hover it to read its fields.");
    bullet("Click a link between two servers to cut it. Partition... (or Ctrl+click servers) picks a group "
                      "to split off. Heal all restores every link.");
    bullet("Drag the timeline to see the past. Acting in the past starts a new future from there.");
    bullet("Click an event in the event log to jump to that moment.");
    ImGui::PopTextWrapPos();
    if (ImGui::Button("Close")) vs.show_help = false;
  }
  ImGui::End();
}

void guide_window(Ui& ui) {
  ViewState& vs = ui.vs;
  const ImVec2 ds = ImGui::GetIO().DisplaySize;
  const float w = std::min(640.0f, ds.x - 40);
  ImGui::SetNextWindowPos(ImVec2(ds.x * 0.5f, ds.y * 0.5f), ImGuiCond_Always, ImVec2(0.5f, 0.5f));
  ImGui::SetNextWindowSizeConstraints(ImVec2(w, 0), ImVec2(w, ds.y - 40));
  if (ImGui::Begin("What you are looking at", &vs.show_guide,
                   ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoCollapse |
                       ImGuiWindowFlags_NoSavedSettings)) {
    ImGui::PushTextWrapPos(0);
    ImGui::TextUnformatted(
        "A simulated Raft cluster running in your browser, in virtual time. Nothing here is random beyond the seed: "
        "the same seed and the same clicks give the same run.");
    ImGui::Spacing();
    bullet("Cluster: each server (s1, s2, ...) with its currentTerm inside, colored by term. Leaders are "
                      "squares, candidates have a dashed outline, crashed servers are grey. The arc around a server "
                      "is its election timer draining. Under it: its role and who it thinks is leader (or its votes).");
    bullet("Messages travel along the links: RV = RequestVote, yes/no = vote replies, AE = AppendEntries "
                      "(+n entries), ok/fail = its replies. Faded messages are lost.");
    bullet("Logs: one row per server, one cell per entry, colored by term; solid = committed.");
    bullet("Inspector: the Figure 2 state of the server you clicked.");
    bullet("Events: what happened, in words. Timeline: the whole run; drag to go back in time.");
    bullet("Status bar: time, speed, leader, and whether Raft's safety properties still hold.");
    ImGui::PopTextWrapPos();
    if (ImGui::Button("Close")) vs.show_guide = false;
  }
  ImGui::End();
}

void fork_modal(Ui& ui) {
  ViewState& vs = ui.vs;
  if (vs.open_fork_modal) {
    // Open once: reopening an open popup would hide it for a frame while it is measured again.
    if (!ImGui::IsPopupOpen("Change the past?")) ImGui::OpenPopup("Change the past?");
    vs.open_fork_modal = false;
  }
  const ImVec2 ds = ImGui::GetIO().DisplaySize;
  ImGui::SetNextWindowPos(ImVec2(ds.x * 0.5f, ds.y * 0.5f), ImGuiCond_Always, ImVec2(0.5f, 0.5f));
  ImGui::SetNextWindowSizeConstraints(ImVec2(360, 0), ImVec2(std::min(560.0f, ds.x - 20), ds.y - 40));
  if (ImGui::BeginPopupModal("Change the past?", nullptr, ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoSavedSettings)) {
    vs.track_window("Change the past?");
    char now_s[32], end_s[32];
    format_time(now_s, sizeof now_s, ui.cluster().now());
    format_time(end_s, sizeof end_s, ui.lab.end_time());
    ImGui::PushTextWrapPos(ImGui::GetFontSize() * 34.0f);
    size_t ahead = 0;
    for (const sim::TimedStatement& ts : ui.lab.log()) ahead += ts.t > ui.cluster().now() ? 1 : 0;
    ImGui::Text("You are at %s; the run is recorded up to %s, with %zu command%s after this moment.", now_s, end_s,
                ahead, ahead == 1 ? "" : "s");
    ImGui::TextUnformatted("Acting here starts a new future from this moment. The recorded one is kept as a branch "
                           "(Branches menu: compare the two, or switch back).");
    ImGui::PopTextWrapPos();
    for (const Action& a : vs.awaiting_fork) ImGui::BulletText("%s", sim::format_statement(a.statement).c_str());
    ImGui::Spacing();
    if (ImGui::Button("Start a new future from here")) {
      for (Action& a : vs.awaiting_fork) {
        a.fork = Fork::Confirmed;
        ui.push(std::move(a));
      }
      vs.awaiting_fork.clear();
      ImGui::CloseCurrentPopup();
    }
    vs.track("Fork");
    ImGui::SameLine();
    const bool cancel = ImGui::Button("Cancel");
    vs.track("Cancel");
    if (cancel || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape))) {
      vs.awaiting_fork.clear();
      ImGui::CloseCurrentPopup();
    }
    ImGui::EndPopup();
  }
}

}  // namespace

void draw_menu_bar(Ui& ui) {
  ViewState& vs = ui.vs;
  if (!ImGui::BeginMainMenuBar()) return;
  if (ImGui::BeginMenu("Simulation")) {
    if (ImGui::MenuItem(vs.paused ? "Play" : "Pause", "space")) toggle_pause(ui);
    if (ImGui::MenuItem("Step to the next event", ". / Right")) ui.push(simple_action(Action::Kind::StepForward));
    if (ImGui::MenuItem("Step back", "Left")) ui.push(simple_action(Action::Kind::StepBack));
    if (ImGui::MenuItem("Go to present", nullptr, false, ui.lab.in_past())) ui.push(simple_action(Action::Kind::GoLive));
    ImGui::Separator();
    if (ImGui::MenuItem("Client request to the leader", "c")) ui.act(sim::make::client_request(kNoNode, ++vs.requests));
    if (ImGui::MenuItem("Crash the leader", "k", false, ui.cluster().leader() != kNoNode)) ui.act(sim::make::crash_leader());
    if (ImGui::MenuItem("Heal the network", "h")) ui.act(sim::make::heal());
    add_server_item(ui);
    ImGui::Separator();
    ImGui::MenuItem("Linearizability panel", "l", &vs.lin.open);
    vs.track("Linearizability panel");
    if (ImGui::MenuItem("Timing experiment (section 9.3)...")) vs.experiment.open = true;
    vs.track("Timing experiment");
    ImGui::Separator();
    if (ImGui::MenuItem("Restart the cluster")) {
      Action a = simple_action(Action::Kind::Restart);
      a.config = ui.cluster().config();
      ui.push(a);
    }
    ImGui::EndMenu();
  } else {
    vs.track("Simulation");  // only while closed, as "Settings" below
  }
  if (ImGui::BeginMenu("Settings")) {
    settings_menu(ui);
    ImGui::EndMenu();
  } else {
    vs.track("Settings");  // only while closed, as "Share" below
    vs.draft.loaded = false;  // re-read the cluster's settings the next time the menu opens
  }
  if (ImGui::BeginMenu("Scenarios")) {
    scenarios_menu(ui);
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu("Tour")) {
    tour_menu(ui);
    ImGui::EndMenu();
  } else {
    vs.track("Tour");
  }
  char branches_label[32];
  std::snprintf(branches_label, sizeof branches_label, "Branches (%zu)###Branches", ui.branches.saved.size());
  if (ImGui::BeginMenu(branches_label)) {
    branches_menu(ui);
    ImGui::EndMenu();
  } else {
    vs.track("Branches");
  }
  if (ImGui::BeginMenu("Share")) {
    if (ImGui::MenuItem("Copy share link")) vs.shell_request = ShellRequest::CopyShareLink;
    vs.track("Copy share link");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("A link to this whole session (seed, settings and your commands) that opens at the moment you are viewing.");
    if (ImGui::MenuItem("Export trace (JSON Lines)")) vs.shell_request = ShellRequest::DownloadTrace;
    if (ImGui::MenuItem("Export scenario (.raft)")) vs.shell_request = ShellRequest::DownloadScenario;
    ImGui::EndMenu();
  } else {
    vs.track("Share");  // only while closed: an open menu's last item is its own window
  }
  if (ImGui::BeginMenu("Help")) {
    if (ImGui::MenuItem("Keyboard and mouse", "?")) vs.show_help = true;
    if (ImGui::MenuItem("What am I looking at?")) vs.show_guide = true;
    ImGui::MenuItem("Show the legend", nullptr, &vs.show_legend);
    ImGui::EndMenu();
  }
  // Right side: the app's name and the seed.
  char right[64];
  std::snprintf(right, sizeof right, "Raft Lab   seed %" PRIu64 "   ? help", ui.cluster().config().seed);
  const float w = ImGui::CalcTextSize(right).x + 16;
  if (ImGui::GetContentRegionAvail().x > w) {
    ImGui::SetCursorPosX(ImGui::GetWindowContentRegionMax().x - w);
    ImGui::TextDisabled("%s", right);
  }
  ImGui::EndMainMenuBar();
}

// The toast: bottom right, over the panels, fading out in its last second.
void draw_toast(ViewState& vs, const Fonts& f) {
  if (vs.toast.empty() || vs.toast_age_s >= kToastSeconds) return;
  const float alpha = static_cast<float>(std::min(1.0, kToastSeconds - vs.toast_age_s));
  const ImVec2 display = ImGui::GetIO().DisplaySize;
  const float wrap = std::min(420.0f, display.x - 40);
  const ImVec2 ts = f.ui->CalcTextSizeA(f.ui_size(), FLT_MAX, wrap, vs.toast.c_str());
  const ImVec2 max(display.x - 16, display.y - 64);
  const ImVec2 min(max.x - ts.x - 24, max.y - ts.y - 16);
  ImDrawList* dl = ImGui::GetForegroundDrawList();
  dl->AddRectFilled(min, max, IM_COL32(40, 46, 58, static_cast<int>(245 * alpha)), 6);
  dl->AddRect(min, max, IM_COL32(92, 207, 123, static_cast<int>(255 * alpha)), 6);
  dl->AddText(f.ui, f.ui_size(), ImVec2(min.x + 12, min.y + 8), IM_COL32(228, 231, 236, static_cast<int>(255 * alpha)),
              vs.toast.c_str(), nullptr, wrap);
  vs.windows.push_back(WindowSpot{"Toast", Rect{min, max}});
}

void draw_overlays(Ui& ui) {
  draw_toast(ui.vs, ui.fonts);
  if (ui.vs.show_help) help_window(ui);
  if (ui.vs.show_guide) guide_window(ui);
  if (ui.vs.experiment.open) timing_experiment_window(ui);
  compare_window(ui);
  linearizability_window(ui);
  fork_modal(ui);
}

// Next (+1) and Back (-1) in the tour by key.
void tour_key(Ui& ui, int dir) {
  const TourState& t = ui.tour;
  if (t.chapters.empty() || !t.active) return;  // the Tour menu starts it: a key must not replace a session
  Action a = simple_action(Action::Kind::TourGo);
  a.index = t.chapter;
  a.step = t.step + dir;
  if (a.step < 0) {
    if (--a.index < 0) return;
    a.step = static_cast<int>(t.chapters[static_cast<size_t>(a.index)].steps.size()) - 1;
  } else if (a.step >= static_cast<int>(t.chapters[static_cast<size_t>(a.index)].steps.size())) {
    if (++a.index >= static_cast<int>(t.chapters.size())) return;
    a.step = 0;
  }
  ui.push(a);
}

void handle_shortcuts(Ui& ui) {
  ImGuiIO& io = ImGui::GetIO();
  if (io.WantTextInput) return;
  ViewState& vs = ui.vs;
  if (ImGui::IsPopupOpen("", ImGuiPopupFlags_AnyPopupId | ImGuiPopupFlags_AnyPopupLevel)) return;
  for (int i = 0; i < io.InputQueueCharacters.Size; ++i) {
    switch (io.InputQueueCharacters[i]) {
      case ' ': toggle_pause(ui); break;
      case '.': ui.push(simple_action(Action::Kind::StepForward)); break;
      case 'c': case 'C': ui.act(sim::make::client_request(kNoNode, ++vs.requests)); break;
      case 'k': case 'K': ui.act(sim::make::crash_leader()); break;
      case 'h': case 'H': ui.act(sim::make::heal()); break;
      case 't': case 'T': vs.space_time = !vs.space_time; break;
      case 'l': case 'L': vs.lin.open = !vs.lin.open; break;
      case '?': vs.show_help = !vs.show_help; break;
      case 'n': case 'N': tour_key(ui, +1); break;
      case 'b': case 'B': tour_key(ui, -1); break;
      default: break;
    }
  }
  if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_PageDown))) tour_key(ui, +1);
  if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_PageUp))) tour_key(ui, -1);
  if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_RightArrow))) ui.push(simple_action(Action::Kind::StepForward));
  if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_LeftArrow))) ui.push(simple_action(Action::Kind::StepBack));
  if (vs.show_help && ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape))) vs.show_help = false;
  else if (vs.seek_active && ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape))) ui.push(simple_action(Action::Kind::CancelSeek));
}

}  // namespace raft::viz
