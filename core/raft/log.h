// The replicated log (Figure 2: "log[]"). 1-based indexes. Entries up to snapshot_index() (the
// snapshot's lastIncludedIndex, §7 Log compaction, Figure 12) have been compacted away: the log holds
// first_index() = snapshot_index() + 1 .. last_index(), and term_at() still answers for
// snapshot_index() (lastIncludedTerm), which is what the AppendEntries consistency check needs there.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/raft/command.h"

namespace raft {

class Log {
 public:
  LogIndex first_index() const { return base_ + 1; }
  LogIndex last_index() const { return size_; }
  Term last_term() const { return size_ == base_ ? base_term_ : at(size_).term; }
  // The snapshot's lastIncludedIndex and lastIncludedTerm (0 and 0 before any compaction).
  LogIndex snapshot_index() const { return base_; }
  Term snapshot_term() const { return base_term_; }

  // Term of the entry at `index`; 0 for index 0 (the empty prefix), lastIncludedTerm at
  // snapshot_index(). Precondition: snapshot_index() <= index <= last_index().
  Term term_at(LogIndex index) const {
    RAFT_ASSERT(index >= base_ && index <= last_index());
    return index == base_ ? base_term_ : at(index).term;
  }
  const Entry& at(LogIndex index) const {
    RAFT_ASSERT(index > base_ && index <= last_index());
    const LogIndex i = index - base_ - 1 + skip_;
    // Both positions fit in size_t: i < size_, and the size_ entries are all in memory.
    return chunks_[static_cast<size_t>(i / kChunkEntries)]->entries[static_cast<size_t>(i % kChunkEntries)];
  }

