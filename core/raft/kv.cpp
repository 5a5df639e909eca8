#include "core/raft/kv.h"

#include <algorithm>

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
    session = &session_of(cmd.client);
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
// ---------------------------------------------------------------------------------------------
// Snapshot bytes. Layout (integers little-endian):
//   "RKV1"  u32 key count  { u32 len, key, u32 len, value }*  (keys strictly increasing)
//           u32 session count  { u32 client, u64 last_seq, u8 flags, [u32 len, value] }*
//   flags: bit 0 value present, bit 1 cas_swapped, bit 2 duplicate; clients strictly increasing.

namespace {

constexpr std::string_view kMagic = "RKV1";

void put_u32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
}
void put_u64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
}
void put_str(std::string& out, const std::string& s) {
  RAFT_ASSERT(s.size() <= UINT32_MAX);
  put_u32(out, static_cast<uint32_t>(s.size()));
  out += s;
}

// Reads the layout above; the first problem found is kept in `error`.
struct Reader {
  std::string_view in;
  size_t pos = 0;
  std::string error;

  bool fail(const std::string& what) {
    if (error.empty()) error = "snapshot data: " + what + " at byte " + std::to_string(pos);
    return false;
  }
  bool take(size_t n, const char* what, std::string_view& out) {
    if (in.size() - pos < n) return fail(std::string("truncated while reading ") + what);
    out = in.substr(pos, n);
    pos += n;
    return true;
  }
  bool u64(uint64_t& v, int bytes, const char* what) {
    std::string_view b;
    if (!take(static_cast<size_t>(bytes), what, b)) return false;
    v = 0;
    for (int i = bytes - 1; i >= 0; --i) v = v << 8 | static_cast<unsigned char>(b[static_cast<size_t>(i)]);
    return true;
  }
  bool u32(uint32_t& v, const char* what) {
    uint64_t w = 0;
    if (!u64(w, 4, what)) return false;
    v = static_cast<uint32_t>(w);
    return true;
  }
  bool str(std::string& s, const char* what) {
    uint32_t len = 0;
    if (!u32(len, what)) return false;
    std::string_view b;
    if (!take(len, what, b)) return false;
    s.assign(b);
    return true;
  }
};

}  // namespace

KvStore::Session& KvStore::session_of(ClientId client) {
  auto it = std::lower_bound(sessions_.begin(), sessions_.end(), client,
                             [](const std::pair<ClientId, Session>& s, ClientId c) { return s.first < c; });
  if (it == sessions_.end() || it->first != client) it = sessions_.insert(it, {client, Session{}});
  return it->second;
}

std::string KvStore::encode() const {
  std::string out(kMagic);
  RAFT_ASSERT(data_.size() <= UINT32_MAX && sessions_.size() <= UINT32_MAX);
  put_u32(out, static_cast<uint32_t>(data_.size()));
  for (const auto& [k, v] : data_) {
    put_str(out, k);
    put_str(out, v);
  }
  put_u32(out, static_cast<uint32_t>(sessions_.size()));
  for (const auto& [client, s] : sessions_) {
    put_u32(out, client);
    put_u64(out, s.last_seq);
    const ApplyResult& r = s.last_result;
    out += static_cast<char>((r.value ? 1 : 0) | (r.cas_swapped ? 2 : 0) | (r.duplicate ? 4 : 0));
    if (r.value) put_str(out, *r.value);
  }
  return out;
}

bool KvStore::decode(std::string_view bytes, KvStore& out, std::string& error) {
  Reader r{bytes, 0, {}};
  KvStore kv;
  std::string_view magic;
  if (!r.take(kMagic.size(), "the format tag", magic)) {
    error = r.error;
    return false;
  }
  if (magic != kMagic) {
    error = "snapshot data: the format tag is not RKV1";
    return false;
  }
  uint32_t keys = 0;
  bool ok = r.u32(keys, "the key count");
  for (uint32_t i = 0; ok && i < keys; ++i) {
    std::string k, v;
    ok = r.str(k, "a key") && r.str(v, "a value");
    if (ok && !kv.data_.empty() && !(kv.data_.rbegin()->first < k)) ok = r.fail("keys out of order");
    if (ok) kv.data_.emplace_hint(kv.data_.end(), std::move(k), std::move(v));
  }
  uint32_t sessions = 0;
  ok = ok && r.u32(sessions, "the session count");
  for (uint32_t i = 0; ok && i < sessions; ++i) {
    uint32_t client = 0;
    uint64_t seq = 0, flags = 0;
    ok = r.u32(client, "a session's client") && r.u64(seq, 8, "a session's sequence number") &&
         r.u64(flags, 1, "a session's flags");
    if (ok && flags > 7) ok = r.fail("unknown session flags " + std::to_string(flags));
    if (ok && !kv.sessions_.empty() && !(kv.sessions_.rbegin()->first < client)) ok = r.fail("sessions out of order");
    Session s;
    s.last_seq = seq;
    s.last_result.cas_swapped = (flags & 2) != 0;
    s.last_result.duplicate = (flags & 4) != 0;
    if (ok && (flags & 1) != 0) {
      std::string v;
      ok = r.str(v, "a session's cached value");
      s.last_result.value = std::move(v);
    }
    if (ok) kv.sessions_.emplace_back(client, std::move(s));
  }
  if (ok && r.pos != bytes.size()) ok = r.fail(std::to_string(bytes.size() - r.pos) + " unexpected trailing bytes");
  if (!ok) {
    error = r.error;
    return false;
  }
  out = std::move(kv);
  return true;
}

}  // namespace raft
