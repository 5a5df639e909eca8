// The replicated state machine: a string key-value map with per-client deduplication, so a
// request retried by its client is applied at most once (§8 of the paper).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/raft/command.h"

namespace raft {

struct ApplyResult {
  std::optional<std::string> value;  // the key's value after the command (for Get: the value read)
  bool cas_swapped = false;
  bool duplicate = false;            // already applied earlier: the cached result is returned
  bool operator==(const ApplyResult&) const = default;
};

class KvStore {
 public:
  ApplyResult apply(const Command& cmd);
  std::optional<std::string> get(const std::string& key) const;
  const std::map<std::string, std::string>& data() const { return data_; }
  size_t session_count() const { return sessions_.size(); }
  bool operator==(const KvStore&) const = default;

  // The state machine as snapshot bytes (§7 Log compaction): the data and the client sessions, so
  // that a server restored from a snapshot still applies a retried request at most once (§8).
  // Deterministic: the same state gives the same bytes (maps are ordered).
  std::string encode() const;
  // The inverse of encode(). Malformed input (truncated, trailing bytes, a bad tag or length)
  // leaves `out` untouched, returns false and says what is wrong in `error`.
  static bool decode(std::string_view bytes, KvStore& out, std::string& error);

 private:
  struct Session {
    RequestSeq last_seq = 0;
    ApplyResult last_result;
    bool operator==(const Session&) const = default;
  };
  std::map<std::string, std::string> data_;
  // Sorted by client: a flat vector, so that copying a store (every time-travel checkpoint copies
  // every server's) is one allocation, not one per client (6,000 at 15 servers and 400 clients).
  std::vector<std::pair<ClientId, Session>> sessions_;
  Session& session_of(ClientId client);
};

}  // namespace raft
