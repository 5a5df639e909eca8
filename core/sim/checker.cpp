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
      role_(nodes, Role::Follower), commit_(nodes, 0), config_index_(nodes, 0), config_(static_cast<size_t>(nodes), Configuration::initial(nodes)), applied_(nodes, 0) {}

void Checker::add_node() {
  chains_.emplace_back();
  term_.push_back(0);
  vote_term_.push_back(0);
  vote_for_.push_back(kNoNode);
  role_.push_back(Role::Follower);
  commit_.push_back(0);
  config_index_.push_back(0);
  config_.emplace_back();
  applied_.push_back(0);
}

uint64_t Checker::chain_of_entry(LogIndex index, Term term, uint64_t chain) {
  if (entry_chains_.size() < index) entry_chains_.resize(to_size(index));
  const EntryChains& seen = entry_chains_[to_size(index - 1)];
  for (uint8_t k = 0; k < seen.used; ++k) {
    if (seen.term[k] == term) return seen.chain[k];
  }
  if (seen.used < 2) {
    EntryChains& slot = entry_chains_.mut(to_size(index - 1));  // clones its chunk if a checkpoint shares it
    slot.term[slot.used] = term;
    slot.chain[slot.used] = chain;
    ++slot.used;
    return chain;
  }
  return entry_chains_overflow_.try_emplace({index, term}, chain).first->second;
}

void Checker::raise_floor(LogIndex floor) {
  if (floor <= floor_) return;
  floor_ = floor;
  // Index floor itself stays (position floor - 1): the next entry's chain is computed from it.
  const size_t keep = to_size(floor - 1);
  for (Chain& c : chains_) c.release_below(std::min(keep, c.size()));
  committed_.release_below(std::min(keep, committed_.size()));
  commit_term_.release_below(std::min(keep, commit_term_.size()));
  entry_chains_.release_below(std::min(keep, entry_chains_.size()));
  entry_chains_overflow_.erase(entry_chains_overflow_.begin(), entry_chains_overflow_.lower_bound({floor, 0}));
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
         node_name(server) + " answered c" + std::to_string(op.client) + "'s get " + op.cmd->key + " (request #" +
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
    chain = chain_next(chain, e.term, *e.cmd);
    chains_[node].push_back(chain);
    if (chain_of_entry(i, e.term, chain) != chain) {
      fail(0, "Log Matching",
           "The initial logs break Log Matching: " + n(node) + " and another server both have an entry at index " +
               num(i) + " with term " + num(e.term) + ", but their logs before it differ.");
    }
  }
}

void Checker::rollback(NodeId node, const Storage& disk) {
  term_[node] = disk.current_term;
  if (disk.voted_for != kNoNode) {
    vote_term_[node] = disk.current_term;
    vote_for_[node] = disk.voted_for;
  } else if (vote_term_[node] >= disk.current_term) {
    vote_term_[node] = 0;
    vote_for_[node] = kNoNode;
  }
  Chain& chain = chains_[node];
  const LogIndex base = disk.log.snapshot_index();
  // Up to the snapshot the chain is the committed prefix (a snapshot holds committed entries).
  // (A server added after the floor rose may fall back to its empty first disk: truncate() goes
  // below what the chain holds.)
  if (chain.size() > base) chain.truncate(to_size(base));
  while (chain.size() < base) chain.push_back(committed_[chain.size()]);
  for (LogIndex i = base + 1; i <= disk.log.last_index(); ++i) {
    const Entry& e = disk.log.at(i);
    chain.push_back(chain_next(i == 1 ? 0 : chain[to_size(i - 2)], e.term, *e.cmd));
  }
}

