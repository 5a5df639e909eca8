#include "shell/raftd/wal.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/crc.hpp>
#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

#include "core/wire/codec.h"

namespace raft::raftd {

namespace {

enum class Kind : uint8_t { TermVote = 1, Append = 2, Truncate = 3, Snapshot = 4 };
constexpr uint32_t kRecordBytesMax = 64u << 20;

std::string errno_text() { return std::strerror(errno); }

// A snapshot's file, by its last index: the log names the one it needs, so a crash between writing
// a new snapshot and rewriting the log leaves the old pair usable.
std::string snapshot_name(LogIndex index) { return "snapshot-" + std::to_string(index); }

std::string read_file(const std::string& path, std::string& out) {
  out.clear();
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return "cannot open " + path + ": " + errno_text();
  char buf[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const std::string e = "cannot read " + path + ": " + errno_text();
      ::close(fd);
      return e;
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return "";
}

std::string write_all(int fd, std::string_view bytes, const std::string& path) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return "cannot write " + path + ": " + errno_text();
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return "";
}

std::string sync_dir(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return "cannot open the directory " + dir + ": " + errno_text();
  const int r = ::fsync(fd);
  const std::string e = r < 0 ? "cannot fsync the directory " + dir + ": " + errno_text() : "";
  ::close(fd);
  return e;
}

// Writes `bytes` to DIR/NAME durably: a temporary file, fsync, rename over, fsync the directory.
std::string replace_file(const std::string& dir, const std::string& name, std::string_view bytes) {
  const std::string tmp = dir + "/" + name + ".tmp", path = dir + "/" + name;
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return "cannot create " + tmp + ": " + errno_text();
  std::string e = write_all(fd, bytes, tmp);
  if (e.empty() && ::fsync(fd) < 0) e = "cannot fsync " + tmp + ": " + errno_text();
  ::close(fd);
  if (e.empty() && ::rename(tmp.c_str(), path.c_str()) < 0) e = "cannot rename " + tmp + " to " + path + ": " + errno_text();
  if (e.empty()) e = sync_dir(dir);
  return e;
}

// A record: the body's length and CRC, the CRC of those 8 bytes (a damaged length is caught, not
// mistaken for a record running past the end of the file), then the body.
constexpr size_t kHeaderBytes = 12;
void frame_record(std::string& out, const std::string& body) {
  const size_t at = out.size();
  wire::put_u32(out, static_cast<uint32_t>(body.size()));
  wire::put_u32(out, crc32(body));
  wire::put_u32(out, crc32(std::string_view(out).substr(at, 8)));
  out += body;
}

std::string term_vote_body(Term term, NodeId vote) {
  std::string b;
  wire::put_u8(b, static_cast<uint8_t>(Kind::TermVote));
  wire::put_u64(b, term);
  wire::put_u8(b, vote == kNoNode ? 255 : static_cast<uint8_t>(vote));
  return b;
}

std::string append_body(LogIndex index, const Entry& e) {
  std::string b;
  wire::put_u8(b, static_cast<uint8_t>(Kind::Append));
  wire::put_u64(b, index);
  wire::put_u64(b, e.term);
  wire::put_command(b, *e.cmd);
  return b;
}

std::string snapshot_body(const Snapshot& s) {
  std::string b;
  wire::put_u8(b, static_cast<uint8_t>(Kind::Snapshot));
  wire::put_u64(b, s.last_included_index);
  wire::put_u64(b, s.last_included_term);
  wire::put_u32(b, s.config.voters);
  wire::put_u32(b, s.config.learners);
  return b;
}

// Replays one record's body into `s`; "" or why it cannot apply here.
std::string replay(std::string_view body, Storage& s, const std::string& dir) {
  wire::Reader r(body);
  uint8_t kind = 0;
  r.u8(kind, "kind");
  switch (static_cast<Kind>(kind)) {
    case Kind::TermVote: {
      Term term = 0;
      NodeId vote = kNoNode;
      if (!r.u64(term, "currentTerm") || !r.node(vote, "votedFor", true) || !r.end()) return r.error();
      if (term < s.current_term) {
        return "currentTerm goes back from " + std::to_string(s.current_term) + " to " + std::to_string(term);
      }
      s.current_term = term;
      s.voted_for = vote;
      return "";
    }
    case Kind::Append: {
      LogIndex index = 0;
      Entry e;
      Command c;
      if (!r.u64(index, "index") || !r.u64(e.term, "term") || !r.command(c) || !r.end()) return r.error();
      // Entries only ever go at the end: a replaced entry had its Truncate record first.
      if (index != s.log.last_index() + 1) {
        return "entry " + std::to_string(index) + " does not follow the log, which ends at " + std::to_string(s.log.last_index());
      }
      if (c.op != Op::Noop || c != Command{}) e.cmd = CommandRef(std::move(c));
      s.log.append(std::move(e));
      return "";
    }
    case Kind::Truncate: {
      LogIndex from = 0;
      if (!r.u64(from, "from") || !r.end()) return r.error();
      if (from <= s.log.snapshot_index()) return "truncation at " + std::to_string(from) + " reaches into the snapshot";
      if (from <= s.log.last_index()) s.log.truncate_from(from);
      return "";
    }
    case Kind::Snapshot: {
      Snapshot snap;
      if (!r.u64(snap.last_included_index, "lastIncludedIndex") || !r.u64(snap.last_included_term, "lastIncludedTerm") ||
          !r.configuration(snap.config, "config") || !r.end()) {
        return r.error();
      }
      if (snap.last_included_index < s.log.snapshot_index()) return "a snapshot older than the one before it";
      // DIR/snapshot holds the bytes, in a record of its own with the same index and term.
      std::string file, data;
      const std::string path = dir + "/" + snapshot_name(snap.last_included_index);
      if (std::string e = read_file(path, file); !e.empty()) return e;
      wire::Reader f(file);
      uint32_t len = 0, crc = 0, header_crc = 0;
      LogIndex index = 0;
      Term term = 0;
      if (!f.u32(len, "length") || !f.u32(crc, "crc") || !f.u32(header_crc, "header crc") || len != f.left() ||
          crc32(std::string_view(file).substr(0, 8)) != header_crc || crc32(std::string_view(file).substr(kHeaderBytes)) != crc) {
        return path + " is damaged (its length or checksum does not match)";
      }
      // The state machine may be larger than a message's string: the file's length was checked above.
      if (!f.u64(index, "index") || !f.u64(term, "term") || !f.string(data, "data", UINT32_MAX) || !f.end()) return path + ": " + f.error();
      if (index != snap.last_included_index || term != snap.last_included_term) {
        return path + " holds the snapshot through index " + std::to_string(index) + ", the log expects " +
               std::to_string(snap.last_included_index);
      }
      snap.data = std::make_shared<const std::string>(std::move(data));
      // Figure 13: keep the log after the snapshot if it holds the snapshot's last entry, else drop it.
      const LogIndex i = snap.last_included_index;
      if (i > s.log.snapshot_index() && i <= s.log.last_index() && s.log.term_at(i) == snap.last_included_term) {
        s.log.compact_to(i, snap.last_included_term);
      } else if (i != s.log.snapshot_index()) {
        s.log.reset_to_snapshot(i, snap.last_included_term);
      }
      s.snapshot = std::move(snap);
      return "";
    }
  }
  return "no record kind " + std::to_string(kind);
}

}  // namespace

uint32_t crc32(std::string_view bytes) {
  boost::crc_32_type c;
  c.process_bytes(bytes.data(), bytes.size());
  return c.checksum();
}

Wal::~Wal() {
  if (fd_ >= 0) ::close(fd_);
}

std::string Wal::open(const std::string& dir, Storage& storage, WalRecovery* info) {
  dir_ = dir;
  path_ = dir + "/wal";
  if (::mkdir(dir.c_str(), 0755) < 0 && errno != EEXIST) return "cannot create the directory " + dir + ": " + errno_text();
  std::string bytes;
  if (::access(path_.c_str(), F_OK) == 0) {
    if (std::string e = read_file(path_, bytes); !e.empty()) return e;
  }
  storage = Storage{};
  WalRecovery rec;
  size_t pos = 0;
  while (pos < bytes.size()) {
    if (bytes.size() - pos < kHeaderBytes) break;  // a torn tail: the crash came while writing this header
    wire::Reader r(std::string_view(bytes).substr(pos, kHeaderBytes));
    uint32_t len = 0, crc = 0, header_crc = 0;
    r.u32(len, "length");
    r.u32(crc, "crc");
    r.u32(header_crc, "header crc");
    if (crc32(std::string_view(bytes).substr(pos, 8)) != header_crc) {
      return path_ + ", byte " + std::to_string(pos) + ": the record's header is damaged (its checksum does not match; " +
             "nothing was changed)";
    }
    if (len > kRecordBytesMax) {
      return path_ + ", byte " + std::to_string(pos) + ": a record of " + std::to_string(len) + " bytes, at most " +
             std::to_string(kRecordBytesMax);
    }
    if (len > bytes.size() - pos - kHeaderBytes) break;  // a torn tail: the crash came while writing this body
    const std::string_view body = std::string_view(bytes).substr(pos + kHeaderBytes, len);
    if (crc32(body) != crc) {
      return path_ + ", byte " + std::to_string(pos) + ": the record's checksum does not match (the file is damaged; " +
             "nothing was changed)";
    }
    if (std::string e = replay(body, storage, dir); !e.empty()) {
      return path_ + ", byte " + std::to_string(pos) + ": " + e;
    }
    ++rec.records;
    pos += kHeaderBytes + len;
  }
  rec.torn_bytes = bytes.size() - pos;
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) return "cannot open " + path_ + " for writing: " + errno_text();
  if (rec.torn_bytes > 0) {
    if (::ftruncate(fd_, static_cast<off_t>(pos)) < 0 || ::fdatasync(fd_) < 0) {
      return "cannot cut the torn tail of " + path_ + ": " + errno_text();
    }
  }
  if (::lseek(fd_, static_cast<off_t>(pos), SEEK_SET) < 0) return "cannot seek in " + path_ + ": " + errno_text();
  size_ = pos;
  rec.bytes = pos;
  if (std::string e = sync_dir(dir); !e.empty()) return e;  // the file's creation is durable too
  // Temporary files of a rewrite or snapshot the crash interrupted are of no use now.
  if (DIR* d = ::opendir(dir.c_str())) {
    while (const dirent* e = ::readdir(d)) {
      const std::string name = e->d_name;
      if (name.size() > 4 && name.compare(name.size() - 4, 4, ".tmp") == 0) ::unlink((dir + "/" + name).c_str());
    }
    ::closedir(d);
  }
  if (info) *info = rec;
  return "";
}

