// raftctl chaos turns raftd's HTTP answers into a history for the linearizability checker; a wrong
// reading here would make a correct cluster look broken, or hide a lost write.
#include <doctest/doctest.h>

#include "shell/raftctl/history.h"

using raft::raftctl::classify;
using raft::raftctl::Outcome;
using raft::sim::HistoryOp;
using raft::sim::KvOpKind;

namespace {
HistoryOp op(KvOpKind k, std::string value = "", std::string expect = "") {
  HistoryOp o;
  o.kind = k;
  o.key = "x";
  o.value = std::move(value);
  o.expect = std::move(expect);
  return o;
}
}  // namespace

TEST_CASE("chaos history: answers that took effect carry the value after the op") {
  HistoryOp put = op(KvOpKind::Put, "7");
  CHECK(classify(put, 200, R"({"key":"x","index":5,"value":"7"})", true).outcome == Outcome::Ok);
  CHECK(put.result == std::optional<std::string>("7"));
  HistoryOp get = op(KvOpKind::Get);
  CHECK(classify(get, 200, R"({"key":"x","index":6,"value":"7"})", true).outcome == Outcome::Ok);
  CHECK(get.result == std::optional<std::string>("7"));
  HistoryOp missing = op(KvOpKind::Get);
  missing.result = "stale";
  CHECK(classify(missing, 404, R"({"error":"no key x"})", true).outcome == Outcome::Ok);
  CHECK_FALSE(missing.result.has_value());
  HistoryOp cas = op(KvOpKind::Cas, "8", "7");
  CHECK(classify(cas, 200, R"({"key":"x","index":7,"value":"8"})", true).outcome == Outcome::Ok);
  CHECK(cas.cas_swapped);
  HistoryOp refused = op(KvOpKind::Cas, "9", "7");
  CHECK(classify(refused, 409, R"({"error":"the value is not 'from'","value":"8"})", true).outcome == Outcome::Ok);
  CHECK_FALSE(refused.cas_swapped);
  CHECK(refused.result == std::optional<std::string>("8"));
  HistoryOp on_missing = op(KvOpKind::Cas, "9", "7");
  CHECK(classify(on_missing, 409, R"({"error":"the value is not 'from'","value":null})", true).outcome == Outcome::Ok);
  CHECK_FALSE(on_missing.result.has_value());
  HistoryOp del = op(KvOpKind::Delete);
  CHECK(classify(del, 200, R"({"key":"x","index":8,"value":null})", true).outcome == Outcome::Ok);
  CHECK_FALSE(del.result.has_value());
}

TEST_CASE("chaos history: only a definite refusal counts as not done") {
  HistoryOp put = op(KvOpKind::Put, "7");
  CHECK(classify(put, 0, "", false).outcome == Outcome::NotDone);  // never reached a server
  CHECK(classify(put, 0, "", true).outcome == Outcome::Unknown);   // reached one that did not answer
  CHECK(classify(put, 307, "", false).outcome == Outcome::NotDone);
  CHECK(classify(put, 503, R"({"error":"no leader known right now, an election is under way"})", true).outcome == Outcome::NotDone);
  CHECK(classify(put, 503, R"({"error":"the leader did not take the command"})", true).outcome == Outcome::NotDone);
  CHECK(classify(put, 503, R"({"error":"no answer in time: the command may or may not have been applied"})", true).outcome ==
        Outcome::Unknown);
}

TEST_CASE("chaos history: answers raftd must never give are reported, not guessed at") {
  HistoryOp put = op(KvOpKind::Put, "7");
  const auto k = classify(put, 200, R"({"key":"x","value":"6"})", true);
  CHECK(k.outcome == Outcome::Malformed);
  CHECK(k.problem == R"(answer 200 {"key":"x","value":"6"}: a put that answers another value)");
  CHECK(classify(put, 200, "not json", true).outcome == Outcome::Malformed);
  CHECK(classify(put, 503, R"({"error":"something else"})", true).outcome == Outcome::Malformed);
  CHECK(classify(put, 404, R"({"error":"no key x"})", true).outcome == Outcome::Malformed);  // only a get answers 404
  HistoryOp cas = op(KvOpKind::Cas, "9", "7");
  CHECK(classify(cas, 409, R"({"value":"7"})", true).outcome == Outcome::Malformed);  // refused although it matched
  HistoryOp del = op(KvOpKind::Delete);
  CHECK(classify(del, 200, R"({"value":"7"})", true).outcome == Outcome::Malformed);
}
