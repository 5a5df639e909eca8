// The replicated log (Figure 2: "log[]"). 1-based indexes. Entries before first_index() would be in a
// snapshot; snapshots are not implemented yet, so first_index() is always 1, but every caller already
// goes through first_index()/term_at() so that InstallSnapshot can be added without touching them.
#pragma once

#include <vector>

#include "core/raft/command.h"

namespace raft {

class Log {
 public:
  LogIndex first_index() const { return 1; }
  LogIndex last_index() const { return entries_.size(); }
  Term last_term() const { return entries_.empty() ? 0 : entries_.back().term; }

  // Term of the entry at `index`; 0 for index 0 (the empty prefix). Precondition: index <= last_index().
  Term term_at(LogIndex index) const {
    RAFT_ASSERT(index <= last_index());
    return index == 0 ? 0 : entries_[index - 1].term;
  }
  const Entry& at(LogIndex index) const {
    RAFT_ASSERT(index >= 1 && index <= last_index());
    return entries_[index - 1];
  }

  void append(Entry e) { entries_.push_back(std::move(e)); }
  // Removes entries with index >= from.
  void truncate_from(LogIndex from) {
    RAFT_ASSERT(from >= 1 && from <= last_index() + 1);
    entries_.resize(from - 1);
  }

  // First index of the run of entries with term `term` that ends at or before `at` (for the conflict hint).
  LogIndex first_index_of_term(Term term, LogIndex at) const {
    LogIndex i = at;
    while (i > 1 && entries_[i - 2].term == term) --i;
    return i;
  }
  // Last index <= at whose term is `term`, or 0. Terms are non-decreasing along a log, so stop early.
  LogIndex last_index_of_term(Term term, LogIndex at) const {
    for (LogIndex i = at; i >= 1; --i) {
      const Term t = entries_[i - 1].term;
      if (t == term) return i;
      if (t < term) return 0;
    }
    return 0;
  }

  const std::vector<Entry>& entries() const { return entries_; }
  bool operator==(const Log&) const = default;

 private:
  std::vector<Entry> entries_;
};

// What survives a crash: Figure 2's "persistent state on all servers". The simulator keeps one per
// node as its disk; a node writes it before any message that depends on the write leaves the node.
struct Storage {
  Term current_term = 0;
  NodeId voted_for = kNoNode;
  Log log;
  bool operator==(const Storage&) const = default;
};

}  // namespace raft
