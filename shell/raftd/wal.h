// raftd's write-ahead log (issue 10): what Figure 2 says a server keeps on stable storage
// (currentTerm, votedFor, log[]) and the §7 snapshot, on a real disk, so that a node restarted
// after kill -9 comes back with exactly what it had acknowledged.
//
// DIR/wal is a sequence of records, each a u32 body length, the body's CRC-32, the CRC-32 of those
// eight bytes, and the body (a kind byte, then fields in core/wire's format): TermVote (currentTerm, votedFor), Append (index, term,
// command), Truncate (first index removed), Snapshot (last index and term, configuration; the bytes
// are in DIR/snapshot-INDEX, written first: temporary file, fsync, rename, fsync the directory; then
// the log is rewritten the same way to hold only what the snapshot does not, and older snapshot
// files go). Group commit: record() buffers what the node changed in a step, sync()
// writes the batch and calls fdatasync once; the caller sends the step's messages and replies only
// after that (the core's persist-before-send rule, on a disk).
//
// Recovery replays the records in order. A record cut short by a crash mid-write (a header shorter
// than 12 bytes, or a body running past the end of the file under a header whose own checksum
// holds) is a torn tail: the file is cut back to the last whole record. A damaged header, a whole
// record whose CRC does not match, or a record that makes no sense where it is, is refused with the
// file and its byte offset: nothing is guessed and nothing on disk is changed.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "core/raft/log.h"
#include "core/raft/node.h"

namespace raft::raftd {

struct WalRecovery {
  uint64_t records = 0;        // whole records replayed
  uint64_t torn_bytes = 0;     // bytes cut off the end (a write the crash interrupted)
  uint64_t bytes = 0;          // the log's size after recovery
};

class Wal {
 public:
  Wal() = default;
  ~Wal();
  Wal(const Wal&) = delete;
  Wal& operator=(const Wal&) = delete;

  // Opens DIR/wal (creating DIR and the file if needed) and replays it into `storage`. Returns ""
  // or what is wrong, naming the file and the byte offset.
  std::string open(const std::string& dir, Storage& storage, WalRecovery* info = nullptr);

  // Buffers records for what `node` changed in its last step, read from its events (NewTerm,
  // Vote, Append, Truncate, Snapshot, Install) and its disk() state. Nothing is written yet.
  void record(const Node& node, std::span<const NodeEvent> events);
  // Writes the buffered records and makes them durable (one fdatasync). "" or the error.
  std::string sync();
  // Whether record() buffered anything since the last sync().
  bool pending() const { return !buffer_.empty() || snapshot_pending_; }

  // Off: records are written but not fdatasync'd (only to measure what the disk costs: a power
  // loss then loses acknowledged writes).
  void set_fdatasync(bool on) { fdatasync_ = on; }
  uint64_t syncs() const { return syncs_; }
  uint64_t bytes() const { return size_; }
  const std::string& path() const { return path_; }

 private:
  void add_record(const std::string& body);
  std::string write_snapshot(const Snapshot& s);
  std::string rewrite(const Storage& s);  // a fresh log holding `s` only (after a snapshot)
  void remove_snapshots_except(LogIndex keep);

  std::string dir_, path_;
  int fd_ = -1;
  uint64_t size_ = 0;
  uint64_t syncs_ = 0;
  std::string buffer_;
  bool snapshot_pending_ = false;
  bool fdatasync_ = true;
  Storage after_;  // with a snapshot pending: the node's disk state to rewrite the log with
};

// The CRC-32 (IEEE) of `bytes`, as the records carry it.
uint32_t crc32(std::string_view bytes);

}  // namespace raft::raftd
