// Client commands for the key-value state machine, and the entries of the replicated log.
#pragma once

#include <string>

#include "core/raft/configuration.h"
#include "core/raft/types.h"

namespace raft {

enum class Op : uint8_t {
  Noop,     // appended by a new leader (§8); its cmd is null in traces
  Preset,   // placeholder written by a scenario's `log` statement; depends only on (index, term)
  Put,
  Get,
  Append,
  Cas,
  Delete,
  Config,   // a cluster configuration (dissertation §4.1): `config` holds the new voters and learners
};
const char* op_name(Op op);

struct Command {
  Op op = Op::Noop;
  ClientId client = 0;     // 0 for Noop/Preset
  RequestSeq seq = 0;      // per-client sequence number; duplicates are applied at most once
  std::string key;
  std::string value;       // Put/Append argument, Cas "to"
  std::string expect;      // Cas "from"
  Configuration config;    // Config only; empty otherwise

  bool operator==(const Command&) const = default;
};

// A stable 64-bit digest of a command, used by hash chains (Log Matching checks in O(1)).
uint64_t command_digest(const Command& c);

struct Entry {
  Term term = 0;
  Command cmd;
  bool operator==(const Entry&) const = default;
};

}  // namespace raft
