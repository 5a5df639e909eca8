// Golden transcripts (etcd's datadriven testdata, for the simulator): tests/golden/NAME.txt holds
// the readable trace (core/sim/trace_text.h) of assets/scenarios/NAME.raft, and this test runs the
// scenario and compares byte for byte. Any change to what the servers send, store or decide shows
// up as a diff of these files in review. Runs natively and as wasm under node (NODERAWFS reads the
// files from disk); the simulator is deterministic, so both must match the same file.
#include <doctest/doctest.h>

#include "tests/core/test_files.h"

#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include "core/sim/scenario.h"
#include "core/sim/trace_text.h"

namespace raft::sim {
namespace {

// Figure 7 (a)-(f), both endings of Figure 8, and a crash and a split vote with client operations.
constexpr const char* kGoldenScenarios[] = {
    "figure7-a", "figure7-b",        "figure7-c",       "figure7-d",    "figure7-e",
    "figure7-f", "figure8-noop-off", "figure8-noop-on", "leader-crash", "split-vote",
    "transfer",  "checkquorum-on",  // TimeoutNow and a transfer campaign; a CheckQuorum step-down
};

std::optional<std::string> read_text(const std::string& path) { return test::read_file(path); }

struct LineDifference {
  size_t line = 0;       // 1-based
  std::string expected;  // "(end of file)" when the golden file is shorter
  std::string actual;    // "(end of output)" when the run's text is shorter
};

// The first line where the two texts differ, or nothing if they are equal.
std::optional<LineDifference> first_difference(std::string_view expected, std::string_view actual) {
  if (expected == actual) return std::nullopt;
  size_t line = 1, at = 0;
  while (true) {
    const size_t e_end = expected.find('\n', at), a_end = actual.find('\n', at);
    const std::string_view e = at < expected.size() ? expected.substr(at, e_end - at) : std::string_view{};
    const std::string_view a = at < actual.size() ? actual.substr(at, a_end - at) : std::string_view{};
    const bool e_done = at >= expected.size(), a_done = at >= actual.size();
    if (e_done || a_done || e != a || (e_end == std::string_view::npos) != (a_end == std::string_view::npos)) {
      return LineDifference{line, e_done ? "(end of file)" : std::string(e), a_done ? "(end of output)" : std::string(a)};
    }
    if (e_end == std::string_view::npos) return std::nullopt;  // unreachable: the texts would be equal
    at = e_end + 1;
    ++line;
  }
}

TEST_CASE("first_difference names the first differing line, or the end of the shorter text") {
  CHECK_FALSE(first_difference("a\nb\n", "a\nb\n").has_value());
  const std::optional<LineDifference> d = first_difference("a\nb\nc\n", "a\nB\nc\n");
  REQUIRE(d.has_value());
  CHECK(d->line == 2);
  CHECK(d->expected == "b");
  CHECK(d->actual == "B");
  const std::optional<LineDifference> shorter = first_difference("a\nb\n", "a\nb\nc\n");
  REQUIRE(shorter.has_value());
  CHECK(shorter->line == 3);
  CHECK(shorter->expected == "(end of file)");
  CHECK(shorter->actual == "c");
  const std::optional<LineDifference> no_newline = first_difference("a\nb", "a\nb\n");
  REQUIRE(no_newline.has_value());
  CHECK(no_newline->line == 2);
}

TEST_CASE("golden transcripts: each chosen scenario's readable trace equals tests/golden/NAME.txt byte for byte") {
  const std::string root = RAFTLAB_SOURCE_DIR;
  for (const std::string name : kGoldenScenarios) {
    CAPTURE(name);
    const std::string scenario_path = "assets/scenarios/" + name + ".raft";
    const std::string golden_path = "tests/golden/" + name + ".txt";
    const std::string regenerate = "raftsim run " + scenario_path + " --golden " + golden_path;

    const std::optional<std::string> source = read_text(root + "/" + scenario_path);
    REQUIRE(source.has_value());
    Scenario scenario;
    const std::optional<ParseError> parse_error = parse_scenario(*source, scenario_path, scenario);
    REQUIRE_FALSE(parse_error.has_value());
    std::optional<Cluster> cluster;
    const ScenarioResult result = run_scenario(scenario, &cluster);
    CHECK_MESSAGE(result.ok, result.failure);
    const std::string actual = to_text(cluster->trace(), cluster->client_ops());

    const std::optional<std::string> golden = read_text(root + "/" + golden_path);
    if (!golden) {
      FAIL_CHECK(golden_path << " is missing; write it with:\n  " << regenerate);
      continue;
    }
    if (const std::optional<LineDifference> d = first_difference(*golden, actual)) {
      FAIL_CHECK(golden_path << " differs from the run at line " << d->line << ":\n  golden: " << d->expected
                             << "\n  run:    " << d->actual
                             << "\nIf the change is intended, rewrite the golden file and review its diff:\n  "
                             << regenerate);
    }
  }
}

}  // namespace
}  // namespace raft::sim
