// The two RPCs of Figure 2 and their replies, plus the election extensions (PreVote §9.6,
// TimeoutNow §3.10), as one flat message type (no allocation except entries).
#pragma once

#include <vector>

#include "core/raft/command.h"

namespace raft {

// New types are appended: a type's value is in the trace hash.
enum class MessageType : uint8_t {
  RequestVote, RequestVoteResponse, AppendEntries, AppendEntriesResponse,
  PreVote, PreVoteResponse, TimeoutNow,
};
inline const char* message_type_name(MessageType t) {
  switch (t) {
    case MessageType::RequestVote: return "RequestVote";
    case MessageType::RequestVoteResponse: return "RequestVoteResponse";
    case MessageType::AppendEntries: return "AppendEntries";
    case MessageType::AppendEntriesResponse: return "AppendEntriesResponse";
    case MessageType::PreVote: return "PreVote";
    case MessageType::PreVoteResponse: return "PreVoteResponse";
    case MessageType::TimeoutNow: return "TimeoutNow";
  }
  return "?";
}
inline constexpr int kMessageTypes = 7;

struct Message {
  MessageType type = MessageType::AppendEntries;
  NodeId from = kNoNode;
  NodeId to = kNoNode;
  Term term = 0;                 // sender's currentTerm

  // RequestVote and PreVote arguments (a PreVote's term is the term its sender would campaign in)
  LogIndex last_log_index = 0;
  Term last_log_term = 0;
  bool transfer = false;         // RequestVote: a leadership-transfer campaign (§3.10), not blocked by stickiness
  // RequestVote and PreVote results
  bool vote_granted = false;

  // AppendEntries arguments
  LogIndex prev_log_index = 0;
  Term prev_log_term = 0;
  std::vector<Entry> entries;
  LogIndex leader_commit = 0;
  // AppendEntries results
  bool success = false;
  LogIndex match_index = 0;      // on success: prev_log_index + entries.size() of the request answered
  LogIndex rejected_index = 0;   // on failure: the request's prev_log_index (lets the leader spot stale replies)
  Term conflict_term = 0;        // on failure: term of the follower's entry at prev_log_index, 0 if it has none
  LogIndex conflict_index = 0;   // on failure: first index of conflict_term in the follower's log, or its last_index+1

  // Overwrites every field but keeps the capacity of `entries`, so reused messages do not allocate.
  void reset(MessageType t, NodeId f, NodeId dest, Term tm) {
    type = t; from = f; to = dest; term = tm;
    last_log_index = 0; last_log_term = 0; transfer = false; vote_granted = false;
    prev_log_index = 0; prev_log_term = 0; entries.clear(); leader_commit = 0;
    success = false; match_index = 0; rejected_index = 0; conflict_term = 0; conflict_index = 0;
  }
};

}  // namespace raft
