#include "core/raft/command.h"

#include "core/raft/hash.h"

namespace raft {

const char* op_name(Op op) {
  switch (op) {
    case Op::Noop: return "noop";
    case Op::Preset: return "preset";
    case Op::Put: return "put";
    case Op::Get: return "get";
    case Op::Append: return "append";
    case Op::Cas: return "cas";
    case Op::Delete: return "delete";
    case Op::Config: return "config";
  }
  return "?";
}

uint64_t command_digest(const Command& c) {
  uint64_t h = mix64(static_cast<uint64_t>(c.op) + 1);
  h = mix64(h ^ c.client);
  h = mix64(h ^ c.seq);
  h = hash_bytes(h, c.key);
  h = hash_bytes(h, c.value);
  h = hash_bytes(h, c.expect);
  // Mixed in only for configuration entries, so every other command keeps its digest.
  if (c.op == Op::Config) h = mix64(h ^ (static_cast<uint64_t>(c.config.voters) << 32 | c.config.learners));
  return h;
}

}  // namespace raft
