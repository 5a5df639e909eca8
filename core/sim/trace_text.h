// The trace as text for people: one line per event, in the words of the paper (Figure 2's field
// names, s1..sN for servers), in aligned columns so that a diff of two runs lines up. The golden
// transcripts in tests/golden are this text; `raftsim run FILE --golden OUT` writes it.
//
//      time ms  who       event     details
//       27.813  s1->s2    send      #5     AppendEntries         term=8 prevLogIndex=10 prevLogTerm=6 ...
//       27.813  s1        append    index=11 term=8 no-op
//
// Deterministic and locale-free: integers only, except the network's loss and duplication
// probabilities, printed by format_number.
#pragma once

#include <string>
#include <vector>

#include "core/sim/trace.h"

namespace raft::sim {

// The column header that to_text puts first.
extern const char* const kTraceTextHeader;

// Appends the line for `e` (ending in '\n', no trailing spaces). `ops` resolves Invoke/Return
// records (Cluster::client_ops()); `trace` resolves Append/Apply commands.
void write_event_text(std::string& out, const Trace& trace, const TraceEvent& e,
                      const ClientOps& ops);

// The header, then one line per recorded event; if the trace hit its limit, a last line says how
// many events were not recorded.
std::string to_text(const Trace& trace, const ClientOps& ops);

}  // namespace raft::sim
