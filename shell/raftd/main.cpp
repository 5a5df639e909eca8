// raftd: one Raft server on a real process. See shell/raftd/server.h.
//   raftd --id 1 --peers 127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003
//         --http 127.0.0.1:8001,127.0.0.1:8002,127.0.0.1:8003 --dir data/s1
//   raftd --maelstrom [--dir DIR]     (a node under Maelstrom: shell/raftd/maelstrom.h)
#include <cstdio>
#include <cstring>
#include <string>

#include "shell/raftd/maelstrom.h"
#include "shell/raftd/server.h"

namespace {

void usage(FILE* out) {
  std::fputs(
      "usage: raftd --id N --peers H:P,H:P,... --http H:P,H:P,... --dir DIR [--seed S] [--snapshot-every N]\n"
      "             [--election-timeout MIN-MAX] [--no-fsync]\n"
      "       raftd --maelstrom [--dir DIR] [--seed S] [--snapshot-every N] [--election-timeout MIN-MAX] [--no-fsync]\n"
      "  --id N             this server is sN (1-based)\n"
      "  --peers LIST       every server's Raft address, s1 first\n"
      "  --http LIST        every server's HTTP address, s1 first (followers redirect clients to the leader's)\n"
      "  --dir DIR          the write-ahead log and snapshots (created if missing)\n"
      "  --seed S           seeds the election timeouts (default 1)\n"
      "  --snapshot-every N entries applied between snapshots (default 10000; 0: never)\n"
      "  --election-timeout MIN-MAX  milliseconds (default 150-300, as in the paper)\n"
      "  --no-fsync         write the log without fdatasync (only to measure the disk's cost)\n"
      "  --maelstrom        a lin-kv node under Maelstrom: JSON lines on stdin/stdout, logs on stderr; the cluster\n"
      "                     comes from Maelstrom's init message; the log goes in --dir if given, else in a\n"
      "                     temporary directory removed at exit\n",
      out);
}

bool number(const char* s, uint64_t& out) {
  if (*s == 0 || std::strlen(s) > 18) return false;
  for (const char* p = s; *p; ++p) {
    if (*p < '0' || *p > '9') return false;
  }
  out = std::stoull(s);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  raft::raftd::Options opt;
  bool maelstrom = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const auto value = [&](const char* name) -> const char* {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "raftd: %s needs a value\n", name);
        std::exit(2);
      }
      return argv[++i];
    };
    uint64_t n = 0;
    std::string err;
    if (a == "--id") {
      const char* v = value("--id");
      if (!number(v, n) || n > 64) err = std::string("--id must be a server number, got '") + v + "'";
      opt.id = static_cast<int>(n);
    } else if (a == "--peers") {
      err = raft::raftd::parse_endpoints(value("--peers"), opt.peers);
      if (!err.empty()) err = "--peers: " + err;
    } else if (a == "--http") {
      err = raft::raftd::parse_endpoints(value("--http"), opt.http);
      if (!err.empty()) err = "--http: " + err;
    } else if (a == "--dir") {
      opt.dir = value("--dir");
    } else if (a == "--seed") {
      const char* v = value("--seed");
      if (!number(v, opt.seed)) err = std::string("--seed must be a number, got '") + v + "'";
    } else if (a == "--snapshot-every") {
      const char* v = value("--snapshot-every");
      if (!number(v, n) || n > 100'000'000) err = std::string("--snapshot-every must be a number of entries, got '") + v + "'";
      opt.snapshot_every = static_cast<uint32_t>(n);
    } else if (a == "--election-timeout") {
      const std::string v = value("--election-timeout");
      const size_t dash = v.find('-');
      uint64_t lo = 0, hi = 0;
      if (dash == std::string::npos || !number(v.substr(0, dash).c_str(), lo) || !number(v.substr(dash + 1).c_str(), hi) || lo > 60000 || hi > 60000) {
        err = "--election-timeout must be MIN-MAX in milliseconds, like 150-300, got '" + v + "'";
      }
      opt.election_timeout_min_ms = static_cast<int>(lo);
      opt.election_timeout_max_ms = static_cast<int>(hi);
    } else if (a == "--no-fsync") {
      opt.fsync = false;
    } else if (a == "--maelstrom") {
      maelstrom = true;
    } else if (a == "-h" || a == "--help") {
      usage(stdout);
      return 0;
    } else {
      err = "unknown option '" + a + "'";
    }
    if (!err.empty()) {
      std::fprintf(stderr, "raftd: %s\n", err.c_str());
      usage(stderr);
      return 2;
    }
  }
  if (maelstrom) {
    if (std::string err = raft::raftd::check_maelstrom(opt); !err.empty()) {
      std::fprintf(stderr, "raftd: %s\n", err.c_str());
      usage(stderr);
      return 2;
    }
    return raft::raftd::serve_maelstrom(opt);
  }
  if (std::string err = raft::raftd::check(opt); !err.empty()) {
    std::fprintf(stderr, "raftd: %s\n", err.c_str());
    usage(stderr);
    return 2;
  }
  return raft::raftd::serve(opt);
}
