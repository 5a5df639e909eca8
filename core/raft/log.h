// The replicated log (Figure 2: "log[]"). 1-based indexes. Entries before first_index() would be in a
// snapshot; snapshots are not implemented yet, so first_index() is always 1, but every caller already
// goes through first_index()/term_at() so that InstallSnapshot can be added without touching them.
#pragma once

#include <memory>
#include <vector>

#include "core/raft/command.h"

namespace raft {

class Log {
 public:
  LogIndex first_index() const { return 1; }
  LogIndex last_index() const { return size_; }
  Term last_term() const { return size_ == 0 ? 0 : at(size_).term; }

  // Term of the entry at `index`; 0 for index 0 (the empty prefix). Precondition: index <= last_index().
  Term term_at(LogIndex index) const {
    RAFT_ASSERT(index <= last_index());
    return index == 0 ? 0 : at(index).term;
  }
  const Entry& at(LogIndex index) const {
    RAFT_ASSERT(index >= 1 && index <= last_index());
    const LogIndex i = index - 1;
    // Both positions fit in size_t: i < size_, and the size_ entries are all in memory.
    return chunks_[static_cast<size_t>(i / kChunkEntries)]->entries[static_cast<size_t>(i % kChunkEntries)];
  }

  void append(Entry e) {
    if (size_ % kChunkEntries == 0) {
      chunks_.push_back(std::make_shared<Chunk>());
      chunks_.back()->entries.reserve(kChunkEntries);
    } else {
      own_last_chunk();
    }
    chunks_.back()->entries.push_back(std::move(e));
    ++size_;
  }
  // Removes entries with index >= from.
  void truncate_from(LogIndex from) {
    RAFT_ASSERT(from >= 1 && from <= last_index() + 1);
    const LogIndex keep = from - 1;
    chunks_.resize(static_cast<size_t>((keep + kChunkEntries - 1) / kChunkEntries));  // <= chunks_.size()
    if (keep % kChunkEntries != 0) {
      own_last_chunk();
      chunks_.back()->entries.resize(static_cast<size_t>(keep % kChunkEntries));
    }
    size_ = keep;
  }

  // Copies entries [from, from + count) into `out` (reusing its capacity).
  void copy_range(LogIndex from, LogIndex count, std::vector<Entry>& out) const {
    RAFT_ASSERT(from >= 1 && from + count <= last_index() + 1);
    out.clear();
    for (LogIndex i = from; i < from + count; ++i) out.push_back(at(i));
  }

  // First index of the run of entries with term `term` that ends at or before `at` (for the conflict hint).
  LogIndex first_index_of_term(Term term, LogIndex at_index) const {
    LogIndex i = at_index;
    while (i > 1 && at(i - 1).term == term) --i;
    return i;
  }
  // Last index <= at whose term is `term`, or 0. Terms are non-decreasing along a log, so stop early.
  LogIndex last_index_of_term(Term term, LogIndex at_index) const {
    for (LogIndex i = at_index; i >= 1; --i) {
      const Term t = at(i).term;
      if (t == term) return i;
      if (t < term) return 0;
    }
    return 0;
  }

  bool operator==(const Log& o) const {
    if (size_ != o.size_) return false;
    for (LogIndex i = 1; i <= size_; ++i) {
      if (!(at(i) == o.at(i))) return false;
    }
    return true;
  }

 private:
  // Entries live in fixed-size chunks shared between copies of the log (copy-on-write): copying a
  // log, as the simulator's time-travel checkpoints do, costs one pointer per chunk, and only the
  // last chunk is ever cloned, when a shared log is appended to or truncated.
  static constexpr LogIndex kChunkEntries = 256;
  struct Chunk {
    std::vector<Entry> entries;
  };
  void own_last_chunk() {
    if (chunks_.back().use_count() > 1) chunks_.back() = std::make_shared<Chunk>(*chunks_.back());
  }
  std::vector<std::shared_ptr<Chunk>> chunks_;
  LogIndex size_ = 0;
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
