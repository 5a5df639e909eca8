// The tour in the page's JavaScript API, for tests and teachers:
//   tour()                 {active, chapter, step, goalMet, solutionShown, note, chapters: [{name,
//                          title, steps: [{t, text, highlights, exercise}]}]} (chapter and step
//                          count from 1, like nodes)
//   tourGo(chapter, step)  goes there as Next and Back do              -> "" or an error sentence
//   tourNext() tourBack() tourClose() tourSolve()                      -> "" or an error sentence
//   exercises()            [{id, chapter, step, text, goal, allow, done}]
//   branches()             [{name, forkedAt, end, change, compared}]: futures kept when acting in the past
//   switchBranch(name) compareBranch(name | null)                     -> "" or an error sentence
//   linearizability()      the panel's last verdict and the smallest failing part (request ids)
// Progress is kept in the browser's local storage ("raftlab.exercises"), and the address bar reads
// #tour=CHAPTER.STEP while the tour is open, so every step has its own link (share.cpp).
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <cmath>
#include <string>

#include "viz/app.h"
#include "viz/branches.h"
#include "viz/tour.h"
#include "viz/view_state.h"
#include "web/web.h"

namespace raft::web {

namespace {

using emscripten::val;

val strings(const std::vector<std::string>& v) {
  val a = val::array();
  for (size_t i = 0; i < v.size(); ++i) a.set(static_cast<unsigned>(i), v[i]);
  return a;
}

val tour() {
  const viz::TourState& t = app().tour();
  val o = val::object();
  o.set("active", t.active);
  o.set("chapter", t.active ? val(t.chapter + 1) : val::null());
  o.set("step", t.active ? val(t.step + 1) : val::null());
  val chapters = val::array();
  for (size_t c = 0; c < t.chapters.size(); ++c) {
    const sim::TourChapter& ch = t.chapters[c];
    val co = val::object();
    co.set("name", ch.name);
    co.set("title", ch.title);
    val steps = val::array();
    for (size_t s = 0; s < ch.steps.size(); ++s) {
      const sim::TourStep& st = ch.steps[s];
      val so = val::object();
      so.set("t", static_cast<double>(st.t));
      so.set("text", st.text);
      so.set("highlights", strings(st.highlights));
      so.set("exercise", st.exercise >= 0 ? val(ch.exercises[static_cast<size_t>(st.exercise)].id) : val::null());
      steps.set(static_cast<unsigned>(s), so);
    }
    co.set("steps", steps);
    chapters.set(static_cast<unsigned>(c), co);
  }
  o.set("chapters", chapters);
  o.set("errors", strings(t.errors));
  // At an exercise: whether its goal holds now, whether "Show solution" played (that does not count
  // as done), and why the learner's commands do not count, if they do not.
  o.set("goalMet", t.goal_met);
  o.set("solutionShown", t.solution_shown);
  o.set("note", t.exercise_note);
  return o;
}

val exercises() {
  const viz::TourState& t = app().tour();
  val a = val::array();
  unsigned k = 0;
  for (size_t c = 0; c < t.chapters.size(); ++c) {
    const sim::TourChapter& ch = t.chapters[c];
    for (size_t s = 0; s < ch.steps.size(); ++s) {
      if (ch.steps[s].exercise < 0) continue;
      const sim::TourExercise& e = ch.exercises[static_cast<size_t>(ch.steps[s].exercise)];
      val o = val::object();
      o.set("id", e.id);
      o.set("chapter", static_cast<int>(c) + 1);
      o.set("step", static_cast<int>(s) + 1);
      o.set("text", e.text);
      std::vector<std::string> goal;
      for (const sim::Statement& g : e.goal) goal.push_back(sim::format_statement(g));
      o.set("goal", strings(goal));
      o.set("allow", strings(e.allow));
      o.set("done", t.is_done(e.id));
      a.set(k++, o);
    }
  }
  return a;
}

bool whole(const val& v, double& out) {
  if (!v.isNumber()) return false;
  out = v.as<double>();
  return std::isfinite(out) && out == std::floor(out) && out >= 1 && out <= 1e6;
}

std::string prefixed(const char* fn, const std::string& error) { return error.empty() ? "" : std::string(fn) + ": " + error; }

std::string tour_go(val chapter, val step) {
  double c = 0, s = 0;
  if (!whole(chapter, c)) return "tourGo: chapter must be a whole number from 1, got " + describe(chapter);
  if (!whole(step, s)) return "tourGo: step must be a whole number from 1, got " + describe(step);
  return prefixed("tourGo", app().tour_go(static_cast<int>(c) - 1, static_cast<int>(s) - 1));
}

std::string tour_next() { return prefixed("tourNext", app().tour_next()); }
std::string tour_back() { return prefixed("tourBack", app().tour_back()); }
std::string tour_solve() { return prefixed("tourSolve", app().tour_solve()); }
std::string tour_close() {
  app().tour_close();
  return "";
}

// Branches: [{name, forkedAt, end, change, compared}], newest last.
val branches() {
  const viz::BranchState& b = app().branches();
  val a = val::array();
  for (size_t i = 0; i < b.saved.size(); ++i) {
    const viz::Branch& br = b.saved[i];
    val o = val::object();
    o.set("name", br.name);
    o.set("forkedAt", static_cast<double>(br.forked_at));
    o.set("end", static_cast<double>(br.end));
    o.set("change", br.change);
    o.set("compared", b.compare == static_cast<int>(i));
    a.set(static_cast<unsigned>(i), o);
  }
  return a;
}

int branch_index(const std::string& name) {
  const viz::BranchState& b = app().branches();
  for (size_t i = 0; i < b.saved.size(); ++i) {
    if (b.saved[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

std::string switch_branch(val name) {
  if (!name.isString()) return "switchBranch: name must be a branch's name like \"b1\" (see branches()), got " + describe(name);
  const int i = branch_index(name.as<std::string>());
  if (i < 0) return "switchBranch: no branch named " + describe(name) + " (see branches())";
  return prefixed("switchBranch", app().switch_branch(i));
}

std::string compare_branch(val name) {
  if (name.isNull()) {
    app().compare_branch(-1);
    return "";
  }
  if (!name.isString()) return "compareBranch: name must be a branch's name like \"b1\", or null to stop, got " + describe(name);
  const int i = branch_index(name.as<std::string>());
  if (i < 0) return "compareBranch: no branch named " + describe(name) + " (see branches())";
  app().compare_branch(i);
  return "";
}

// The linearizability panel, as of its last check: {open, checked, verdict, key, explanation, ops,
// failing: [request ids of the smallest failing part], culprit: the one that cannot be placed}.
val linearizability() {
  const viz::LinPanelState& p = app().linearizability_panel();
  val o = val::object();
  o.set("open", p.open);
  const bool checked = p.whole && p.checked_ops != SIZE_MAX;
  o.set("checked", checked);
  o.set("verdict", checked ? val(std::string(sim::to_string(p.result.verdict))) : val::null());
  o.set("key", p.result.key);
  o.set("explanation", p.result.explanation);
  o.set("ops", static_cast<double>(p.history.size()));
  val failing = val::array();
  uint64_t culprit = 0;
  int64_t last = -1;
  for (size_t i = 0; i < p.minimal.size(); ++i) {
    const sim::HistoryOp& op = p.history[p.minimal[i]];
    failing.set(static_cast<unsigned>(i), static_cast<double>(op.req));
    if (op.return_us > last) {
      last = op.return_us;
      culprit = op.req;
    }
  }
  o.set("failing", failing);
  o.set("culprit", p.minimal.empty() ? val::null() : val(static_cast<double>(culprit)));
  return o;
}

EMSCRIPTEN_BINDINGS(raftlab_tour) {
  using emscripten::function;
  function("linearizability", &linearizability);
  function("branches", &branches);
  function("switchBranch", &switch_branch);
  function("compareBranch", &compare_branch);
  function("tour", &tour);
  function("tourGo", &tour_go);
  function("tourNext", &tour_next);
  function("tourBack", &tour_back);
  function("tourClose", &tour_close);
  function("tourSolve", &tour_solve);
  function("exercises", &exercises);
}

}  // namespace
}  // namespace raft::web
