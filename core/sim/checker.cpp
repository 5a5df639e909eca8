#include "core/sim/checker.h"

#include <algorithm>

#include "core/raft/hash.h"

namespace raft::sim {

namespace {
uint64_t chain_next(uint64_t prev, Term term, const Command& cmd) {
  return hash_combine(hash_combine(prev, term), command_digest(cmd));
}
std::string n(NodeId id) { return node_name(id); }
std::string num(uint64_t v) { return std::to_string(v); }
}  // namespace

Checker::Checker(int nodes)
    : chains_(nodes), term_(nodes, 0), vote_term_(nodes, 0), vote_for_(nodes, kNoNode),
      role_(nodes, Role::Follower), commit_(nodes, 0) {}

uint64_t Checker::chain_of_entry(LogIndex index, Term term, uint64_t chain) {
  if (entry_chains_.size() < index) entry_chains_.resize(to_size(index));
  EntryChains& slot = entry_chains_[to_size(index - 1)];
  for (uint8_t k = 0; k < slot.used; ++k) {
    if (slot.term[k] == term) return slot.chain[k];
  }
  if (slot.used < 2) {
    slot.term[slot.used] = term;
    slot.chain[slot.used] = chain;
    ++slot.used;
    return chain;
  }
  return entry_chains_overflow_.try_emplace({index, term}, chain).first->second;
}

void Checker::fail(Time now, const char* property, std::string message) {
  if (!ok()) return;  // keep the first violation
  violation_.t = now;
  violation_.property = property;
  violation_.message = std::move(message);
}

bool Checker::observe_read(Time now, NodeId server, const ClientOpRecord& op) {
  if (op.reply_index < op.committed_at_invoke) {
    fail(now, "Linearizability",
         node_name(server) + " answered c" + std::to_string(op.client) + "'s get " + op.cmd.key + " (request #" +
             std::to_string(op.req) + ") with \"" + op.value.value_or("none") + "\", its state as of index " +
             std::to_string(op.reply_index) + ", but index " + std::to_string(op.committed_at_invoke) +
             " was already committed when the read was sent: the answer can miss a write that had completed "
             "(a stale read). A read must reflect every write that completed before it began (§6.4).");
  }
  return ok();
}

void Checker::preset(NodeId node, const Storage& disk) {
  term_[node] = disk.current_term;
  if (disk.voted_for != kNoNode) {
    vote_term_[node] = disk.current_term;
    vote_for_[node] = disk.voted_for;
  }
  chains_[node].clear();
  uint64_t chain = 0;
  for (LogIndex i = 1; i <= disk.log.last_index(); ++i) {
    const Entry& e = disk.log.at(i);
    chain = chain_next(chain, e.term, e.cmd);
    chains_[node].push_back(chain);
    if (chain_of_entry(i, e.term, chain) != chain) {
      fail(0, "Log Matching",
           "The initial logs break Log Matching: " + n(node) + " and another server both have an entry at index " +
               num(i) + " with term " + num(e.term) + ", but their logs before it differ.");
    }
  }
}

bool Checker::observe(Time now, const Node& node, const NodeEvent& e) {
  if (!ok()) return false;
  const NodeId id = e.node;
  switch (e.kind) {
    case NodeEvent::Kind::NewTerm:
      if (e.term < term_[id]) {
        fail(now, "Terms never decrease",
             n(id) + "'s currentTerm went back from " + num(term_[id]) + " to " + num(e.term) +
                 ". A server's term must only grow, even across crashes, because it is persistent state.");
      }
      term_[id] = e.term;
      break;

    case NodeEvent::Kind::Vote:
      if (e.term < vote_term_[id] || (e.term == vote_term_[id] && vote_for_[id] != kNoNode && vote_for_[id] != e.voted_for)) {
        fail(now, "One vote per term",
             n(id) + " voted for " + n(e.voted_for) + " in term " + num(e.term) + " after voting for " +
                 n(vote_for_[id]) + " in term " + num(vote_term_[id]) +
                 ". Each server may grant at most one vote per term (votedFor is persistent).");
      }
      vote_term_[id] = e.term;
      vote_for_[id] = e.voted_for;
      break;

    case NodeEvent::Kind::Role:
      role_[id] = e.role;
      if (e.role == Role::Leader) {
        // Election Safety: at most one leader can be elected in a given term.
        auto [it, inserted] = leader_of_term_.try_emplace(e.term, id);
        if (!inserted && it->second != id) {
          fail(now, "Election Safety",
               "Two leaders in term " + num(e.term) + ": " + n(it->second) + " and " + n(id) +
                   ". A candidate needs votes from a majority, and two majorities always share a server that votes only once per term.");
          break;
        }
        // Leader Completeness: every entry committed in an earlier term is in the new leader's log.
        const auto first_not_older = std::lower_bound(commit_term_.begin(), commit_term_.end(), e.term);
        const LogIndex must_have = static_cast<LogIndex>(first_not_older - commit_term_.begin());
        if (must_have > 0) {
          const bool has = chains_[id].size() >= must_have && chains_[id][to_size(must_have - 1)] == committed_[to_size(must_have - 1)];
          if (!has) {
            fail(now, "Leader Completeness",
                 n(id) + " became leader of term " + num(e.term) + " but its log does not contain the entries committed up to index " +
                     num(must_have) + " (its log has " + num(chains_[id].size()) +
                     " entries). A leader must hold every committed entry; the voting rule (§5.4.1) is what guarantees it.");
          }
        }
      }
      break;

    case NodeEvent::Kind::Append: {
      auto& chain = chains_[id];
      if (e.index != chain.size() + 1) {
        fail(now, "Checker consistency", n(id) + " appended index " + num(e.index) + " but the checker's copy of its log has " +
                                             num(chain.size()) + " entries.");
        break;
      }
      const uint64_t c = chain_next(chain.empty() ? 0 : chain.back(), e.term, node.log().at(e.index).cmd);
      chain.push_back(c);
      // Log Matching: same index and term => identical logs up to that index.
      if (chain_of_entry(e.index, e.term, c) != c) {
        fail(now, "Log Matching",
             n(id) + " now has an entry at index " + num(e.index) + " with term " + num(e.term) +
                 " like another server, but the two logs differ at or before that index. Equal index and term must mean equal logs up to there.");
      }
      break;
    }

    case NodeEvent::Kind::Truncate:
      if (role_[id] == Role::Leader) {
        fail(now, "Leader Append-Only",
             n(id) + " deleted entries from index " + num(e.index) + " while it was leader. A leader never overwrites or deletes entries in its log.");
        break;
      }
      if (e.index <= commit_[id]) {
        fail(now, "State Machine Safety",
             n(id) + " deleted entry " + num(e.index) + " although it had already committed up to index " + num(commit_[id]) + ".");
        break;
      }
      if (e.index <= chains_[id].size()) chains_[id].resize(to_size(e.index - 1));
      break;

    case NodeEvent::Kind::Commit: {
      // State Machine Safety: every server commits (and so applies) the same entry at each index.
      const auto& chain = chains_[id];
      if (e.index > chain.size()) {
        fail(now, "Checker consistency", n(id) + " committed index " + num(e.index) + " beyond its log.");
        break;
      }
      commit_[id] = e.index;
      const LogIndex known = committed_.size();
      const LogIndex overlap = std::min<LogIndex>(known, e.index);
      if (overlap > 0 && chain[to_size(overlap - 1)] != committed_[to_size(overlap - 1)]) {
        fail(now, "State Machine Safety",
             n(id) + " committed entries up to index " + num(e.index) + " that differ from entries another server already committed at or before index " +
                 num(overlap) + ". Once committed, an entry must be the same on every server forever.");
        break;
      }
      for (LogIndex i = known + 1; i <= e.index; ++i) {
        committed_.push_back(chain[to_size(i - 1)]);
        // Kept non-decreasing (a running max): it never understates when an entry was committed,
        // so the Leader Completeness check below can never raise a false alarm.
        commit_term_.push_back(commit_term_.empty() ? node.current_term() : std::max(commit_term_.back(), node.current_term()));
      }
      break;
    }

    case NodeEvent::Kind::Apply:
      break;  // applies follow commits in order; the commit check covers them

    case NodeEvent::Kind::Snapshot: observe_snapshot(now, node, e); break;
    case NodeEvent::Kind::Install: observe_install(now, node, e); break;
  }
  return ok();
}

}  // namespace raft::sim
