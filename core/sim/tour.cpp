#include "core/sim/tour.h"

#include <algorithm>

#include "core/sim/statement_table.h"
#include "core/sim/text.h"

namespace raft::sim {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// The words `allow` accepts: the first word of every action and setting keyword.
bool is_command_word(std::string_view w) {
  for (const detail::StatementSpec& spec : detail::statement_specs()) {
    if (spec.cls != StatementClass::Action && spec.cls != StatementClass::Setting) continue;
    std::string_view k = spec.keyword;
    while (!k.empty()) {
      const size_t bar = k.find('|');
      std::string_view alt = k.substr(0, bar);
      alt = alt.substr(0, alt.find(' '));
      if (alt == w) return true;
      if (bar == std::string_view::npos) break;
      k.remove_prefix(bar + 1);
    }
  }
  return false;
}

struct Block {
  int line = 0;
  std::string_view keyword, rest;
};

}  // namespace

std::string command_word(const Statement& s) {
  const std::string_view k = statement_keyword(s);
  return std::string(k.substr(0, k.find(' ')));
}

std::optional<ParseError> check_pauses(const Scenario& sc) {
  int pause_line = 0;
  for (const Statement& s : sc.statements) {
    if (s.is<stmt::Pause>()) {
      pause_line = s.line;
    } else if (s.is<stmt::Run>()) {
      pause_line = 0;
    } else if (pause_line != 0 && statement_class(s) != StatementClass::Check) {
      return ParseError{sc.file, s.line,
                        "'" + command_word(s) + "' happens at the moment of the pause on line " + std::to_string(pause_line) +
                            ", which shows the cluster after it: write it before the pause, or after a 'run'"};
    }
  }
  return std::nullopt;
}

std::optional<ParseError> parse_tour_chapter(std::string_view text, std::string_view name, TourChapter& out) {
  out = TourChapter{};
  out.name = std::string(name);
  const std::string file = std::string(name) + ".raft";
  // First pass: exercise blocks out, `exercise` lines in as pauses (line numbers kept).
  std::string scenario;
  scenario.reserve(text.size());
  std::vector<Block> blocks;
  int number = 0;
  for (size_t pos = 0; pos <= text.size();) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view raw = text.substr(pos, end - pos);
    pos = end + 1;
    ++number;
    const std::string_view code = trim(raw.substr(0, raw.find('#')));
    const std::string_view word = code.substr(0, code.find(' '));
    if (word == "exercise" || word == "goal" || word == "allow" || word == "solution") {
      blocks.push_back(Block{number, word, trim(code.substr(word.size()))});
      if (word == "exercise") scenario += "pause" + std::string(code.substr(word.size()));
    } else {
      scenario += raw;
    }
    if (end == text.size()) break;
    scenario += '\n';
  }
  Scenario sc;
  if (auto err = parse_scenario(scenario, file, sc)) return err;
  if (auto err = check_pauses(sc)) return err;
  int nodes = sc.config.nodes;
  for (const Statement& s : sc.statements) nodes += s.is<stmt::AddServer>() ? 1 : 0;
  const auto fail = [&](int line, std::string message) { return ParseError{file, line, std::move(message)}; };

  for (const Block& b : blocks) {
    if (b.keyword == "exercise") {
      TourExercise e;
      e.id = out.name + "/" + std::to_string(out.exercises.size() + 1);
      e.line = b.line;
      out.exercises.push_back(std::move(e));
      continue;
    }
    if (out.exercises.empty()) return fail(b.line, "'" + std::string(b.keyword) + "' must follow an 'exercise' line");
    TourExercise& e = out.exercises.back();
    if (b.keyword == "allow") {
      for (std::string_view rest = b.rest; !rest.empty();) {
        const std::string_view w = rest.substr(0, rest.find(' '));
        rest = trim(rest.substr(w.size()));
        if (!is_command_word(w)) return fail(b.line, "'allow' names commands like 'timeout' or 'crash'; got " + shown(w));
        e.allow.emplace_back(w);
      }
      if (e.allow.empty()) return fail(b.line, "expected the commands the learner may use after 'allow' (like 'allow timeout')");
      continue;
    }
    Statement s;
    if (auto err = parse_statement(b.rest, nodes, s)) return fail(b.line, *err);
    s.line = b.line;
    if (b.keyword == "goal") {
      if (!is_check(s)) return fail(b.line, "a goal is a check like 'expect leader s3'; got '" + command_word(s) + "'");
      e.goal.push_back(std::move(s));
    } else {
      if (is_check(s) || s.is<stmt::Pause>()) return fail(b.line, "a solution is made of actions like 'timeout s3' and 'run 1s'");
      e.solution.push_back(std::move(s));
    }
  }
  for (const TourExercise& e : out.exercises) {
    if (e.goal.empty()) return fail(e.line, "this exercise has no 'goal' line: the page could not tell when it is done");
    if (e.solution.empty()) return fail(e.line, "this exercise has no 'solution' line: the page could not show one");
  }

  out.title = sc.title;
  out.scenario = std::move(scenario);
  Time t = 0;
  size_t exercise = 0;
  for (const Statement& s : sc.statements) {
    if (const auto* run = s.as<stmt::Run>()) t += run->duration_us;
    const auto* p = s.as<stmt::Pause>();
    if (p == nullptr) continue;
    TourStep step{t, p->text, p->highlights, -1};
    if (exercise < out.exercises.size() && out.exercises[exercise].line == s.line) {
      out.exercises[exercise].text = p->text;
      step.exercise = static_cast<int>(exercise++);
    }
    out.steps.push_back(std::move(step));
  }
  if (out.steps.empty()) return fail(0, "a chapter needs at least one step (a 'pause' or 'exercise' line)");
  return std::nullopt;
}

bool exercise_goal_met(const TourExercise& e, const Cluster& c) {
  std::string found;
  return std::all_of(e.goal.begin(), e.goal.end(), [&](const Statement& s) { return evaluate_check(c, s, found); });
}

std::string exercise_disallowed(const TourExercise& e, std::span<const TimedStatement> commands) {
  if (e.allow.empty()) return "";
  for (const TimedStatement& ts : commands) {
    const std::string w = command_word(ts.s);
    if (std::find(e.allow.begin(), e.allow.end(), w) == e.allow.end()) {
      std::string allowed;
      for (const std::string& a : e.allow) allowed += (allowed.empty() ? "'" : ", '") + a + "'";
      return "This exercise allows only " + allowed + "; '" + format_statement(ts.s) + "' does not count. Press Restart exercise to try again.";
    }
  }
  return "";
}

}  // namespace raft::sim
