// One record of a live cluster's event stream (issue 10), as the lab's mirror applies it
// (Cluster::observe, Lab::attach). The servers are real processes (raftd) that report what their
// Raft core did, in the project's trace format (README "Trace format"); the mirror rebuilds every
// server from those records, so the views, the timeline and the online checker run on a real
// cluster as they do on a simulated one. Read from JSON Lines by TraceReader (trace_read.h).
#pragma once

#include <memory>
#include <string>

#include "core/raft/node.h"
#include "core/sim/trace_event.h"

namespace raft::sim {

struct Observed {
  // The record, its time in microseconds since the recording began. Restart with `state`: the
  // server's stream (re)started and described it whole (raftd's "hello" and the state lines after
  // it); Restart without: the server came back from its own disk (a simulated trace).
  TraceEvent e;
  CommandRef cmd;        // Append/Apply: the entry's command (null: a no-op)
  Configuration config;  // Config: the configuration in use
  std::shared_ptr<const Node::MirrorState> state;
};

// Why a record did not fit the mirror (it was skipped): the stream lost lines, or a recording
// was cut or edited. Applying goes on with the next record.
struct ObserveProblem {
  Time t = 0;
  std::string text;
};

}  // namespace raft::sim