bool Checker::resync(Time now, NodeId node, const Storage& disk, LogIndex commit_index, LogIndex last_applied, Role role) {
  const LogIndex base = disk.log.snapshot_index();
  if (base > committed_.size() || base < floor_) return false;
  rollback(node, disk);
  undescribed_ &= ~node_bit(node);
  const Chain& chain = chains_[node];
  for (LogIndex i = base + 1; i <= disk.log.last_index(); ++i) {
    if (chain_of_entry(i, disk.log.at(i).term, chain[to_size(i - 1)]) != chain[to_size(i - 1)]) {
      fail(now, "Log Matching",
           n(node) + " has an entry at index " + num(i) + " with term " + num(disk.log.at(i).term) +
               " like another server, but the two logs differ at or before that index. Equal index and term must mean equal logs up to there.");
      return true;
    }
  }
  const LogIndex commit = std::min(commit_index, disk.log.last_index());
  const LogIndex overlap = std::min<LogIndex>(committed_.size(), commit);
  if (overlap > base && chain[to_size(overlap - 1)] != committed_[to_size(overlap - 1)]) {
    fail(now, "State Machine Safety",
         n(node) + " reports entries committed up to index " + num(commit) + " that differ from entries another server committed at or before index " +
             num(overlap) + ". Once committed, an entry must be the same on every server forever.");
    return true;
  }
  for (LogIndex i = committed_.size() + 1; i <= commit; ++i) {
    committed_.push_back(chain[to_size(i - 1)]);
    commit_term_.push_back(commit_term_.empty() ? disk.current_term : std::max(commit_term_.back(), disk.current_term));
  }
  role_[node] = role;
  commit_[node] = commit;
  applied_[node] = std::min(last_applied, commit);
  if (role == Role::Leader) {
    const auto [it, inserted] = leader_of_term_.try_emplace(disk.current_term, node);
    if (!inserted && it->second != node) {
      fail(now, "Election Safety",
           "Two leaders in term " + num(disk.current_term) + ": " + n(it->second) + " and " + n(node) +
               ". A candidate needs votes from a majority, and two majorities always share a server that votes only once per term.");
    }
  }
  return true;
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
        // (Searched from the floor on: below it every log, this one's too, is the committed prefix.)
        const auto first_not_older = std::lower_bound(commit_term_.begin(), commit_term_.end(), e.term);
        const LogIndex must_have = static_cast<LogIndex>(commit_term_.first()) + static_cast<LogIndex>(first_not_older - commit_term_.begin());
        if (must_have > 0 && !below_floor(must_have)) {
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
      const Command& cmd = *node.log().at(e.index).cmd;
      // Dissertation §4.1: a leader appends a configuration entry only once the previous one is
      // committed (at most one uncommitted configuration, the premise of single-server changes).
      if (cmd.op == Op::Config && role_[id] == Role::Leader && config_index_[id] > commit_[id]) {
        fail(now, "One configuration change at a time",
             n(id) + " appended a configuration at index " + num(e.index) + " while the one at index " +
                 num(config_index_[id]) + " was not yet committed (its commitIndex is " + num(commit_[id]) +
                 "). Two uncommitted single-server changes can add up to a change whose majorities do not overlap.");
        break;
      }
      const uint64_t c = chain_next(chain.empty() ? 0 : chain.back(), e.term, cmd);
      chain.push_back(c);
      // Log Matching: same index and term => identical logs up to that index.
      if (chain_of_entry(e.index, e.term, c) != c) {
        fail(now, "Log Matching",
             n(id) + " now has an entry at index " + num(e.index) + " with term " + num(e.term) +
                 " like another server, but the two logs differ at or before that index. Equal index and term must mean equal logs up to there.");
      }
      break;
    }

    case NodeEvent::Kind::Truncate: on_truncate(now, e); break;
    case NodeEvent::Kind::Commit: on_commit(now, node, e); break;
    case NodeEvent::Kind::Apply: on_apply(now, node, e); break;
    case NodeEvent::Kind::Config:
      config_index_[id] = e.index;
      config_[id] = node.configuration_at(e.index);
      break;
    case NodeEvent::Kind::Snapshot: observe_snapshot(now, node, e); break;
    case NodeEvent::Kind::Install: observe_install(now, node, e); break;
  }
  return ok();
}

