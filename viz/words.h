// Plain-language sentences for what the simulator records, written into caller buffers (no heap
// allocation, so the event log and tooltips cost nothing in a steady-state frame). Names follow
// the paper: currentTerm, votedFor, commitIndex, prevLogIndex...
#pragma once

#include <cstddef>
#include <vector>

#include "core/raft/node.h"
#include "core/sim/network.h"
#include "core/sim/text.h"
#include "core/sim/trace.h"
#include "imgui.h"

namespace raft::viz {

// Times and durations are written one way everywhere (core/sim/text.h): "2.350s", "150ms".
using sim::format_duration;
using sim::format_time;

// "put k1 = 2.7", "get k1", "no-op (new leader)".
int describe_command(char* buf, size_t n, const Command& c);

// One sentence for a trace event. `trace` resolves commands, `ops` client operations; both are
// range-checked (an event can outlive the client-op table when viewing the past).
int describe_event(char* buf, size_t n, const sim::TraceEvent& e, const sim::Trace& trace,
                   const sim::ClientOps& ops);

// Why a node refused a vote or an append, as a sentence; "" when there was none yet.
int describe_vote_rejection(char* buf, size_t n, const VoteRejection& r);
int describe_append_rejection(char* buf, size_t n, const AppendRejection& r);

const char* drop_reason_words(sim::DropReason r);   // "lost by the network", ...

// Event log categories (bit flags).
enum EventCategory : uint32_t {
  kCatElections = 1u << 0,  // role, term, vote, timeout, transfer, configuration
  kCatCommits = 1u << 1,    // commit, truncate
  kCatEntries = 1u << 2,    // append, apply (one per node per entry: many)
  kCatFaults = 1u << 3,     // crash, restart, partition, cut, heal, network, drops
  kCatClients = 1u << 4,    // invoke, return
  kCatMessages = 1u << 5,   // messages lost or blocked by the network (user drops count as faults)
  kCatOther = 1u << 6,
  kCatFollowerCommits = 1u << 7,  // followers learning commitIndex (History marks leaders' commits)
  kCatReplication = 1u << 8,  // AppendEntries with entries, refusals and backing up, matchIndex moving
};
uint32_t event_category(const sim::TraceEvent& e);

// The banner shown while any unsafe switch (kTimingSwitches[i].unsafe) is on: each one named with
// what it breaks; "" when none is on.
std::string unsafe_banner(const Timing& t);
ImU32 event_color(const sim::TraceEvent& e);

}  // namespace raft::viz