void Wal::add_record(const std::string& body) { frame_record(buffer_, body); }

void Wal::record(const Node& node, std::span<const NodeEvent> events) {
  const Storage& disk = node.disk();
  const size_t start = buffer_.size();
  bool term_vote = false;
  for (const NodeEvent& e : events) {
    switch (e.kind) {
      case NodeEvent::Kind::NewTerm:
      case NodeEvent::Kind::Vote: term_vote = true; break;
      case NodeEvent::Kind::Append:
        // The entry as the log holds it now (a later event of the step may have replaced it: its
        // own Append record follows).
        if (e.index > disk.log.snapshot_index() && e.index <= disk.log.last_index()) {
          add_record(append_body(e.index, disk.log.at(e.index)));
        }
        break;
      case NodeEvent::Kind::Truncate: {
        std::string b;
        wire::put_u8(b, static_cast<uint8_t>(Kind::Truncate));
        wire::put_u64(b, e.index);
        add_record(b);
        break;
      }
      case NodeEvent::Kind::Snapshot:
      case NodeEvent::Kind::Install: snapshot_pending_ = true; break;
      default: break;
    }
  }
  // One record holds the step's latest term and vote, ahead of its entries.
  if (term_vote) {
    std::string framed;
    frame_record(framed, term_vote_body(disk.current_term, disk.voted_for));
    buffer_.insert(start, framed);
  }
  if (snapshot_pending_) after_ = disk;
}

