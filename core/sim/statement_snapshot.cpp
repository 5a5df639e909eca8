// The statement table's rows for §7 (Log compaction) and Figure 13 (InstallSnapshot): the settings
// snapshot_every and snapshot_chunk, the action `snapshot sN` and the check `expect snapshot`.
#include <string>

#include "core/sim/statement_table.h"

namespace raft::sim::detail {

namespace {
constexpr uint64_t kSnapshotEveryMax = 1'000'000;
constexpr uint64_t kSnapshotChunkBytesMax = 1 << 20;
}  // namespace

bool parse_snapshot_every(LineReader& r, Statement& out) {
  uint64_t v = 0;
  if (!r.integer(v, 0, kSnapshotEveryMax, "a number of applied entries (0 turns snapshots off)")) return false;
  out = stmt::SnapshotEvery{static_cast<uint32_t>(v)};
  return r.end("snapshot_every");
}
void print_snapshot_every(const Statement& s, std::string& out) { out += ' ' + std::to_string(s.get<stmt::SnapshotEvery>().entries); }
void fold_snapshot_every(const Statement& s, ClusterConfig& c) { c.timing.snapshot_every = s.get<stmt::SnapshotEvery>().entries; }
bool snapshot_every_of(const ClusterConfig& c, Statement& out) {
  out = stmt::SnapshotEvery{c.timing.snapshot_every};
  return c.timing.snapshot_every != 0;  // printed only when on
}

bool parse_snapshot_chunk(LineReader& r, Statement& out) {
  uint64_t v = 0;
  if (!r.integer(v, 1, kSnapshotChunkBytesMax, "bytes per InstallSnapshot chunk")) return false;
  out = stmt::SnapshotChunk{static_cast<uint32_t>(v)};
  return r.end("snapshot_chunk");
}
void print_snapshot_chunk(const Statement& s, std::string& out) { out += ' ' + std::to_string(s.get<stmt::SnapshotChunk>().bytes); }
void fold_snapshot_chunk(const Statement& s, ClusterConfig& c) { c.timing.snapshot_chunk_bytes = s.get<stmt::SnapshotChunk>().bytes; }
bool snapshot_chunk_of(const ClusterConfig& c, Statement& out) {
  out = stmt::SnapshotChunk{c.timing.snapshot_chunk_bytes};
  return c.timing.snapshot_chunk_bytes != kSnapshotChunkBytesDefault;  // printed only when changed
}

bool parse_take_snapshot(LineReader& r, Statement& out) {
  stmt::TakeSnapshot t;
  if (!r.node(t.node, "snapshot")) return false;
  out = t;
  return r.end("the node");
}
void print_take_snapshot(const Statement& s, std::string& out) { out += ' ' + node_name(s.get<stmt::TakeSnapshot>().node); }

bool parse_expect_snapshot(LineReader& r, Statement& out) {
  stmt::ExpectSnapshot e;
  if (!r.node(e.node, "expect snapshot") || !r.cmp(e.cmp) || !r.integer(e.index, 0, kIndexMax, "a log index")) return false;
  out = e;
  return r.end("the number");
}
void print_expect_snapshot(const Statement& s, std::string& out) {
  const auto& e = s.get<stmt::ExpectSnapshot>();
  out += ' ' + node_name(e.node);
  out += std::string(" ") + (e.cmp == Cmp::Eq ? "=" : e.cmp == Cmp::Ge ? ">=" : "<=") + ' ' + std::to_string(e.index);
}

}  // namespace raft::sim::detail
