// The guided tour (core/sim/tour.h): every chapter in assets/tour parses, runs with the checks
// written after its steps passing (so no step shows a cluster that disagrees with its text), and
// every exercise starts unsolved and is solved by its own solution with only the commands it
// allows. Plus the chapter grammar's errors and the `pause` statement.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "core/sim/lab.h"
#include "core/sim/scenario.h"
#include "core/sim/tour.h"
#include "tests/core/test_files.h"

namespace raft::sim {
namespace {

const std::string kTourDir = std::string(RAFTLAB_SOURCE_DIR) + "/assets/tour";

std::vector<TourChapter> shipped_chapters() {
  std::vector<std::filesystem::path> paths;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(kTourDir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() == ".raft") paths.push_back(it->path());
  }
  std::sort(paths.begin(), paths.end());
  std::vector<TourChapter> out;
  for (const auto& p : paths) {
    TourChapter ch;
    const auto err = parse_tour_chapter(test::read_file(p.string()).value_or(""), p.stem().string(), ch);
    INFO(p.string());
    REQUIRE_MESSAGE(!err.has_value(), (err ? err->to_string() : ""));
    out.push_back(std::move(ch));
  }
  return out;
}

// A lab at the exercise's start, as the page puts it there (App::tour_go).
Lab lab_at(const TourChapter& ch, const TourStep& step) {
  Lab lab;
  const auto err = lab.load_scenario(ch.scenario, ch.name + ".raft");
  REQUIRE_FALSE(err.has_value());
  lab.seek(step.t);
  lab.fork();
  return lab;
}

void apply_solution(Lab& lab, const TourExercise& e) {
  for (const Statement& s : e.solution) {
    if (const auto* run = s.as<stmt::Run>()) {
      lab.run_for(run->duration_us);
    } else {
      std::string error;
      INFO(format_statement(s));
      REQUIRE_MESSAGE(lab.apply(s, &error), error);
    }
  }
}

TEST_CASE("the tour follows the paper: a chapter per topic in order, each with steps and an exercise") {
  const std::vector<TourChapter> chapters = shipped_chapters();
  // The classic learning path (issue 9), by the sections the titles cite.
  const char* topics[] = {"§5.1", "§5.2", "§5.3", "§5.4", "§5.5", "§5.6", "§8", "§7", "chapter 4", "9.6", "3.10", "§6.4"};
  REQUIRE(chapters.size() == std::size(topics));
  for (size_t i = 0; i < chapters.size(); ++i) {
    INFO(chapters[i].title);
    CHECK(chapters[i].title.find(topics[i]) != std::string::npos);
  }
  for (const TourChapter& ch : chapters) {
    INFO(ch.name);
    CHECK(!ch.title.empty());
    CHECK(ch.steps.size() >= 2);
    CHECK(ch.exercises.size() >= 1);
    for (size_t i = 1; i < ch.steps.size(); ++i) CHECK(ch.steps[i - 1].t <= ch.steps[i].t);
  }
}

TEST_CASE("every chapter's checks hold at its steps: the cluster agrees with the text") {
  for (const TourChapter& ch : shipped_chapters()) {
    Scenario sc;
    REQUIRE_FALSE(parse_scenario(ch.scenario, ch.name + ".raft", sc).has_value());
    const ScenarioResult r = run_scenario(sc);
    INFO(ch.name);
    CHECK_MESSAGE(r.ok, r.failure);
    CHECK(r.linearizability != LinearizabilityVerdict::Undecided);
    CHECK(r.checks_passed >= static_cast<int>(ch.steps.size()));
  }
}

TEST_CASE("every exercise starts unsolved and its solution solves it, with only the commands it allows") {
  for (const TourChapter& ch : shipped_chapters()) {
    for (const TourStep& step : ch.steps) {
      if (step.exercise < 0) continue;
      const TourExercise& e = ch.exercises[static_cast<size_t>(step.exercise)];
      INFO(e.id << ": " << e.text);
      Lab lab = lab_at(ch, step);
      CHECK(lab.cluster().now() == step.t);
      CHECK_FALSE(lab.in_past());  // the chapter's future is gone: what follows is the learner's
      CHECK_FALSE(exercise_goal_met(e, lab.cluster()));
      const size_t from = lab.log().size();
      apply_solution(lab, e);
      // Safety holds, except in an exercise whose goal is to show the checker catching a broken
      // switch's violation (a stale lease read under clock drift).
      const bool wants_violation =
          std::any_of(e.goal.begin(), e.goal.end(), [](const Statement& g) { return g.is<stmt::ExpectViolation>(); });
      CHECK(lab.cluster().ok() != wants_violation);
      CHECK(exercise_goal_met(e, lab.cluster()));
      CHECK(exercise_disallowed(e, std::span(lab.log()).subspan(from)) == "");
    }
  }
}

TEST_CASE("an exercise names the first command it does not allow") {
  TourChapter ch;
  const char* text =
      "nodes 3\nseed 2\nrun 1s\nexercise Make s3 the leader using only timeouts.\ngoal expect leader s3\n"
      "allow timeout\nsolution timeout s3\nsolution run 1s\n";
  REQUIRE_FALSE(parse_tour_chapter(text, "t", ch).has_value());
  REQUIRE(ch.exercises.size() == 1);
  const TourExercise& e = ch.exercises[0];
  CHECK(e.id == "t/1");
  CHECK(e.allow == std::vector<std::string>{"timeout"});
  Lab lab = lab_at(ch, ch.steps[0]);
  const size_t from = lab.log().size();
  std::string error;
  const NodeId follower = static_cast<NodeId>((lab.cluster().leader() + 1) % 3);
  REQUIRE_MESSAGE(lab.apply(Statement(stmt::Timeout{follower}), &error), error);
  CHECK(exercise_disallowed(e, std::span(lab.log()).subspan(from)) == "");
  REQUIRE(lab.apply(Statement(stmt::Crash{0})));
  const std::string why = exercise_disallowed(e, std::span(lab.log()).subspan(from));
  CHECK(why.find("allows only 'timeout'") != std::string::npos);
  CHECK(why.find("'crash s1'") != std::string::npos);
}

TEST_CASE("chapter files say what is wrong and where") {
  struct Bad {
    const char* text;
    int line;
    const char* phrase;
  };
  const Bad bad[] = {
      {"nodes 3\ngoal expect leader\n", 2, "must follow an 'exercise' line"},
      {"nodes 3\nexercise Do it.\nallow frobnicate\n", 3, "'allow' names commands"},
      {"nodes 3\nexercise Do it.\ngoal crash s1\n", 3, "a goal is a check"},
      {"nodes 3\nexercise Do it.\ngoal expect leader\nsolution expect leader\n", 4, "a solution is made of actions"},
      {"nodes 3\nexercise Do it.\nsolution timeout s1\n", 2, "no 'goal' line"},
      {"nodes 3\nexercise Do it.\ngoal expect leader\n", 2, "no 'solution' line"},
      {"nodes 3\npause s1 is about to time out.\ntimeout s1\nrun 1s\n", 3, "happens at the moment of the pause on line 2"},
      {"nodes 3\npause @nowhere text\n", 2, "unknown highlight '@nowhere'"},
      {"nodes 3\npause @s4 text\n", 2, "unknown highlight '@s4'"},
      {"nodes 3\npause\n", 2, "expected the text to show after 'pause'"},
      {"nodes 3\nrun 1s\n", 0, "at least one step"},
  };
  for (const Bad& b : bad) {
    INFO(b.text);
    TourChapter ch;
    const auto err = parse_tour_chapter(b.text, "bad", ch);
    REQUIRE(err.has_value());
    CHECK(err->file == "bad.raft");
    CHECK(err->line == b.line);
    CHECK_MESSAGE(err->message.find(b.phrase) != std::string::npos, err->message);
  }
}

TEST_CASE("pause: highlights and text round-trip, change nothing, and mark steps at their moments") {
  Scenario sc;
  REQUIRE_FALSE(parse_scenario("nodes 3\nrun 200ms\npause @logs @s2 The   leader is elected.\nexpect leader\n", "p.raft", sc)
                    .has_value());
  REQUIRE(sc.statements.size() == 3);
  const auto* p = sc.statements[1].as<stmt::Pause>();
  REQUIRE(p != nullptr);
  CHECK(p->highlights == std::vector<std::string>{"logs", "s2"});
  CHECK(p->text == "The leader is elected.");
  CHECK(format_statement(sc.statements[1]) == "pause @logs @s2 The leader is elected.");
  Scenario again;
  REQUIRE_FALSE(parse_scenario(format_scenario(sc), "p.raft", again).has_value());
  CHECK(again.statements[1] == sc.statements[1]);

  // The same run with and without the pause leaves the same trace.
  Scenario plain;
  REQUIRE_FALSE(parse_scenario("nodes 3\nrun 200ms\nexpect leader\n", "q.raft", plain).has_value());
  std::optional<Cluster> a, b;
  CHECK(run_scenario(sc, &a).ok);
  CHECK(run_scenario(plain, &b).ok);
  CHECK(a->trace().hash() == b->trace().hash());

  TourChapter ch;
  REQUIRE_FALSE(parse_tour_chapter("nodes 3\npause Start.\nrun 200ms\npause @events Later.\n", "c", ch).has_value());
  REQUIRE(ch.steps.size() == 2);
  CHECK(ch.steps[0].t == 0);
  CHECK(ch.steps[1].t == 200'000);
  CHECK(ch.steps[1].highlights == std::vector<std::string>{"events"});
  CHECK(ch.steps[1].exercise == -1);
}

}  // namespace
}  // namespace raft::sim
