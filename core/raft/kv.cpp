#include "core/raft/kv.h"

namespace raft {

std::optional<std::string> KvStore::get(const std::string& key) const {
  auto it = data_.find(key);
  if (it == data_.end()) return std::nullopt;
  return it->second;
}

ApplyResult KvStore::apply(const Command& cmd) {
  // A configuration entry changes the cluster, not the key-value store (§4.1).
  if (cmd.op == Op::Noop || cmd.op == Op::Preset || cmd.op == Op::Config) return {};
  Session* session = nullptr;
  if (cmd.client != 0) {
    session = &sessions_[cmd.client];
    if (cmd.seq <= session->last_seq) {
      ApplyResult r = session->last_result;
      r.duplicate = true;
      return r;
    }
  }
  ApplyResult r;
  switch (cmd.op) {
    case Op::Put: data_[cmd.key] = cmd.value; break;
    case Op::Get: break;
    case Op::Append: data_[cmd.key] += cmd.value; break;
    case Op::Cas: {
      auto it = data_.find(cmd.key);
      if (it != data_.end() && it->second == cmd.expect) {
        it->second = cmd.value;
        r.cas_swapped = true;
      }
      break;
    }
    case Op::Delete: data_.erase(cmd.key); break;
    case Op::Noop:
    case Op::Preset:
    case Op::Config: break;
  }
  r.value = get(cmd.key);
  if (session) {
    session->last_seq = cmd.seq;
    session->last_result = r;
  }
  return r;
}

}  // namespace raft