std::string Wal::write_snapshot(const Snapshot& s) {
  std::string body;
  wire::put_u64(body, s.last_included_index);
  wire::put_u64(body, s.last_included_term);
  wire::put_string(body, s.data ? std::string_view(*s.data) : std::string_view());
  std::string file;
  frame_record(file, body);
  return replace_file(dir_, snapshot_name(s.last_included_index), file);
}

void Wal::remove_snapshots_except(LogIndex keep) {
  DIR* d = ::opendir(dir_.c_str());
  if (d == nullptr) return;
  const std::string kept = snapshot_name(keep);
  while (const dirent* e = ::readdir(d)) {
    const std::string name = e->d_name;
    if (name.rfind("snapshot-", 0) == 0 && name != kept) ::unlink((dir_ + "/" + name).c_str());
  }
  ::closedir(d);
}

std::string Wal::rewrite(const Storage& s) {
  std::string bytes;
  frame_record(bytes, term_vote_body(s.current_term, s.voted_for));
  if (s.snapshot.last_included_index > 0) frame_record(bytes, snapshot_body(s.snapshot));
  for (LogIndex i = s.log.snapshot_index() + 1; i <= s.log.last_index(); ++i) frame_record(bytes, append_body(i, s.log.at(i)));
  if (std::string e = replace_file(dir_, "wal", bytes); !e.empty()) return e;
  if (fd_ >= 0) ::close(fd_);
  fd_ = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd_ < 0) return "cannot reopen " + path_ + ": " + errno_text();
  size_ = bytes.size();
  return "";
}

std::string Wal::sync() {
  if (snapshot_pending_) {
    // §7: the snapshot is durable before the log prefix it replaces goes; the new log replaces the
    // old one by rename, so a crash leaves one or the other whole.
    snapshot_pending_ = false;
    buffer_.clear();  // `after_` holds everything the buffered records said
    if (std::string e = write_snapshot(after_.snapshot); !e.empty()) return e;
    std::string e = rewrite(after_);
    if (e.empty()) remove_snapshots_except(after_.snapshot.last_included_index);
    after_ = Storage{};
    ++syncs_;
    return e;
  }
  if (buffer_.empty()) return "";
  if (std::string e = write_all(fd_, buffer_, path_); !e.empty()) return e;
  if (fdatasync_ && ::fdatasync(fd_) < 0) return "cannot fdatasync " + path_ + ": " + errno_text();
  size_ += buffer_.size();
  buffer_.clear();
  ++syncs_;
  return "";
}

}  // namespace raft::raftd