void Checker::on_truncate(Time now, const NodeEvent& e) {
  const NodeId id = e.node;
  if (role_[id] == Role::Leader) {
    fail(now, "Leader Append-Only",
         n(id) + " deleted entries from index " + num(e.index) + " while it was leader. A leader never overwrites or deletes entries in its log.");
    return;
  }
  if (e.index <= commit_[id]) {
    fail(now, "State Machine Safety",
         n(id) + " deleted entry " + num(e.index) + " although it had already committed up to index " + num(commit_[id]) + ".");
    return;
  }
  // §5.4 (Safety): an entry committed in term C is in the log of every leader of a term >= C, so
  // no such leader sends an AppendEntries that conflicts with it. A follower still in an earlier
  // term may lose its copy to a stale leader of that term (the entry stays on a majority), so the
  // rule applies only once the follower's term reaches the commit term (commit_term_ is an upper
  // bound: never a false alarm). A follower may also drop a *different* entry at a committed index
  // (a stale one); the chains tell the two apart, and since a chain covers the whole prefix,
  // comparing at the first removed index is enough.
  if (e.index <= committed_.size() && term_[id] >= commit_term_[to_size(e.index - 1)] &&
      holds(id, e.index, committed_[to_size(e.index - 1)])) {
    fail(now, "Never truncate a committed entry",
         n(id) + " deleted its entries from index " + num(e.index) + ", but the entry it held there is committed (a server committed up to index " +
             num(committed_.size()) + "). A committed entry is in every later leader's log, so no leader can ask a follower to remove it.");
    return;
  }
  if (e.index <= chains_[id].size()) chains_[id].resize(to_size(e.index - 1));
}

void Checker::on_commit(Time now, const Node& node, const NodeEvent& e) {
  // State Machine Safety: every server commits (and so applies) the same entry at each index.
  const NodeId id = e.node;
  const auto& chain = chains_[id];
  if (e.index > chain.size()) {
    fail(now, "Checker consistency", n(id) + " committed index " + num(e.index) + " beyond its log.");
    return;
  }
  if (role_[id] == Role::Leader) {
    check_leader_commit(now, node, e);
    if (!ok()) return;
  }
  commit_[id] = e.index;
  const LogIndex known = committed_.size();
  const LogIndex overlap = std::min<LogIndex>(known, e.index);
  if (overlap > 0 && chain[to_size(overlap - 1)] != committed_[to_size(overlap - 1)]) {
    fail(now, "State Machine Safety",
         n(id) + " committed entries up to index " + num(e.index) + " that differ from entries another server already committed at or before index " +
             num(overlap) + ". Once committed, an entry must be the same on every server forever.");
    return;
  }
  if (e.index <= known) return;
  for (LogIndex i = known + 1; i <= e.index; ++i) {
    committed_.push_back(chain[to_size(i - 1)]);
    // Kept non-decreasing (a running max): it never understates when an entry was committed,
    // so the Leader Completeness check at election can never raise a false alarm.
    commit_term_.push_back(commit_term_.empty() ? node.current_term() : std::max(commit_term_.back(), node.current_term()));
  }
  // The committing server learned of the commit in its current term, so the entries were committed
  // in that term or earlier: a leader of a later term must hold them (it was elected with them, or
  // they could not have been committed: §5.4.3, Safety argument).
  check_sitting_leaders(now, e.index, node.current_term());
}

