// The App's tour, exercises and branches (issue 9): App::Impl's methods for them and the App's
// public calls. The session, time and actions are in viz/app.cpp.
#include <algorithm>
#include <span>

#include "core/sim/tour.h"
#include "viz/app_impl.h"
#include "viz/words.h"

namespace raft::viz {

// At an exercise step: done once every goal holds, with only the allowed commands given since
// the exercise began (at or after its moment).
// Counted only while the history since the exercise's start is intact: it began with its own
// pause, the last command then (tour_go forked there); going back before it and acting replaces
// that history, chapter commands and all. A solution shown by the page does not count.
void App::Impl::check_exercise() {
  tour.goal_met = false;
  const sim::TourExercise* e = tour.current_exercise();
  if (e == nullptr || !tour.exercise_ready) return;
  const Time start = tour.current_step()->t;
  const std::vector<sim::TimedStatement>& log = lab.log();
  const size_t k = tour.exercise_log;
  if (k == 0 || log.size() < k || log[k - 1].t != start || !log[k - 1].s.is<sim::stmt::Pause>()) {
    tour.exercise_note = "You went back before the exercise began and changed what happened there; press Restart exercise to try again.";
    return;
  }
  tour.exercise_note.clear();
  if (lab.cluster().now() < start) return;
  tour.exercise_note = sim::exercise_disallowed(*e, std::span(log).subspan(k));
  if (!tour.exercise_note.empty()) return;
  tour.goal_met = sim::exercise_goal_met(*e, lab.cluster());
  if (!tour.goal_met || tour.solving || tour.solution_shown || tour.is_done(e->id)) return;
  tour.done.insert(std::lower_bound(tour.done.begin(), tour.done.end(), e->id), e->id);
  ++tour.progress_serial;
  set_notice("Exercise done: " + e->text);
}

// The tour's step follows the moment shown: playing, stepping or scrubbing onto another step's
// moment (its pause still in the log) makes it the current step.
void App::Impl::sync_tour_step() {
  const sim::TourChapter* ch = tour.current_chapter();
  if (ch == nullptr || tour.current_exercise() != nullptr) return;
  const Time now = lab.cluster().now();
  if (ch->steps[static_cast<size_t>(tour.step)].t == now) return;
  const std::string here = pause_text_at(lab, now);
  if (here.empty()) return;
  for (size_t i = 0; i < ch->steps.size(); ++i) {
    if (ch->steps[i].t == now && here.find(ch->steps[i].text) != std::string::npos) {
      tour.step = static_cast<int>(i);
      return;
    }
  }
}

// ---- branches ----
void App::Impl::keep_branch(Branch b) {
  b.name = "b" + std::to_string(++branches.serial);
  branches.saved.push_back(std::move(b));
  if (branches.saved.size() > BranchState::kMax) {
    branches.saved.erase(branches.saved.begin());
    if (branches.compare >= 0) --branches.compare;
    if (branches.compare < 0) branches.compare_lab.reset();
  }
}

void App::Impl::compare_branch(int i) {
  branches.compare = -1;
  branches.compare_lab.reset();
  branches.compare_error.clear();
  if (i < 0 || i >= static_cast<int>(branches.saved.size())) return;
  branches.compare = i;
  branches.compare_lab.emplace();
  if (auto err = branches.compare_lab->load_scenario(branches.saved[static_cast<size_t>(i)].text, "branch", limits)) {
    branches.compare_error = err->to_string();
    branches.compare_lab.reset();
  }
  sync_compare();
}

// The compared branch follows the moment shown (a few virtual seconds of replay per frame at most).
void App::Impl::sync_compare() {
  if (!branches.compare_lab) return;
  sim::Lab& other = *branches.compare_lab;
  const Time t = std::min(lab.cluster().now(), other.end_time());
  if (other.cluster().now() != t) other.seek_toward(t, 5'000'000);
}

std::string App::Impl::switch_branch(int i) {
  if (i < 0 || i >= static_cast<int>(branches.saved.size())) return "no such branch";
  const Branch target = branches.saved[static_cast<size_t>(i)];
  Branch left{"", lab.to_scenario(), lab.cluster().now(), lab.end_time(), "(the session you switched from)"};
  if (auto err = lab.load_scenario(target.text, target.name, limits)) return err->to_string();  // nothing changed
  compare_branch(-1);
  branches.saved.erase(branches.saved.begin() + i);
  keep_branch(std::move(left));
  after_new_session();
  vs.scenario_banner = false;
  touched = true;
  vs.paused = true;
  begin_seek(lab.end_time(), lab.open_at());  // computed over the next frames, then at its fork moment
  set_notice("Switched to " + target.name + ": the future from where it parted. The session you left is a branch now.");
  return "";
}

// ---- the tour ----
std::string App::Impl::tour_go(int chapter, int step) {
  const int chapters = static_cast<int>(tour.chapters.size());
  if (chapter < 0 || chapter >= chapters) {
    return "the tour has chapters 1.." + std::to_string(chapters) + ", not " + std::to_string(chapter + 1);
  }
  const sim::TourChapter& ch = tour.chapters[static_cast<size_t>(chapter)];
  const int steps = static_cast<int>(ch.steps.size());
  if (step < 0 || step >= steps) {
    return "chapter " + std::to_string(chapter + 1) + " has steps 1.." + std::to_string(steps) + ", not " + std::to_string(step + 1);
  }
  std::string error;
  if (!load_scenario(ch.scenario, ch.name + ".raft", &error, false)) return error;
  tour.active = true;
  tour.chapter = chapter;
  tour.step = step;
  tour.exercise_note.clear();
  tour.exercise_ready = false;
  tour.solution_shown = false;
  const sim::TourStep& st = ch.steps[static_cast<size_t>(step)];
  seek(st.t);
  tour.step = step;  // seek() may have matched another step at the same moment
  if (st.exercise >= 0) {
    lab.fork();  // what happens from here is the learner's doing alone
    tour.exercise_log = lab.log().size();
    tour.exercise_ready = true;
  }
  tour.step_log = lab.log().size();
  vs.paused = true;
  after_move();
  return "";
}

std::string App::Impl::tour_solve() {
  const sim::TourExercise* e = tour.current_exercise();
  if (e == nullptr) return "this step of the tour is not an exercise";
  const sim::TourExercise exercise = *e;
  if (std::string err = tour_go(tour.chapter, tour.step); !err.empty()) return err;
  tour.solving = true;
  std::string error;
  for (const sim::Statement& s : exercise.solution) {
    if (const auto* run = s.as<sim::stmt::Run>()) {
      run_for(run->duration_us);
    } else if (std::string err = act(s, Fork::Confirmed); !err.empty()) {
      error = "the solution's '" + sim::format_statement(s) + "' could not apply: " + err;
      break;
    }
  }
  tour.solving = false;
  tour.solution_shown = true;  // watching it is not doing it: Restart exercise to try
  vs.paused = true;
  after_move();
  return error;
}

// While playing: the time of the next `pause` in the recorded future, if there is one.
std::optional<Time> App::Impl::next_pause_after(Time t) const {
  const std::vector<sim::TimedStatement>& log = lab.log();
  auto it = std::upper_bound(log.begin(), log.end(), t, [](Time x, const sim::TimedStatement& ts) { return x < ts.t; });
  for (; it != log.end(); ++it) {
    if (it->s.is<sim::stmt::Pause>()) return it->t;
  }
  return std::nullopt;
}

void App::set_tour(std::vector<ScenarioAsset> chapters) {
  TourState& t = impl_->tour;
  t.chapters.clear();
  t.errors.clear();
  t.active = false;
  for (const ScenarioAsset& a : chapters) {
    sim::TourChapter ch;
    if (auto err = sim::parse_tour_chapter(a.text, a.name, ch)) {
      t.errors.push_back(err->to_string());
      continue;
    }
    t.chapters.push_back(std::move(ch));
  }
}

const TourState& App::tour() const { return impl_->tour; }
std::string App::tour_go(int chapter, int step) { return impl_->tour_go(chapter, step); }

std::string App::tour_next() {
  const TourState& t = impl_->tour;
  if (t.chapters.empty()) return "the tour has no chapters";
  if (!t.active) return tour_go(0, 0);
  if (t.step + 1 < static_cast<int>(t.chapters[static_cast<size_t>(t.chapter)].steps.size())) return tour_go(t.chapter, t.step + 1);
  if (t.chapter + 1 < static_cast<int>(t.chapters.size())) return tour_go(t.chapter + 1, 0);
  return "this is the last step of the tour";
}

std::string App::tour_back() {
  const TourState& t = impl_->tour;
  if (!t.active) return "the tour is not open";
  if (t.step > 0) return tour_go(t.chapter, t.step - 1);
  if (t.chapter > 0) {
    const int prev = t.chapter - 1;
    return tour_go(prev, static_cast<int>(t.chapters[static_cast<size_t>(prev)].steps.size()) - 1);
  }
  return "this is the first step of the tour";
}

void App::tour_close() {
  impl_->tour.active = false;
  ++impl_->revision;
}

std::string App::tour_solve() { return impl_->tour_solve(); }

void App::set_exercises_done(std::vector<std::string> ids) {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  impl_->tour.done = std::move(ids);
}

bool TourState::is_done(const std::string& id) const { return std::binary_search(done.begin(), done.end(), id); }

int TourState::total_steps() const {
  int n = 0;
  for (const sim::TourChapter& c : chapters) n += static_cast<int>(c.steps.size());
  return n;
}

const BranchState& App::branches() const { return impl_->branches; }
std::string App::switch_branch(int i) { return impl_->switch_branch(i); }
void App::compare_branch(int i) { impl_->compare_branch(i); }

}  // namespace raft::viz
