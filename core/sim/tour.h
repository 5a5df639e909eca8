// The guided tour (issue 9): chapters that follow the paper, each a scenario file
// (assets/tour/NN-name.raft) whose `pause` statements are its steps, plus exercises that the
// simulator checks. A chapter file is a scenario with exercise blocks:
//
//   exercise @s3 Make s3 the leader using only timeouts.   a step, shown like `pause`
//   goal expect leader s3                                  checks that must all hold at once
//   allow timeout                                          the commands the learner may use
//   solution timeout s3                                    what "Show solution" does, in order
//   solution run 1s
//
// Every step shows the cluster at its moment; the checks written after a pause verify, in the
// tests, that the cluster agrees with the step's text. The learner may poke the cluster at any
// step; going to a step again reloads the chapter and seeks there, so it is restored exactly. At
// an exercise step the chapter's own future is discarded, so that what happens next is the
// learner's doing alone.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/sim/lab.h"
#include "core/sim/scenario.h"

namespace raft::sim {

struct TourExercise {
  std::string id;                   // "chapter-name/N" (N from 1): the key progress is stored under
  std::string text;                 // the task, as the step shows it
  std::vector<Statement> goal;      // checks; the exercise is done when all of them hold
  std::vector<std::string> allow;   // first keywords of the commands allowed ("timeout"); empty: any
  std::vector<Statement> solution;  // actions and runs
  int line = 0;                     // of the `exercise` line
};

struct TourStep {
  Time t = 0;                       // the moment shown
  std::string text;
  std::vector<std::string> highlights;  // panel names and servers (stmt::Pause)
  int exercise = -1;                // index into TourChapter::exercises, or -1
};

struct TourChapter {
  std::string name;                 // the file name without .raft
  std::string title;
  std::string scenario;             // the chapter as scenario text (exercise lines as pauses): what the lab loads
  std::vector<TourStep> steps;
  std::vector<TourExercise> exercises;
};

// Parses a chapter file. Beyond the scenario grammar: exercise blocks as above, at least one step,
// and no action between a pause and the next `run` (the moment a pause shows is after every action
// at its time, so one written after the pause would show in a step that does not mention it).
std::optional<ParseError> parse_tour_chapter(std::string_view text, std::string_view name, TourChapter& out);

// The same rule for any scenario: empty, or the first action written after a pause at its moment.
std::optional<ParseError> check_pauses(const Scenario& sc);

// Whether every goal of the exercise holds in `c`.
bool exercise_goal_met(const TourExercise& e, const Cluster& c);
// "" when every command the learner gave (`commands`) is allowed, else a sentence naming the
// first that is not.
std::string exercise_disallowed(const TourExercise& e, std::span<const TimedStatement> commands);
// "timeout", "crash", "put"...: the word an `allow` line names a command by.
std::string command_word(const Statement& s);

}  // namespace raft::sim
