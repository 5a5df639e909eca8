// What raftctl chaos records (issue 10): each client command as a HistoryOp for the project's
// linearizability checker (core/sim/linearizability.h), from the HTTP answer raftd gave.
#pragma once

#include <string>

#include "core/sim/linearizability.h"

namespace raft::raftctl {

enum class Outcome {
  Ok,         // answered: the op took effect (or read) as the answer says
  NotDone,    // surely did not take effect: nothing reached a server that would apply it, or it said no
  Unknown,    // may or may not take effect, at any time from now on
  Malformed,  // an answer raftd should never give (a bug): `problem` says what
};

struct Classified {
  Outcome outcome = Outcome::Unknown;
  std::string problem;
};

// Fills `op` (result, cas_swapped) from the answer to it. status 0: no answer; `sent`: the request
// reached a server in full. raftd's answers: 200 {"value": ..}; 404 for a get of a missing key;
// 409 {"value": ..} for a cas whose "from" did not match; 503 "no leader known" or "did not take"
// (not done), 503 "may or may not have been applied" (unknown); 307 when no redirect was left.
Classified classify(sim::HistoryOp& op, int status, const std::string& body, bool sent);

const char* to_string(Outcome o);

}  // namespace raft::raftctl
