// The two RPCs of Figure 2 and their replies, plus the election extensions (PreVote §9.6,
// TimeoutNow §3.10) and InstallSnapshot (§7, Figure 13), as one flat message type (no allocation
// except entries and snapshot chunks).
#pragma once

#include <string>
#include <vector>

#include "core/raft/command.h"

namespace raft {

// New types are appended: a type's value is in the trace hash.
enum class MessageType : uint8_t {
  RequestVote, RequestVoteResponse, AppendEntries, AppendEntriesResponse,
  PreVote, PreVoteResponse, TimeoutNow,
  InstallSnapshot, InstallSnapshotResponse,
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
    case MessageType::InstallSnapshot: return "InstallSnapshot";
    case MessageType::InstallSnapshotResponse: return "InstallSnapshotResponse";
  }
  return "?";
}
inline constexpr int kMessageTypes = 9;

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
  // §6.4 (read-only queries): the leader's heartbeat round this AppendEntries belongs to, echoed
  // by the reply (success or not: either way the follower accepted the sender as leader of the
  // term). 0 when the read mode is Log.
  uint64_t read_round = 0;

  // InstallSnapshot arguments (Figure 13), one chunk of the snapshot's bytes at `offset`
  LogIndex last_included_index = 0;
  Term last_included_term = 0;
  uint64_t offset = 0;
  std::string data;
  bool done = false;             // the last chunk
  uint64_t snapshot_bytes = 0;   // the whole snapshot's size (for observers drawing the progress)
  // InstallSnapshot results. Figure 13 replies with the term only; these let the leader send one
  // chunk at a time and resume where the follower is. The reply echoes last_included_index and offset.
  uint64_t next_offset = 0;      // bytes of this snapshot the follower holds: the offset it expects next
  bool installed = false;        // the follower's state covers last_included_index (match_index set)

  // Overwrites every field but keeps the capacity of `entries`, so reused messages do not allocate.
  void reset(MessageType t, NodeId f, NodeId dest, Term tm) {
    type = t; from = f; to = dest; term = tm;
    last_log_index = 0; last_log_term = 0; transfer = false; vote_granted = false;
    prev_log_index = 0; prev_log_term = 0; entries.clear(); leader_commit = 0;
    success = false; match_index = 0; rejected_index = 0; conflict_term = 0; conflict_index = 0;
    last_included_index = 0; last_included_term = 0; offset = 0; data.clear(); done = false; snapshot_bytes = 0;
    next_offset = 0; installed = false;
    read_round = 0;
  }
};

}  // namespace raft
