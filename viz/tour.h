// The guided tour's state in the App (chapters from assets/tour, core/sim/tour.h): where the
// learner is, and which exercises they have done. The panels read it; Next, Back, a chapter
// picked from the menu and "Show solution" are Actions the App applies (App::tour_go).
#pragma once

#include <string>
#include <vector>

#include "core/sim/tour.h"

namespace raft::viz {

struct TourState {
  std::vector<sim::TourChapter> chapters;
  std::vector<std::string> errors;      // chapters that did not parse ("file:line: why"), for tests
  bool active = false;
  int chapter = 0, step = 0;            // 0-based
  size_t exercise_log = 0;              // the lab's command log size when the exercise began
  bool exercise_ready = false;          // exercise_log is set (tour_go has finished)
  bool solving = false;                 // "Show solution" is playing: what it does is not the learner's
  bool solution_shown = false;          // ... and has played since the exercise (re)started
  bool goal_met = false;                // the current exercise's goal holds at the moment shown
  size_t step_log = 0;                  // the command log's size when the step was shown: the learner acted if it changed
  std::string exercise_note;            // why the learner's attempt does not count, if it does not
  std::vector<std::string> done;        // exercise ids, sorted
  uint64_t progress_serial = 0;         // bumped when `done` changes (the page stores it)

  const sim::TourChapter* current_chapter() const {
    return active && chapter < static_cast<int>(chapters.size()) ? &chapters[static_cast<size_t>(chapter)] : nullptr;
  }
  const sim::TourStep* current_step() const {
    const sim::TourChapter* c = current_chapter();
    return c && step < static_cast<int>(c->steps.size()) ? &c->steps[static_cast<size_t>(step)] : nullptr;
  }
  const sim::TourExercise* current_exercise() const {
    const sim::TourStep* s = current_step();
    return s && s->exercise >= 0 ? &current_chapter()->exercises[static_cast<size_t>(s->exercise)] : nullptr;
  }
  bool is_done(const std::string& id) const;
  int total_steps() const;
};

// The text of the `pause` moments at time `t` in the lab's command log, joined ("" if none):
// playing stops there and the page shows it.
std::string pause_text_at(const sim::Lab& lab, Time t);

}  // namespace raft::viz
