// Reading the project's JSON Lines trace back (issue 10): a live cluster's merged event stream
// (raftctl lab: every raftd's /events) or a recording the page exported, as records the lab's
// mirror applies (Lab::attach, Cluster::observe). JSON is parsed with nlohmann/json; every field a
// line holds is checked before use, so a line that is not a record the lab knows gives an error
// naming its line and what is wrong, never a crash. Kept out of raft_sim: only the front ends
// and tests read traces, and they link this library (raft_trace_read).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/sim/observed.h"

namespace raft::sim {

class TraceReader {
 public:
  // Text as it arrives: whole lines or pieces of them (a line ends at '\n').
  void feed(std::string_view text);
  // The stream ended: a last line without '\n' is read too.
  void finish();

  // The records read, oldest first. The servers' streams arrive apart, so a record is held until
  // the newest time read is `hold_us` past it (a receiver's deliver may arrive before the sender's
  // send), then handed on in time order; 0 hands on everything. Times are microseconds since the
  // first record; a record that comes later than `hold_us` out of order is put at the last time
  // handed on, so the times handed on never go back.
  std::vector<Observed> take(Time hold_us);

  // The cluster's size: from an "attach" or "hello" line, else the highest server named (0: none yet).
  int servers() const { return servers_; }
  // The latest time read (microseconds since the first record).
  Time newest() const { return newest_; }
  // The first record's time in the stream's clock (raftd's CLOCK_MONOTONIC microseconds).
  uint64_t base() const { return base_; }
  // Answers to the page's control calls ({"ev":"control",...}), in arrival order.
  struct Answer {
    int64_t id = 0;
    bool ok = false;
    std::string text;
  };
  std::vector<Answer> take_answers();
  // "line 12: ..." for each line that was not read (at most kErrorsKept; errors() counts them all).
  std::vector<std::string> take_errors();
  size_t errors() const { return errors_; }
  size_t lines() const { return line_no_; }
  static constexpr size_t kErrorsKept = 64;
  // A line longer than this is refused (the page reads what a local cluster sends).
  static constexpr size_t kLineBytesMax = 1u << 20;

 private:
  void read_line(std::string_view line);
  void error(const std::string& what);
  void push(Observed o);
  // A server's stream begins with "hello" and its state at one instant: gathered into one record.
  struct Block {
    uint64_t t = 0;
    Node::MirrorState state;
    Configuration config;
    LogIndex config_index = 0;
    bool config_seen = false;
  };
  void finish_block(NodeId n);

  std::string partial_;
  bool skipping_ = false;
  size_t line_no_ = 0;
  size_t errors_ = 0;
  std::vector<std::string> error_text_;
  std::vector<Answer> answers_;
  bool based_ = false;
  uint64_t base_ = 0;
  int servers_ = 0;
  Time newest_ = 0;
  Time handed_ = 0;
  uint64_t seq_ = 0;
  std::map<NodeId, Block> blocks_;  // servers whose hello block is being read
  struct Pending {
    Observed o;
    uint64_t seq;
  };
  std::vector<Pending> pending_;    // sorted by (time, arrival)
};

}  // namespace raft::sim
