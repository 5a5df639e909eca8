// Client commands for the key-value state machine, and the entries of the replicated log.
#pragma once

#include <memory>
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

// A command as the log holds it: immutable once proposed, and shared by every copy of its entry
// (each server's log, the AppendEntries messages that carry it, time-travel checkpoints, the client
// history and the trace), so an entry costs a term and a pointer however many places hold it.
// Measured (raftsim bench --time-travel, 5 servers, 30 virtual minutes, 18,014 requests): the heap
// held went from 52.5 MB to 30.7 MB, about 2.5 KB per request before and 1.25 KB after.
// Null stands for the default no-op, so a new leader's no-op entries allocate nothing.
class CommandRef {
 public:
  CommandRef() = default;
  CommandRef(Command c) : p_(std::make_shared<const Command>(std::move(c))) {}  // NOLINT: implicit by design
  const Command& operator*() const { return p_ ? *p_ : noop(); }
  const Command* operator->() const { return &**this; }
  bool operator==(const CommandRef& o) const { return p_ == o.p_ || **this == *o; }

 private:
  static const Command& noop() {
    static const Command kNoop;
    return kNoop;
  }
  std::shared_ptr<const Command> p_;
};

struct Entry {
  Term term = 0;
  CommandRef cmd;
  bool operator==(const Entry&) const = default;
};

}  // namespace raft