  void append(Entry e) {
    if ((skip_ + size_ - base_) % kChunkEntries == 0) {
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
    RAFT_ASSERT(from > base_ && from <= last_index() + 1);
    const LogIndex keep = skip_ + (from - 1 - base_);  // slots kept, counting the dead ones
    chunks_.resize(static_cast<size_t>((keep + kChunkEntries - 1) / kChunkEntries));  // <= chunks_.size()
    if (keep % kChunkEntries != 0) {
      own_last_chunk();
      chunks_.back()->entries.resize(static_cast<size_t>(keep % kChunkEntries));
    }
    if (chunks_.empty()) skip_ = 0;
    size_ = from - 1;
  }

  // §7 (Log compaction): entries up to `index` are now in a snapshot whose last entry has term
  // `term`; they leave the log, later ones stay (Figure 13, rule 6 keeps the suffix this way too).
  // Precondition: snapshot_index() < index <= last_index(), term == term_at(index).
  void compact_to(LogIndex index, Term term) {
    RAFT_ASSERT(index > base_ && index <= size_ && at(index).term == term);
    const LogIndex dead = skip_ + (index - base_);
    const auto drop = static_cast<std::ptrdiff_t>(dead / kChunkEntries);
    chunks_.erase(chunks_.begin(), chunks_.begin() + drop);
    skip_ = chunks_.empty() ? 0 : dead % kChunkEntries;
    base_ = index;
    base_term_ = term;
  }
  // Figure 13, rule 7: the whole log is discarded; it restarts just after a snapshot of (index, term).
  void reset_to_snapshot(LogIndex index, Term term) {
    chunks_.clear();
    skip_ = 0;
    base_ = size_ = index;
    base_term_ = term;
  }

  // Copies entries [from, from + count) into `out` (reusing its capacity).
  void copy_range(LogIndex from, LogIndex count, std::vector<Entry>& out) const {
    RAFT_ASSERT(from > base_ && from + count <= last_index() + 1);
    out.clear();
    for (LogIndex i = from; i < from + count; ++i) out.push_back(at(i));
  }

  // First index of the run of entries with term `term` that ends at or before `at` (for the conflict hint).
  LogIndex first_index_of_term(Term term, LogIndex at_index) const {
    LogIndex i = at_index;
    while (i > base_ + 1 && at(i - 1).term == term) --i;
    return i;
  }
  // Last index <= at whose term is `term`, or 0 (also when that is inside the snapshot, where the
  // terms are unknown, except its last entry). Terms are non-decreasing along a log, so stop early.
  LogIndex last_index_of_term(Term term, LogIndex at_index) const {
    LogIndex i = at_index;
    for (; i > base_; --i) {
      const Term t = at(i).term;
      if (t == term) return i;
      if (t < term) return 0;
    }
    return i == base_ && base_ > 0 && base_term_ == term ? base_ : 0;
  }

  bool operator==(const Log& o) const {
    if (size_ != o.size_ || base_ != o.base_ || base_term_ != o.base_term_) return false;
    for (LogIndex i = base_ + 1; i <= size_; ++i) {
      if (!(at(i) == o.at(i))) return false;
    }
    return true;
  }

 private:
  // Entries live in fixed-size chunks shared between copies of the log (copy-on-write): copying a
  // log, as the simulator's time-travel checkpoints do, costs one pointer per chunk, and only the
  // last chunk is ever cloned, when a shared log is appended to or truncated.
  // Small chunks: a checkpoint shares all but the last one, which the live log clones on its next
  // append (64 entries, 8 KB per server and checkpoint).
  static constexpr LogIndex kChunkEntries = 64;
  struct Chunk {
    std::vector<Entry> entries;
  };
  void own_last_chunk() {
    if (chunks_.back().use_count() > 1) {
      // Reserved to a whole chunk before copying: a copy sized to its entries would regrow by
      // doubling on the next appends, and a chunk cloned half full ended up holding up to twice
      // kChunkEntries (measured: 2.5x the log's bytes at 30 virtual minutes under load).
      auto copy = std::make_shared<Chunk>();
      copy->entries.reserve(kChunkEntries);
      copy->entries.assign(chunks_.back()->entries.begin(), chunks_.back()->entries.end());
      chunks_.back() = std::move(copy);
    }
  }
  // Entry `index` lives in slot index - base_ - 1 + skip_ of the chunks; the first skip_ slots of
  // chunks_[0] held compacted entries. Invariant: skip_ < kChunkEntries, and skip_ == 0 without chunks.
  std::vector<std::shared_ptr<Chunk>> chunks_;
  LogIndex size_ = 0;       // last_index()
  LogIndex base_ = 0;       // lastIncludedIndex
  Term base_term_ = 0;      // lastIncludedTerm
  LogIndex skip_ = 0;
};

// A snapshot of the state machine (§7 Log compaction, Figure 12): the serialized KvStore with its
// client sessions (KvStore::encode) after applying entries 1..last_included_index. The bytes are
// shared between copies (checkpoints, the leader's transfers): a snapshot is immutable once taken.
struct Snapshot {
  LogIndex last_included_index = 0;
  Term last_included_term = 0;
  std::shared_ptr<const std::string> data;  // null before the first snapshot
  // Dissertation §5.1 (and §4.1): the latest configuration as of last_included_index, which the
  // log no longer holds once compacted. Meaningful only when last_included_index > 0.
  Configuration config;
  size_t size_bytes() const { return data ? data->size() : 0; }
  bool operator==(const Snapshot& o) const {
    return last_included_index == o.last_included_index && last_included_term == o.last_included_term && config == o.config &&
           size_bytes() == o.size_bytes() && (size_bytes() == 0 || *data == *o.data);
  }
};

// What survives a crash: Figure 2's "persistent state on all servers". The simulator keeps one per
// node as its disk; a node writes it before any message that depends on the write leaves the node.
struct Storage {
  Term current_term = 0;
  NodeId voted_for = kNoNode;
  Log log;
  Snapshot snapshot;  // §7: written before the log prefix it replaces is dropped
  bool operator==(const Storage&) const = default;
};

}  // namespace raft
