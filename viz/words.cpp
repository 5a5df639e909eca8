#include "viz/words.h"

#include <cinttypes>
#include <cstdarg>
#include <cstdio>

#include "viz/theme.h"

namespace raft::viz {

namespace {

// snprintf that never reports more than it wrote, so results can be chained safely.
int put(char* buf, size_t n, const char* fmt, ...) {
  if (n == 0) return 0;
  va_list ap;
  va_start(ap, fmt);
  const int w = std::vsnprintf(buf, n, fmt, ap);
  va_end(ap);
  if (w < 0) {
    buf[0] = 0;
    return 0;
  }
  return static_cast<size_t>(w) >= n ? static_cast<int>(n - 1) : w;
}

// "s3", or "nobody" for kNoNode; static storage per call site is avoided by writing into `out`.
const char* name(NodeId id, char* out) {
  if (id < 0 || id >= kNodesMax) return "nobody";
  std::snprintf(out, 8, "s%d", id + 1);
  return out;
}

}  // namespace

int describe_command(char* buf, size_t n, const Command& c) {
  switch (c.op) {
    case Op::Noop: return put(buf, n, "no-op (a new leader's first entry)");
    case Op::Preset: return put(buf, n, "preset entry (from the scenario)");
    case Op::Put: return put(buf, n, "put %s = %s", c.key.c_str(), c.value.c_str());
    case Op::Get: return put(buf, n, "get %s", c.key.c_str());
    case Op::Append: return put(buf, n, "append %s += %s", c.key.c_str(), c.value.c_str());
    case Op::Cas: return put(buf, n, "cas %s: %s -> %s", c.key.c_str(), c.expect.c_str(), c.value.c_str());
    case Op::Delete: return put(buf, n, "delete %s", c.key.c_str());
    case Op::Config:
      return put(buf, n, "configuration: voters %s, learners %s", node_names(c.config.voters).c_str(),
                 node_names(c.config.learners).c_str());
  }
  return put(buf, n, "?");
}

const char* drop_reason_words(sim::DropReason r) {
  switch (r) {
    case sim::DropReason::None: return "delivered";
    case sim::DropReason::Loss: return "lost by the network";
    case sim::DropReason::Partition: return "blocked by a cut link";
    case sim::DropReason::Down: return "the receiver is down";
    case sim::DropReason::User: return "dropped by you";
  }
  return "?";
}

int describe_event(char* buf, size_t n, const sim::TraceEvent& e, const sim::Trace& trace,
                   const sim::ClientOps& ops) {
  using sim::TraceKind;
  char a[8], b[8], cmd[160];
  const auto command_of = [&](uint32_t ref) -> const char* {
    if (trace.has_command(ref)) {
      describe_command(cmd, sizeof cmd, trace.command(ref));
    } else {
      std::snprintf(cmd, sizeof cmd, "(command not recorded)");
    }
    return cmd;
  };
  switch (e.kind) {
    case TraceKind::Role:
      switch (e.role()) {
        case Role::Leader:
          return put(buf, n, "%s won the election: leader for term %" PRIu64, name(e.node, a), e.term);
        case Role::Candidate:
          return put(buf, n, "%s became a candidate and asks for votes (term %" PRIu64 ")", name(e.node, a), e.term);
        case Role::Follower:
          return put(buf, n, "%s is a follower (term %" PRIu64 ")", name(e.node, a), e.term);
      }
      break;
    case TraceKind::Term:
      return put(buf, n, "%s set currentTerm = %" PRIu64, name(e.node, a), e.term);
    case TraceKind::Vote:
      if (e.voted_for() == e.node) return put(buf, n, "%s voted for itself in term %" PRIu64, name(e.node, a), e.term);
      return put(buf, n, "%s voted for %s in term %" PRIu64 " (votedFor = %s)", name(e.node, a), name(e.voted_for(), b),
                 e.term, b);
    case TraceKind::Send:
      if (e.message_type() == MessageType::AppendEntries && e.entry_count() > 0) {
        return put(buf, n, "%s sent %s AppendEntries: %" PRIu64 " entr%s after index %" PRIu64 " (term %" PRIu64 "), leaderCommit %" PRIu64,
                   name(e.from, a), name(e.to, b), e.entry_count(), e.entry_count() == 1 ? "y" : "ies", e.prev_log_index(),
                   e.prev_log_term(), e.leader_commit());
      }
      [[fallthrough]];
    case TraceKind::Deliver:
      if (e.kind == TraceKind::Deliver && e.message_type() == MessageType::AppendEntriesResponse) {
        if (e.success()) {
          return put(buf, n, "%s heard from %s: entries accepted, matchIndex %" PRIu64, name(e.to, a), name(e.from, b), e.match_index());
        }
        // Figure 2's two reasons to refuse: a stale term, or no matching entry at prevLogIndex
        // (then the conflict hint of section 5.3's optimization, which the leader backs up with).
        if (e.conflict_index() == 0) {
          return put(buf, n, "%s heard from %s: refused, its term %" PRIu64 " is newer than the sender's; the sender steps down",
                     name(e.to, a), name(e.from, b), e.term);
        }
        if (e.conflict_term() == 0) {
          return put(buf, n, "%s heard from %s: refused, it has no entry at prevLogIndex %" PRIu64 " (its log ends at %" PRIu64
                     "); hint: try from index %" PRIu64, name(e.to, a), name(e.from, b), e.rejected_index(),
                     e.conflict_index() - 1, e.conflict_index());
        }
        return put(buf, n, "%s heard from %s: refused, its entry at prevLogIndex %" PRIu64 " is of term %" PRIu64
                   " (from index %" PRIu64 "); the leader backs up to after its own last entry of that term, or to index %" PRIu64
                   " if it has none", name(e.to, a), name(e.from, b), e.rejected_index(), e.conflict_term(), e.conflict_index(),
                   e.conflict_index());
      }
      [[fallthrough]];
    case TraceKind::Drop: {
      char what[96];
      switch (e.message_type()) {
        case MessageType::RequestVote:
          put(what, sizeof what, "RequestVote (term %" PRIu64 ", lastLogIndex %" PRIu64 ")", e.term, e.last_log_index());
          break;
        case MessageType::RequestVoteResponse:
          put(what, sizeof what, "vote %s (term %" PRIu64 ")", e.vote_granted() ? "granted" : "refused", e.term);
          break;
        case MessageType::PreVote:
          put(what, sizeof what, "PreVote (for term %" PRIu64 ", lastLogIndex %" PRIu64 ")", e.term, e.last_log_index());
          break;
        case MessageType::PreVoteResponse:
          put(what, sizeof what, "pre-vote %s (term %" PRIu64 ")", e.vote_granted() ? "granted" : "refused", e.term);
          break;
        case MessageType::TimeoutNow:
          put(what, sizeof what, "TimeoutNow (take over leadership now)");
          break;
        case MessageType::AppendEntries:
          if (e.entry_count() == 0) {
            put(what, sizeof what, "heartbeat (term %" PRIu64 ", leaderCommit %" PRIu64 ")", e.term, e.leader_commit());
          } else {
            put(what, sizeof what, "AppendEntries with %" PRIu64 " entr%s after index %" PRIu64, e.entry_count(),
                e.entry_count() == 1 ? "y" : "ies", e.prev_log_index());
          }
          break;
        case MessageType::AppendEntriesResponse:
          if (e.success()) {
            put(what, sizeof what, "append ok (matchIndex %" PRIu64 ")", e.match_index());
          } else {
            put(what, sizeof what, "append refused (no match at prevLogIndex %" PRIu64 ")", e.rejected_index());
          }
          break;
        case MessageType::InstallSnapshot:
          put(what, sizeof what, "InstallSnapshot through index %" PRIu64 ", bytes %" PRIu64 "..%" PRIu64 " of %" PRIu64 "%s",
              e.last_included_index(), e.offset(), e.offset() + e.chunk_bytes(), e.snapshot_bytes(),
              e.done() ? " (last chunk)" : "");
          break;
        case MessageType::InstallSnapshotResponse:
          if (e.installed()) {
            put(what, sizeof what, "snapshot installed (matchIndex %" PRIu64 ")", e.covered_index());
          } else {
            put(what, sizeof what, "snapshot chunk answer (next offset %" PRIu64 ")", e.next_offset());
          }
          break;
      }
      if (e.kind == TraceKind::Send) {
        return put(buf, n, "%s sent %s to %s%s", name(e.from, a), what, name(e.to, b),
                   e.network_duplicate() ? " (network duplicate)" : "");
      }
      if (e.kind == TraceKind::Deliver) return put(buf, n, "%s received %s from %s", name(e.to, b), what, name(e.from, a));
      return put(buf, n, "%s->%s not delivered (%s): %s", name(e.from, a), name(e.to, b), drop_reason_words(e.drop_reason()),
                 what);
    }
    case TraceKind::Append:
      return put(buf, n, "%s appended entry %" PRIu64 " (term %" PRIu64 "): %s", name(e.node, a), e.index(), e.term,
                 command_of(e.command_ref()));
    case TraceKind::Apply:
      return put(buf, n, "%s applied entry %" PRIu64 " to its state machine: %s", name(e.node, a), e.index(),
                 command_of(e.command_ref()));
    case TraceKind::Truncate:
      return put(buf, n, "%s deleted its entries from index %" PRIu64 " on (they conflict with the leader's log)",
                 name(e.node, a), e.index());
    case TraceKind::Commit:
      if (e.by_leader()) return put(buf, n, "%s (leader) committed up to index %" PRIu64, name(e.node, a), e.index());
      return put(buf, n, "%s learned commitIndex = %" PRIu64 " from the leader", name(e.node, a), e.index());
    case TraceKind::Crash:
      return put(buf, n, "%s crashed (its disk keeps currentTerm, votedFor and the log)", name(e.node, a));
    case TraceKind::Restart:
      return put(buf, n, "%s restarted from its disk as a follower", name(e.node, a));
    case TraceKind::Timeout:
      return put(buf, n, "%s's election timer was forced to fire", name(e.node, a));
    case TraceKind::Transfer:
      return put(buf, n, "leader %s was asked to hand leadership to %s", name(e.node, a), name(e.to, b));
    case TraceKind::Clock:
      return put(buf, n, "%s's clock now runs at %.3gx real time (its timers and lease are scaled)", name(e.node, a),
                 e.clock_rate_permille() / 1000.0);
    case TraceKind::Invoke: {
      if (!ops.held(e.op_ref())) return put(buf, n, "a client sent request #%" PRIu64, e.id);
      const sim::ClientOpRecord& op = ops[e.op_ref()];
      describe_command(cmd, sizeof cmd, *op.cmd);
      if (e.via() != kNoNode) return put(buf, n, "client c%u sent request #%" PRIu64 " to %s: %s", op.client, op.req, name(e.node, a), cmd);
      return put(buf, n, "client c%u sent request #%" PRIu64 ": %s", op.client, op.req, cmd);
    }
    case TraceKind::Return: {
      if (!ops.held(e.op_ref())) return put(buf, n, "request #%" PRIu64 " %s", e.id, e.ok() ? "succeeded" : "failed");
      const sim::ClientOpRecord& op = ops[e.op_ref()];
      if (!e.ok()) return put(buf, n, "request #%" PRIu64 " of client c%u gave up (no leader answered in time)", op.req, op.client);
      if (op.cmd->op == Op::Cas) {
        return put(buf, n, "request #%" PRIu64 " done: cas %s", op.req, op.cas_swapped ? "swapped" : "did not swap");
      }
      if (op.value) return put(buf, n, "request #%" PRIu64 " done: %s = %s", op.req, op.cmd->key.c_str(), op.value->c_str());
      return put(buf, n, "request #%" PRIu64 " done: %s is absent", op.req, op.cmd->key.c_str());
    }
    case TraceKind::Partition: {
      int w = put(buf, n, "network partitioned into");
      const sim::PartitionGroups groups = e.partition_groups();
      for (int g = 0; g < 16 && static_cast<size_t>(w) + 1 < n; ++g) {
        bool any = false;
        for (NodeId i = 0; i < groups.nodes; ++i) {
          if (groups.group_of[i] != g) continue;
          w += put(buf + w, n - static_cast<size_t>(w), any ? " %s" : " {%s", name(i, a));
          any = true;
        }
        if (any) w += put(buf + w, n - static_cast<size_t>(w), "}");
      }
      return w;
    }
    case TraceKind::Cut:
      return put(buf, n, e.one_way() ? "link %s -> %s cut (one way)" : "link %s <-> %s cut", name(e.from, a), name(e.to, b));
    case TraceKind::Uncut:
      return put(buf, n, e.one_way() ? "link %s -> %s restored (one way)" : "link %s <-> %s restored", name(e.from, a), name(e.to, b));
    case TraceKind::Heal:
      return put(buf, n, "network healed: every link works again");
    case TraceKind::Timing: {
      const Timing t = e.timing();
      int w = put(buf, n, "timing set: election timeout %" PRId64 "-%" PRId64 " ms, heartbeat %" PRId64 " ms, no-op %s",
                  t.election_timeout_min_us / 1000, t.election_timeout_max_us / 1000, t.heartbeat_interval_us / 1000,
                  t.noop_on_election ? "on" : "off");
      for (const TimingSwitch& sw : kTimingSwitches) {
        if (t.*(sw.field) && static_cast<size_t>(w) + 1 < n) w += put(buf + w, n - static_cast<size_t>(w), ", %s on", sw.keyword);
      }
      return w;
    }
    case TraceKind::Network: {
      const sim::NetworkConfig net = e.network();
      return put(buf, n, "network set to latency %" PRId64 "-%" PRId64 " ms, loss %.0f%%, duplicates %.0f%%",
                 net.latency_min_us / 1000, net.latency_max_us / 1000, net.loss * 100, net.duplicate * 100);
    }
    case TraceKind::Note:
      return put(buf, n, "note");
    case TraceKind::Snapshot:
      return put(buf, n, "%s took a snapshot through index %" PRIu64 " (term %" PRIu64 ") and dropped those log entries",
                 name(e.node, a), e.index(), e.term);
    case TraceKind::Config: {
      const Configuration k = e.configuration();
      const std::string learners = k.learners != 0 ? " + learners " + node_names(k.learners) : std::string();
      if (e.index() == 0) {
        return put(buf, n, "%s uses voters %s%s (its snapshot's or the bootstrap)", name(e.node, a), node_names(k.voters).c_str(),
                   learners.c_str());
      }
      return put(buf, n, "%s uses voters %s%s (entry %" PRIu64 ")", name(e.node, a), node_names(k.voters).c_str(),
                 learners.c_str(), e.index());
    }
    case TraceKind::Install:
      return put(buf, n, "%s installed the leader's snapshot through index %" PRIu64 " (term %" PRIu64 ") and %s",
                 name(e.node, a), e.index(), e.term,
                 e.kept_suffix() ? "kept its log after it" : "discarded its whole log");
  }
  return put(buf, n, "%s", sim::trace_kind_name(e.kind));
}

int describe_vote_rejection(char* buf, size_t n, const VoteRejection& r) {
  char a[8], b[8];
  switch (r.reason) {
    case VoteRejection::Reason::None: return put(buf, n, "");
    case VoteRejection::Reason::StaleTerm:
      return put(buf, n, "Refused %s's vote request: its term %" PRIu64 " is older than my currentTerm.",
                 name(r.candidate, a), r.term);
    case VoteRejection::Reason::AlreadyVoted:
      return put(buf, n, "Refused %s's vote request in term %" PRIu64 ": I already voted for %s in that term (votedFor).",
                 name(r.candidate, a), r.term, name(r.voted_for, b));
    case VoteRejection::Reason::LogNotUpToDate:
      return put(buf, n,
                 "Refused %s's vote request in term %" PRIu64 ": its log (last entry index %" PRIu64 ", term %" PRIu64
                 ") is less up-to-date than mine (index %" PRIu64 ", term %" PRIu64 "); see section 5.4.1.",
                 name(r.candidate, a), r.term, r.their_last_index, r.their_last_term, r.our_last_index, r.our_last_term);
    case VoteRejection::Reason::LeaderRecentlyHeard:
      return put(buf, n,
                 "Ignored %s's vote request for term %" PRIu64 ": leader %s was heard from less than an election timeout "
                 "ago, so no election is needed (leader stickiness, section 4.2.3). My term did not change.",
                 name(r.candidate, a), r.term, name(r.leader, b));
    case VoteRejection::Reason::NotAVoter:
      return put(buf, n,
                 "Ignored %s's vote request for term %" PRIu64 ": it is not a voter in my configuration (a removed "
                 "server?) and leader %s is alive (section 4.2.3). My term did not change.",
                 name(r.candidate, a), r.term, name(r.leader, b));
  }
  return put(buf, n, "");
}

int describe_append_rejection(char* buf, size_t n, const AppendRejection& r) {
  char a[8];
  switch (r.reason) {
    case AppendRejection::Reason::None: return put(buf, n, "");
    case AppendRejection::Reason::StaleTerm:
      return put(buf, n, "Rejected AppendEntries from %s: its term %" PRIu64 " is older than my currentTerm.",
                 name(r.leader, a), r.term);
    case AppendRejection::Reason::MissingEntries:
      return put(buf, n,
                 "Rejected AppendEntries from %s (term %" PRIu64 "): I have no entry at prevLogIndex %" PRIu64
                 " (my log ends at %" PRIu64 "), so the leader must back up nextIndex.",
                 name(r.leader, a), r.term, r.prev_log_index, r.our_last_index);
    case AppendRejection::Reason::TermMismatch:
      return put(buf, n,
                 "Rejected AppendEntries from %s (term %" PRIu64 "): my entry at prevLogIndex %" PRIu64 " has term %" PRIu64
                 ", not prevLogTerm %" PRIu64 " (the logs differ there).",
                 name(r.leader, a), r.term, r.prev_log_index, r.our_term_there, r.prev_log_term);
  }
  return put(buf, n, "");
}

uint32_t event_category(const sim::TraceEvent& e) {
  using sim::TraceKind;
  switch (e.kind) {
    case TraceKind::Role:
    case TraceKind::Term:
    case TraceKind::Vote:
    case TraceKind::Timeout:
    case TraceKind::Transfer:
    case TraceKind::Config: return kCatElections;
    case TraceKind::Commit: return e.by_leader() ? kCatCommits : kCatFollowerCommits;
    case TraceKind::Truncate: return kCatCommits;
    case TraceKind::Append:
    case TraceKind::Apply:
    case TraceKind::Snapshot:
    case TraceKind::Install: return kCatEntries;
    case TraceKind::Crash:
    case TraceKind::Restart:
    case TraceKind::Partition:
    case TraceKind::Cut:
    case TraceKind::Uncut:
    case TraceKind::Heal:
    case TraceKind::Timing:
    case TraceKind::Clock:
    case TraceKind::Network: return kCatFaults;
    case TraceKind::Drop:
      return e.drop_reason() == sim::DropReason::User ? kCatFaults : kCatMessages;
    case TraceKind::Invoke:
    case TraceKind::Return: return kCatClients;
    case TraceKind::Send:
    case TraceKind::Deliver: {
      const MessageType m = e.message_type();
      return m == MessageType::AppendEntries || m == MessageType::AppendEntriesResponse ? kCatReplication : kCatMessages;
    }
    case TraceKind::Note: return kCatOther;
  }
  return kCatOther;
}

ImU32 event_color(const sim::TraceEvent& e) {
  using sim::TraceKind;
  switch (e.kind) {
    case TraceKind::Role:
      if (e.role() == Role::Leader) return color::kLeader;
      if (e.role() == Role::Candidate) return color::kCandidate;
      return color::kTextDim;
    case TraceKind::Crash: return color::kBad;
    case TraceKind::Restart: return color::kOk;
    case TraceKind::Partition:
    case TraceKind::Cut: return color::kPartition;
    case TraceKind::Heal: return color::kHeal;
    case TraceKind::Commit: return color::kCommit;
    case TraceKind::Truncate: return color::kWarn;
    case TraceKind::Send: return color::kTextDim;
    case TraceKind::Deliver:
      if (e.message_type() == MessageType::AppendEntriesResponse) return e.success() ? color::kTextDim : color::kAppendFail;
      return color::kText;
    case TraceKind::Snapshot:
    case TraceKind::Install:
    case TraceKind::Config: return color::kAccent;
    case TraceKind::Drop: return color::kAppendFail;
    case TraceKind::Return: return e.ok() ? color::kText : color::kWarn;
    default: return color::kText;
  }
}

std::string unsafe_banner(const Timing& t) {
  std::string text;
  for (const TimingSwitch& sw : kTimingSwitches) {
    if (!sw.unsafe || !(t.*(sw.field))) continue;
    text += text.empty() ? "UNSAFE, for teaching: " : "; ";
    text += std::string(sw.keyword) + " is on: " + sw.what;
  }
  if (!text.empty()) text += ". The checker will stop the run when safety breaks (Settings turns it off).";
  return text;
}

}  // namespace raft::viz
