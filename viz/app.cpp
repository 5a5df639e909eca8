// The App: owns the Lab (the model), the UI's History and ViewState. Per frame: advance virtual
// time, build the panels (which only read the model and queue actions), then apply the actions
// through the same methods scripts call. Every method that changes the session bumps the revision.
#include "viz/app.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <iterator>

#include "imgui.h"
#include "viz/app_impl.h"
#include "viz/history.h"
#include "viz/panels.h"
#include "viz/theme.h"
#include "viz/tour.h"
#include "viz/view_state.h"
#include "viz/words.h"

namespace raft::viz {

void ViewState::track(const char* key) {
  const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
  items.push_back(ItemSpot{key, ImVec2((a.x + b.x) * 0.5f, (a.y + b.y) * 0.5f)});
}

void ViewState::track_window(const char* name) {
  const ImVec2 p = ImGui::GetWindowPos(), size = ImGui::GetWindowSize();
  windows.push_back(WindowSpot{name, Rect{p, ImVec2(p.x + size.x, p.y + size.y)}});
}

void ViewState::track_item_rect(const char* name) {
  windows.push_back(WindowSpot{name, Rect{ImGui::GetItemRectMin(), ImGui::GetItemRectMax()}});
}

ViewState::ViewState() {
  items.reserve(64);
  windows.reserve(16);
  categories = kCatElections | kCatCommits | kCatFaults | kCatClients | kCatOther | kCatReplication;
  messages.reserve(1024);
  event_rows.reserve(1 << 14);
  awaiting_fork.reserve(4);
  st_ends.reserve(4096);
  st_sends.reserve(4096);
  st_heads.reserve(1024);
  st_rows.reserve(2048);
}

void App::Impl::phase(int p) {
  if (hook) hook(hook_ctx, p);
}

void App::Impl::set_notice(std::string text) {
  notice = std::move(text);
  ++notice_serial;
  notice_age_s = 0;
}

int App::Impl::find_scenario(const std::string& name) const {
  for (size_t i = 0; i < scenarios.size(); ++i) {
    if (scenarios[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

// A safety violation stops the run: say so once, and pause.
void App::Impl::check_violation() {
  if (lab.cluster().ok()) {
    violation_noticed = false;
    return;
  }
  if (violation_noticed) return;
  const sim::Violation& v = lab.cluster().checker().violation();
  set_notice("Safety violation - " + v.property + ": " + v.message +
             " The run stopped; drag the timeline back to see how it happened.");
  violation_noticed = true;
  vs.paused = true;
}

// After a script or a control moved time: the traveled flag, the history and the checker's
// verdict follow, and the session has a new revision.
void App::Impl::after_move() {
  if (!lab.in_past()) vs.traveled = false;
  history.update(lab);
  check_violation();
  sync_tour_step();
  check_exercise();
  ++revision;
}

// Advances virtual time by `d` for a script (no stop at pauses), in slices so that the history
// reads every event before the trace's window drops it.
void App::Impl::run_for(Time d) {
  drop_job();
  for (Time left = d; left > 0 && lab.cluster().ok(); left -= std::min(left, kHistorySliceUs)) {
    lab.run_for(std::min(left, kHistorySliceUs));
    history.update(lab);
  }
  after_move();
}

void App::Impl::after_new_session() {
  drop_job();
  notice.clear();  // a stale "could not be opened" must not outlive the run it was about
  ++notice_serial;
  tour.active = false;  // tour_go sets it again for its own chapter
  history.reset();
  vs.selected = kNoNode;
  vs.group_mask = 0;
  vs.group_mode = false;
  vs.menu_node = kNoNode;
  vs.menu_message = 0;
  vs.awaiting_fork.clear();
  vs.draft.loaded = false;
  vs.log_follow = true;
  vs.event_follow = true;
  vs.accumulator_us = 0;
  vs.traveled = false;
  violation_noticed = false;
  ++revision;
}

// The default session: assets/scenarios/default.raft if shipped, else 5 nodes with light load.
void App::Impl::start_default() {
  const int d = find_scenario("default");
  bool loaded = false;
  if (d >= 0 && scenarios[static_cast<size_t>(d)].error.empty()) {
    loaded = !lab.load_scenario(scenarios[static_cast<size_t>(d)].text, "default.raft").has_value();
  }
  if (!loaded) {
    lab.reset(default_config());
    lab.apply(sim::make::client_load(true, kDefaultLoadPerSecond));
  }
  after_new_session();
  vs.scenario_banner = false;
  vs.paused = true;  // a new visitor reads the screen first; Play starts the run
}

bool App::Impl::load_scenario(const std::string& text, const std::string& name, std::string* error, bool banner) {
  auto err = lab.load_scenario(text, name, limits);
  if (err) {
    const std::string msg = err->to_string();
    if (error) *error = msg;
    set_notice("Could not load the scenario: " + msg);
    return false;
  }
  lab.seek(0);  // t = 0 shows what the script does at 0 (cuts, timeouts), as a later seek there does
  after_new_session();
  vs.scenario_banner = banner && !lab.initial().title.empty();
  vs.scenario_banner_open = false;
  vs.paused = true;  // opens paused: the Play hint and the scenario's text first
  touched = true;
  return true;
}

std::string App::Impl::act(const sim::Statement& s, Fork fork) {
  drop_job();
  if (lab.attached()) return attach_act(s);
  if (fork == Fork::Ask && lab.in_past() && commands_ahead(lab)) {
    vs.awaiting_fork.push_back(act_action(s, Fork::Ask));
    vs.open_fork_modal = true;
    return "";
  }
  const bool was_past = lab.in_past();
  // The future this command replaces is kept as a branch (issue 9), if it does replace it (a
  // `run` in the past only replays).
  std::optional<Branch> replaced;
  if (was_past && commands_ahead(lab)) {
    replaced = Branch{"", lab.to_scenario(), lab.cluster().now(), lab.end_time(), sim::format_statement(s)};
  }
  std::string err;
  const bool ok = lab.apply(s, &err);
  if (replaced && lab.end_time() < replaced->end) keep_branch(std::move(*replaced));
  // Acting in the past forked (even when the statement then failed): the recorded future is
  // gone, so the timeline and the event log re-read the trace from here.
  if (was_past && !lab.in_past()) history.resync(lab);
  after_move();
  if (!ok) {
    if (err.empty()) err = "That command could not be applied.";
    set_notice(err);
    return err;
  }
  touched = true;
  return "";
}

Time App::Impl::step() {
  drop_job();
  vs.paused = true;
  // In the past, move along the recorded history (never forks); at the present, simulate.
  if (lab.in_past()) lab.seek(std::min(next_event_time(lab), lab.end_time()));
  else lab.step();
  after_move();
  return lab.cluster().now();
}

void App::Impl::step_back() {
  drop_job();
  vs.paused = true;
  vs.traveled = true;
  lab.step_back();
  after_move();
}

// At once (scripts, the JS API, stepping): any seek in progress is dropped where it is.
void App::Impl::seek(Time t) {
  drop_job();
  // In slices, so that the history reads every event before the trace's window drops it.
  while (!lab.seek_toward(t, kHistorySliceUs)) history.update(lab);
  vs.traveled = lab.in_past();
  after_move();
}

void App::Impl::show_job() {
  vs.seek_active = job.active;
  vs.seek_from = job.from;
  vs.seek_target = job.target;
}

void App::Impl::drop_job() {
  job = SeekJob{};
  show_job();
}

// A seek from the page: starts computing at once (a short one finishes in this frame).
void App::Impl::begin_seek(Time t, std::optional<Time> then) {
  job.active = true;
  job.target = std::clamp<Time>(t, 0, lab.end_time());
  job.from = lab.cluster().now();
  job.then = then;
  show_job();
  advance_seek();
}

void App::Impl::advance_seek() {
  using clock = std::chrono::steady_clock;
  const auto ms_since = [](clock::time_point t) { return std::chrono::duration<double, std::milli>(clock::now() - t).count(); };
  const auto start = clock::now();
  // The frame's budget covers the replay and the history's copy of its events.
  bool done = false;
  for (;;) {
    const auto t0 = clock::now();
    done = lab.seek_toward(job.target, slice_us);
    const double ms = ms_since(t0);
    // At most kHistorySliceUs between two reads of the trace by the history, so that the trace's
    // window never drops an event the history has not read.
    if (ms < 0.5 && slice_us < kHistorySliceUs) slice_us = std::min(2 * slice_us, kHistorySliceUs);
    else if (ms > 2.0 && slice_us > 1'000) slice_us /= 2;
    history.update(lab);
    if (done || ms_since(start) >= kSeekFrameBudgetMs) break;
  }
  check_violation();
  if (!done) return;
  const std::optional<Time> then = job.then;
  drop_job();
  if (then) {
    begin_seek(*then);
    return;
  }
  vs.traveled = lab.in_past();
  after_move();
}

// Esc or Cancel: the seek stops where it got to (a whole instant), paused.
void App::Impl::cancel_seek() {
  if (!job.active) return;
  drop_job();
  vs.paused = true;
  vs.traveled = lab.in_past();
  char at[32], end[32];
  format_time(at, sizeof at, lab.cluster().now());
  format_time(end, sizeof end, lab.end_time());
  set_notice(std::string("Stopped at ") + at + ". The run after it (to " + end +
             ") is computed again when you go there.");
  after_move();
}

void App::Impl::restart(const sim::ClusterConfig& config) {
  sim::Workload load = lab.cluster().workload();
  lab.reset(config);
  if (load.clients > 0) {
    load.until_us = kTimeNever;
    lab.apply(sim::make::clients(load));
  }
  after_new_session();
  vs.scenario_banner = false;
  touched = true;
}

void App::Impl::apply(Action& a) {
  switch (a.kind) {
    case Action::Kind::Act: act(a.statement, a.fork); break;
    case Action::Kind::Seek: begin_seek(a.t); break;
    case Action::Kind::StepForward: step(); break;
    case Action::Kind::StepBack: step_back(); break;
    case Action::Kind::GoLive: begin_seek(lab.end_time()); break;
    case Action::Kind::CancelSeek: cancel_seek(); break;
    case Action::Kind::ShowEvents:
      history.load_page(lab, a.t, a.t_end);
      vs.event_follow = false;
      break;
    case Action::Kind::LatestEvents: history.close_page(); break;
    case Action::Kind::TourGo: tour_go(a.index, a.step); break;
    case Action::Kind::TourClose:
      tour.active = false;
      ++revision;
      break;
    case Action::Kind::TourSolve: tour_solve(); break;
    case Action::Kind::SwitchBranch: {
      const int i = branches.find(a.name);
      if (i >= 0) switch_branch(i);
      break;
    }
    case Action::Kind::CompareBranch: compare_branch(branches.find(a.name)); break;
    case Action::Kind::Restart: restart(a.config); break;
    case Action::Kind::LoadScenario:
      if (a.index >= 0 && a.index < static_cast<int>(scenarios.size())) {
        const ScenarioInfo& s = scenarios[static_cast<size_t>(a.index)];
        // Shipped scenarios are short: run them slowly enough to follow the messages.
        if (load_scenario(s.text, s.name + ".raft", nullptr, true) && lab.end_time() < 5'000'000) {
          vs.speed = std::min(vs.speed, 0.25);
        }
      }
      break;
  }
}

App::App() : impl_(new Impl) { impl_->start_default(); }

App::~App() { delete impl_; }

void App::init_imgui(const void* font_data, int font_size_bytes, float dpi_scale) {
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // the layout is computed every frame; nothing to save
  impl_->fonts = load_fonts(font_data, font_size_bytes, dpi_scale);
  apply_theme();
}

void App::set_scenarios(std::vector<ScenarioAsset> scenarios) {
  Impl& m = *impl_;
  m.scenarios.clear();
  for (ScenarioAsset& a : scenarios) {
    ScenarioInfo info;
    info.name = std::move(a.name);
    info.text = std::move(a.text);
    sim::Scenario sc;
    if (auto err = sim::parse_scenario(info.text, info.name + ".raft", sc)) {
      info.error = err->to_string();
      info.title = info.name;
    } else {
      info.title = sc.title.empty() ? info.name : sc.title;
      info.description = sc.description;
    }
    m.scenarios.push_back(std::move(info));
  }
  // Shown in the order of their titles' file names, the default first.
  std::stable_sort(m.scenarios.begin(), m.scenarios.end(), [](const ScenarioInfo& a, const ScenarioInfo& b) {
    if ((a.name == "default") != (b.name == "default")) return a.name == "default";
    return a.name < b.name;
  });
  if (!m.touched && m.lab.cluster().now() == 0) m.start_default();
}

void App::frame(double real_dt_s) {
  Impl& m = *impl_;
  ViewState& vs = m.vs;
  const ImGuiIO& io = ImGui::GetIO();
  m.display = io.DisplaySize;
  m.framebuffer_scale = io.DisplayFramebufferScale;
  // Panels pause directly (space, scrubbing); a change of it is a new revision like any other.
  const bool paused_before = vs.paused;

  m.phase(0);
  // 1. Advance virtual time (in the past this replays the recorded history).
  if (m.job.active) {
    m.advance_seek();  // playing waits while a seek is computed
  } else if (m.lab.attached()) {
    // A live cluster: playing follows the present (what has arrived); paused, the recording grows
    // behind the moment shown.
    if (!vs.paused && !vs.scrubbing && m.lab.cluster().now() < m.lab.end_time()) m.lab.seek(m.lab.end_time());
  } else if (!vs.paused && !vs.scrubbing) {
    Time d = advance_accumulator(real_dt_s, vs.speed, vs.accumulator_us);
    const Time now = m.lab.cluster().now();
    if (!m.lab.in_past() && now + d >= m.limits.run_us) {
      d = std::max<Time>(m.limits.run_us - now, 0);
      vs.paused = true;
      char at[32];
      format_time(at, sizeof at, m.limits.run_us);
      m.set_notice(std::string("Paused at ") + at + ", the longest run this page holds. Go back in time to look around, "
                   "or restart.");
    }
    // A scenario's marked moments (`pause`): playing stops there and shows the text.
    bool at_pause = false;
    if (const std::optional<Time> p = m.next_pause_after(now); p && *p <= now + d) {
      d = *p - now;
      at_pause = true;
      vs.paused = true;
      vs.accumulator_us = 0;
    }
    if (d > 0 && m.lab.cluster().ok()) m.lab.run_for(d);
    if (at_pause) m.sync_tour_step();
    m.check_exercise();
    const sim::Cluster& c = m.lab.cluster();
    if (!m.lab.in_past() && !vs.paused && c.log_entries_held() >= m.limits.log_entries && c.workload().clients > 0) {
      vs.paused = true;
      m.set_notice("Paused: the cluster holds " + std::to_string(c.log_entries_held()) +
                   " log entries that not every server has compacted, the most this page holds (with snapshots off every "
                   "entry stays; a server that is down or cut off keeps the others' from going). Turn snapshots on "
                   "(Settings, snapshot every), bring the server back, or turn the client load off to go on; or go back "
                   "in time to look around, or restart.");
    }
  }
  m.check_violation();
  m.history.update(m.lab);
  m.sync_compare();
  m.notice_age_s += real_dt_s;
  vs.toast_age_s += real_dt_s;
  if (m.notice_age_s > 8 && m.lab.cluster().ok()) vs.notice_hidden = m.notice_serial;

  m.phase(1);
  // 2. Build the frame.
  Ui ui{m.lab, m.history, m.scenarios, m.tour, m.branches, m.fonts, m.notice, m.notice_serial, vs, m.actions};
  ScreenLayout layout = compute_screen_layout(io.DisplaySize, ImGui::GetFrameHeight(), m.lab.cluster().size());
  // The tour's step sits over the cluster view and takes its room from the ring.
  Rect tour_rect = layout.cluster;
  tour_rect.max.y = tour_rect.min.y + std::min(tour_panel_height(ui, layout.cluster.width()), layout.cluster.height() * 0.6f);
  layout.cluster.min.y = tour_rect.max.y;
  vs.ring_visible = false;
  vs.attach_live = m.attach.live;
  vs.items.clear();
  vs.windows.clear();
  handle_shortcuts(ui);
  draw_menu_bar(ui);
  if (tour_rect.height() > 0) draw_tour_panel(ui, tour_rect);
  draw_cluster_view(ui, layout.cluster);
  draw_log_view(ui, layout.logs);
  draw_inspector(ui, layout.inspector);
  draw_event_log(ui, layout.events);
  draw_timeline(ui, layout.timeline);
  draw_status_bar(ui, layout.status);
  draw_overlays(ui);
  draw_tour_highlights(ui);

  m.phase(2);
  // 3. Apply what the user did.
  for (size_t i = 0; i < m.actions.size(); ++i) m.apply(m.actions[i]);
  m.actions.clear();
  if (!m.lab.in_past()) vs.traveled = false;  // playing reached the present
  if (vs.selected >= m.lab.cluster().size()) vs.selected = kNoNode;
  if (vs.paused != paused_before) ++m.revision;
  m.phase(3);
}

const sim::Lab& App::lab() const { return impl_->lab; }
const History& App::history() const { return impl_->history; }
const TimingExperimentState& App::timing_experiment() const { return impl_->vs.experiment; }
int App::timing_experiment_curves() const { return impl_->vs.experiment_curves; }

std::string App::act(const sim::Statement& s, Fork fork) { return impl_->act(s, fork); }

void App::run_for(Time d) { impl_->run_for(d); }

Time App::step() { return impl_->step(); }
void App::step_back() { impl_->step_back(); }
void App::seek(Time t) { impl_->seek(t); }
void App::go_live() { impl_->seek(impl_->lab.end_time()); }
void App::restart(const sim::ClusterConfig& config) { impl_->restart(config); }

bool App::load_scenario_text(const std::string& text, const std::string& name, std::string* error) {
  return impl_->load_scenario(text, name, error, true);
}

bool App::load_share_payload(const std::string& payload, std::string* error) {
  Impl& m = *impl_;
  auto err = m.lab.load_scenario(payload, "shared link", m.limits);
  if (err) {
    const std::string msg = err->to_string();
    if (error) *error = msg;
    m.start_default();
    m.set_notice("This share link could not be opened (" + msg + "). Showing the default cluster instead.");
    return false;
  }
  m.after_new_session();
  m.vs.scenario_banner = false;
  m.touched = true;
  // Scripts loaded from the Scenarios menu play along from t=0; a link shows what its sharer saw:
  // the whole run on the timeline and in the event log (so it plays to the end once), paused at
  // the moment viewed (its `open at`, else the end). Computed in slices with a progress bar, so
  // a long run opens at once and can be stopped with Esc.
  m.vs.paused = true;
  m.begin_seek(m.lab.end_time(), m.lab.open_at());
  return true;
}

const LinPanelState& App::linearizability_panel() const { return impl_->vs.lin; }

void App::open_default(const std::string& notice) {
  impl_->start_default();
  impl_->set_notice(notice);
}

bool App::paused() const { return impl_->vs.paused; }
bool App::seeking() const { return impl_->job.active; }
void App::set_run_limit(Time us) { impl_->limits.run_us = us; }
void App::set_log_entries_limit(uint64_t entries) { impl_->limits.log_entries = entries; }

void App::set_paused(bool p) {
  if (impl_->vs.paused == p) return;
  impl_->vs.paused = p;
  ++impl_->revision;
}

double App::speed() const { return impl_->vs.speed; }
void App::set_speed(double s) { impl_->vs.speed = clamp_speed(s); }

uint64_t App::revision() const { return impl_->revision; }

void App::note_frame_work(double ms) {
  Impl& m = *impl_;
  m.frame_work[m.frame_work_next % m.frame_work.size()] = ms;
  ++m.frame_work_next;
}

void App::reset_frame_work() { impl_->frame_work_next = 0; }

App::FrameWork App::frame_work() const {
  const Impl& m = *impl_;
  const size_t n = std::min(m.frame_work_next, m.frame_work.size());
  FrameWork w;
  w.frames = n;
  if (n == 0) return w;
  std::array<double, 512> v{};
  std::copy(m.frame_work.begin(), m.frame_work.begin() + static_cast<std::ptrdiff_t>(n), v.begin());
  std::sort(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(n));
  w.p50_ms = v[n / 2];
  w.p99_ms = v[std::min(n - 1, n * 99 / 100)];
  w.max_ms = v[n - 1];
  return w;
}
const std::string& App::notice() const { return impl_->notice; }
std::string App::unsafe_banner() const { return viz::unsafe_banner(impl_->lab.cluster().config().timing); }
std::string App::scenario_text() const { return impl_->lab.to_scenario(); }

std::string App::trace_jsonl() const {
  // A live cluster's recording as it arrived (each server's hello block describes its state).
  if (impl_->lab.attached()) return impl_->attach_jsonl();
  const sim::Cluster& c = impl_->lab.cluster();
  return c.trace().to_jsonl(c.client_ops());
}

void App::toast(std::string text) {
  impl_->vs.toast = std::move(text);
  impl_->vs.toast_age_s = 0;
}

std::string App::toast_text() const { return impl_->vs.toast_age_s < kToastSeconds ? impl_->vs.toast : std::string(); }

void App::set_can_open_files(bool can) { impl_->vs.can_open_files = can; }

ShellRequest App::take_shell_request() {
  const ShellRequest r = impl_->vs.shell_request;
  impl_->vs.shell_request = ShellRequest::None;
  return r;
}

void App::set_phase_hook(PhaseHook hook, void* ctx) {
  impl_->hook = hook;
  impl_->hook_ctx = ctx;
}

}  // namespace raft::viz