void Checker::check_leader_commit(Time now, const Node& node, const NodeEvent& e) {
  const NodeId id = e.node;
  const Term term = node.current_term();
  // §5.4.2 (Committing entries from previous terms), Figure 8: only an entry of the leader's current
  // term is committed by counting replicas; earlier ones are committed indirectly, beneath it.
  const Term entry_term = node.log().term_at(e.index);
  if (entry_term != term) {
    fail(now, "Commit only current-term entries by counting",
         n(id) + ", leader of term " + num(term) + ", advanced its commitIndex to " + num(e.index) + ", an entry of term " + num(entry_term) +
             ". A leader counts replicas only for entries of its own term (§5.4.2): an entry of an earlier term can sit on a majority and "
             "still be overwritten by a later leader, as in Figure 8.");
    return;
  }
  // §5.3 (Log replication): the entry must be stored on a majority (the leader included) of the
  // voters of the configuration the leader uses (§4.1: the latest in its log; learners and servers
  // not yet added or already removed do not count), as of this event in the input's sequence.
  const uint64_t want = chain_at(id, e.index);
  const Configuration& voting = config_[id];
  int holders = 0;
  int voters = 0;
  for (NodeId m = 0; m < static_cast<NodeId>(chains_.size()); ++m) {
    if (!counts_for_quorum(m) || !voting.is_voter(m)) continue;
    ++voters;
    if (holds(m, e.index, want) || has_node(undescribed_, m)) ++holders;
  }
  if (holders < voters / 2 + 1) {
    fail(now, "Commit only what a majority holds",
         n(id) + ", leader of term " + num(term) + ", advanced its commitIndex to " + num(e.index) + " but only " + num(static_cast<uint64_t>(holders)) +
             " of " + num(static_cast<uint64_t>(voters)) + " servers hold that entry; a commit needs a majority (" + num(static_cast<uint64_t>(voters / 2 + 1)) +
             "), so that every future leader has it.");
  }
}

void Checker::check_sitting_leaders(Time now, LogIndex index, Term commit_term) {
  const uint64_t want = committed_[to_size(index - 1)];
  for (NodeId l = 0; l < static_cast<NodeId>(chains_.size()); ++l) {
    if (role_[l] != Role::Leader || term_[l] <= commit_term || holds(l, index, want)) continue;
    fail(now, "Leader Completeness",
         n(l) + " is leader of term " + num(term_[l]) + " but lacks the entries up to index " + num(index) +
             ", which were just committed in term " + num(commit_term) + " or earlier (its log has " + num(chains_[l].size()) +
             " entries). Every entry committed in a term must be in the log of every leader of a later term.");
    return;
  }
}

void Checker::on_apply(Time now, const Node& node, const NodeEvent& e) {
  // Figure 2, All Servers (§5.3): if commitIndex > lastApplied, increment lastApplied and apply
  // log[lastApplied]. So applies come one at a time, in index order, never past commitIndex, and
  // what is applied is exactly the committed entry.
  const NodeId id = e.node;
  if (e.index != applied_[id] + 1) {
    fail(now, "Apply in order",
         n(id) + " applied entry " + num(e.index) + " right after entry " + num(applied_[id]) +
             ". A server applies its log one entry at a time, in order (lastApplied + 1).");
    return;
  }
  applied_[id] = e.index;
  if (e.index > commit_[id]) {
    fail(now, "Apply only committed entries",
         n(id) + " applied entry " + num(e.index) + " but its commitIndex is " + num(commit_[id]) +
             ". Only committed entries may reach the state machine: an uncommitted one may still be replaced.");
    return;
  }
  // The applied entry itself, read from the node's log, must be the committed one: this catches a
  // log changed without an event, which the shadow chains cannot see.
  const Entry& entry = node.log().at(e.index);
  if (e.index > committed_.size() || chain_next(chain_at(id, e.index - 1), entry.term, *entry.cmd) != committed_[to_size(e.index - 1)]) {
    fail(now, "Apply the committed entry",
         n(id) + " applied entry " + num(e.index) + " (term " + num(entry.term) +
             ") but that is not the entry committed at index " + num(e.index) + ". Every server applies the same command at each index.");
  }
}

}  // namespace raft::sim
