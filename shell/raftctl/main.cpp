// raftctl: a local raftd cluster from a terminal (issue 10).
//   raftctl start 5 [--dir D] [--port P]    start servers on 127.0.0.1 (sN's HTTP on P+N-1, Raft on P+100+N-1)
//   raftctl status | watch                  the table: node, role, term, commit, applied, leader, behind
//   raftctl put K V | get K | del K | cas K FROM TO
//   raftctl kill sN | restart sN | pause sN | resume sN | stop
//   raftctl partition s1 s2 '|' s3 s4 s5 | heal
//   raftctl bench [--clients 64] [--seconds 10]
// Every command but start finds the cluster through --dir (default ./raftlab-cluster).
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <utility>  // before Asio: Boost 1.74's awaitable.hpp uses std::exchange without it (GCC 12)

#include <algorithm>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

struct Cluster {
  std::string dir;
  int n = 0;
  int port = 0;  // sN's HTTP is port + N - 1, its Raft port port + 100 + N - 1
  int http_port(int i) const { return port + i - 1; }
  int raft_port(int i) const { return port + 100 + i - 1; }
  std::string pid_file(int i) const { return dir + "/s" + std::to_string(i) + ".pid"; }
};

[[noreturn]] void die(const std::string& msg) {
  std::fprintf(stderr, "raftctl: %s\n", msg.c_str());
  std::exit(1);
}

std::string endpoints(const Cluster& c, bool raft) {
  std::string s;
  for (int i = 1; i <= c.n; ++i) s += (i > 1 ? "," : "") + std::string("127.0.0.1:") + std::to_string(raft ? c.raft_port(i) : c.http_port(i));
  return s;
}

Cluster load(const std::string& dir) {
  std::ifstream f(dir + "/cluster.json");
  if (!f) die("no cluster in " + dir + " (start one with: raftctl start 3 --dir " + dir + ")");
  const json j = json::parse(f, nullptr, false);
  if (j.is_discarded() || !j.contains("n") || !j.contains("port")) die(dir + "/cluster.json is damaged");
  return Cluster{dir, j["n"].get<int>(), j["port"].get<int>()};
}

int pid_of(const Cluster& c, int i) {
  std::ifstream f(c.pid_file(i));
  int pid = 0;
  return (f >> pid) ? pid : 0;
}
// Running: it exists and is not a zombie (killed servers are reaped by init, which may take a moment
// or, in some containers, never happen).
bool alive(int pid) {
  if (pid <= 0 || ::kill(pid, 0) != 0) return false;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  std::getline(stat, line);
  const size_t paren = line.rfind(')');
  return paren == std::string::npos || paren + 2 >= line.size() || line[paren + 2] != 'Z';
}

// raftd next to this program (build/<preset>/shell/raftctl/raftctl -> ../raftd/raftd), or $RAFTD.
std::string raftd_path() {
  if (const char* e = std::getenv("RAFTD")) return e;
  char self[4096];
  const ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) return "raftd";
  std::string p(self, static_cast<size_t>(n));
  return p.substr(0, p.rfind('/')) + "/../raftd/raftd";
}

void launch(const Cluster& c, int i) {
  const std::string exe = raftd_path();
  if (::access(exe.c_str(), X_OK) != 0) die("cannot run " + exe + " (build it, or set RAFTD)");
  std::fflush(nullptr);  // else the child's stdio would write the parent's buffered lines again
  const pid_t pid = ::fork();
  if (pid < 0) die("fork failed");
  if (pid == 0) {
    ::setsid();
    const std::string log = c.dir + "/s" + std::to_string(i) + ".log";
    if (!std::freopen(log.c_str(), "a", stderr) || !std::freopen("/dev/null", "w", stdout)) _exit(127);
    const std::string id = std::to_string(i), peers = endpoints(c, true), https = endpoints(c, false);
    const std::string data = c.dir + "/s" + id;
    ::execl(exe.c_str(), exe.c_str(), "--id", id.c_str(), "--peers", peers.c_str(), "--http", https.c_str(), "--dir", data.c_str(),
            static_cast<char*>(nullptr));
    _exit(127);
  }
  std::ofstream(c.pid_file(i)) << pid << "\n";
}

// One HTTP request to 127.0.0.1:port, following a redirect to the leader once; nullopt when the
// server does not answer within the timeout.
struct Reply {
  int status = 0;
  std::string body;
};
std::optional<Reply> request(int port, http::verb method, const std::string& target, const std::string& body = "",
                             std::chrono::milliseconds timeout = std::chrono::milliseconds(2000), int redirects = 2) {
  asio::io_context io;
  beast::tcp_stream stream(io);
  stream.expires_after(timeout);
  beast::error_code ec;
  std::optional<Reply> out;
  http::request<http::string_body> req(method, target, 11);
  req.set(http::field::host, "127.0.0.1");
  req.body() = body;
  req.prepare_payload();
  beast::flat_buffer buf;
  http::response<http::string_body> res;
  stream.async_connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(port)), [&](beast::error_code e) {
    if (e) return;
    http::async_write(stream, req, [&](beast::error_code e2, size_t) {
      if (e2) return;
      http::async_read(stream, buf, res, [&](beast::error_code e3, size_t) {
        if (!e3) out = Reply{static_cast<int>(res.result_int()), res.body()};
      });
    });
  });
  io.run();
  if (out && out->status == 307 && redirects > 0) {
    const std::string loc(res[http::field::location]);
    const size_t colon = loc.rfind(':'), slash = loc.find('/', colon);
    const std::string to = colon == std::string::npos || slash == std::string::npos ? "" : loc.substr(colon + 1, slash - colon - 1);
    if (!to.empty() && to.size() <= 5 && to.find_first_not_of("0123456789") == std::string::npos) {
      return request(std::stoi(to), method, loc.substr(slash), body, timeout, redirects - 1);
    }
  }
  return out;
}

std::optional<json> status(const Cluster& c, int i) {
  const auto r = request(c.http_port(i), http::verb::get, "/status", "", std::chrono::milliseconds(500));
  if (!r || r->status != 200) return std::nullopt;
  json j = json::parse(r->body, nullptr, false);
  if (j.is_discarded()) return std::nullopt;
  return j;
}

int leader(const Cluster& c) {
  for (int i = 1; i <= c.n; ++i) {
    if (auto s = status(c, i); s && (*s)["role"] == "leader") return i;
  }
  return 0;
}

void print_status(const Cluster& c) {
  std::vector<std::optional<json>> st(static_cast<size_t>(c.n) + 1);
  uint64_t top = 0;
  for (int i = 1; i <= c.n; ++i) {
    st[static_cast<size_t>(i)] = status(c, i);
    if (st[static_cast<size_t>(i)]) top = std::max<uint64_t>(top, (*st[static_cast<size_t>(i)])["commitIndex"].get<uint64_t>());
  }
  std::printf("%-5s %-10s %6s %8s %8s %-7s %7s\n", "node", "role", "term", "commit", "applied", "leader", "behind");
  for (int i = 1; i <= c.n; ++i) {
    const auto& s = st[static_cast<size_t>(i)];
    const int pid = pid_of(c, i);
    if (!s) {
      std::printf("s%-4d %-10s\n", i, !alive(pid) ? "down" : "no answer");
      continue;
    }
    const json& j = *s;
    const uint64_t applied = j["lastApplied"].get<uint64_t>();
    std::printf("s%-4d %-10s %6llu %8llu %8llu %-7s %7llu\n", i, j["role"].get<std::string>().c_str(),
                static_cast<unsigned long long>(j["term"].get<uint64_t>()), static_cast<unsigned long long>(j["commitIndex"].get<uint64_t>()),
                static_cast<unsigned long long>(applied), j["leader"].is_null() ? "-" : j["leader"].get<std::string>().c_str(),
                static_cast<unsigned long long>(top - std::min(top, applied)));
  }
}

int node_arg(const Cluster& c, const char* s) {
  std::string t = s ? s : "";
  if (!t.empty() && (t[0] == 's' || t[0] == 'S')) t.erase(0, 1);
  if (t.empty() || t.size() > 2 || t.find_first_not_of("0123456789") != std::string::npos || std::stoi(t) < 1 || std::stoi(t) > c.n) {
    die("expected a server s1..s" + std::to_string(c.n) + ", got '" + (s ? s : "") + "'");
  }
  return std::stoi(t);
}

// A key-value command through the first server that answers (followers redirect to the leader).
// Only an answer that says the command surely did not happen (no leader known, or no answer
// from a server that is down) moves on to the next server: a command whose outcome is unknown is
// not sent again, since a cas or a delete must not happen twice.
int kv(const Cluster& c, http::verb method, const std::string& target, const std::string& body, int only) {
  for (int round = 0; round < 20; ++round) {
    for (int i = 1; i <= c.n; ++i) {
      if (!alive(pid_of(c, i)) || (only != 0 && i != only)) continue;
      const auto r = request(c.http_port(i), method, target, body, std::chrono::milliseconds(6000));
      if (!r) continue;  // paused, or not listening yet: nothing was taken
      if (r->status == 503 && r->body.find("no leader known") != std::string::npos) continue;
      std::printf("%s", r->body.c_str());
      return r->status == 200 ? 0 : 1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(250));  // an election is under way
  }
  die("no leader within 5 s (raftctl status)");
}

// bench: `clients` connections to the leader, each writing in a loop (one request in flight per
// client) for `seconds`; prints writes/s and latency percentiles.
int bench(const Cluster& c, int clients, double seconds) {
  const int l = leader(c);
  if (l == 0) die("no leader (raftctl status)");
  asio::io_context io;
  struct Client {
    std::unique_ptr<beast::tcp_stream> stream;
    beast::flat_buffer buf;
    http::request<http::string_body> req;
    http::response<http::string_body> res;
    uint64_t k = 0;
    Clock::time_point sent;
  };
  std::vector<Client> cs(static_cast<size_t>(clients));
  std::vector<double> lat;
  lat.reserve(1 << 20);
  uint64_t errors = 0;
  const auto start = Clock::now();
  const auto end = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  const tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(c.http_port(l)));
  std::function<void(size_t)> next;
  std::function<void(size_t)> connect = [&](size_t i) {
    Client& cl = cs[i];
    cl.stream = std::make_unique<beast::tcp_stream>(io);
    cl.stream->async_connect(ep, [&, i](beast::error_code e) {
      if (e) {
        ++errors;
        if (Clock::now() < end) connect(i);
        return;
      }
      next(i);
    });
  };
  next = [&](size_t i) {
    Client& cl = cs[i];
    if (Clock::now() >= end) return;
    cl.req = http::request<http::string_body>(http::verb::put, "/kv/bench-" + std::to_string(i) + "-" + std::to_string(cl.k % 100), 11);
    cl.req.set(http::field::host, "127.0.0.1");
    cl.req.body() = std::to_string(cl.k++);
    cl.req.keep_alive(true);
    cl.req.prepare_payload();
    cl.res = {};
    cl.sent = Clock::now();
    cl.stream->expires_after(std::chrono::seconds(10));
    http::async_write(*cl.stream, cl.req, [&, i](beast::error_code e, size_t) {
      if (e) {
        ++errors;
        return connect(i);
      }
      http::async_read(*cs[i].stream, cs[i].buf, cs[i].res, [&, i](beast::error_code e2, size_t) {
        if (e2 || cs[i].res.result_int() != 200) {
          ++errors;
          if (e2) return connect(i);
        } else {
          lat.push_back(std::chrono::duration<double, std::milli>(Clock::now() - cs[i].sent).count());
        }
        next(i);
      });
    });
  };
  for (size_t i = 0; i < cs.size(); ++i) connect(i);
  asio::steady_timer progress(io);
  std::function<void()> tick = [&] {
    progress.expires_after(std::chrono::seconds(1));
    progress.async_wait([&](beast::error_code e) {
      if (e || Clock::now() >= end) return;
      const double t = std::chrono::duration<double>(Clock::now() - start).count();
      std::fprintf(stderr, "\r  %4.0f s  %8zu writes  %8.0f writes/s", t, lat.size(), static_cast<double>(lat.size()) / t);
      tick();
    });
  };
  tick();
  io.run();
  std::fprintf(stderr, "\n");
  const double t = std::chrono::duration<double>(Clock::now() - start).count();
  std::sort(lat.begin(), lat.end());
  const auto pct = [&](double p) { return lat.empty() ? 0.0 : lat[std::min(lat.size() - 1, static_cast<size_t>(p * static_cast<double>(lat.size())))]; };
  std::printf("%d servers, %d clients, %.1f s: %zu writes, %.0f writes/s, p50 %.2f ms, p99 %.2f ms, %llu errors\n", c.n, clients, t,
              lat.size(), static_cast<double>(lat.size()) / t, pct(0.50), pct(0.99), static_cast<unsigned long long>(errors));
  return lat.empty() ? 1 : 0;
}

void usage(FILE* out) {
  std::fputs(
      "usage: raftctl [--dir D] COMMAND\n"
      "  start N [--port P]        start N servers on 127.0.0.1 (sN's HTTP on P+N-1; default P 7001)\n"
      "  status | watch            the cluster's table (watch refreshes it until Ctrl-C)\n"
      "  put K V | get K | del K | cas K FROM TO\n"
      "  kill sN | restart sN | pause sN | resume sN | stop\n"
      "  partition s1 s2 '|' s3 s4 s5 | heal   each server drops messages to and from the other groups\n"
      "  bench [--clients 64] [--seconds 10]\n"
      "  --dir D                   where the cluster lives (default ./raftlab-cluster)\n"
      "  --via sN                  send put/get/del/cas to sN (default: the first server that can take it)\n",
      out);
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir = "raftlab-cluster", via_text;
  std::vector<std::string> args;
  int port = 7001, clients = 64;
  double seconds = 10;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const auto value = [&]() -> std::string {
      if (i + 1 >= argc) die(a + " needs a value");
      return argv[++i];
    };
    const auto number = [&](const std::string& v, int lo, int hi) {
      if (v.empty() || v.size() > 6 || v.find_first_not_of("0123456789") != std::string::npos || std::stoi(v) < lo || std::stoi(v) > hi) {
        die(a + " must be a number from " + std::to_string(lo) + " to " + std::to_string(hi) + ", got '" + v + "'");
      }
      return std::stoi(v);
    };
    if (a == "--dir") dir = value();
    else if (a == "--via") via_text = value();
    else if (a == "--port") port = number(value(), 1024, 65000);
    else if (a == "--clients") clients = number(value(), 1, 1024);
    else if (a == "--seconds") seconds = number(value(), 1, 3600);
    else if (a == "-h" || a == "--help") {
      usage(stdout);
      return 0;
    } else args.push_back(a);
  }
  if (args.empty()) {
    usage(stderr);
    return 2;
  }
  const std::string cmd = args[0];
  const auto arg = [&](size_t k) -> const char* {
    if (k >= args.size()) die("'" + cmd + "' needs more arguments (raftctl --help)");
    return args[k].c_str();
  };
  if (cmd == "start") {
    const std::string ns = arg(1);
    if (ns.empty() || ns.size() > 2 || ns.find_first_not_of("0123456789") != std::string::npos || std::stoi(ns) < 1 || std::stoi(ns) > 15) {
      die("start takes a number of servers from 1 to 15, got '" + ns + "'");
    }
    ::mkdir(dir.c_str(), 0755);
    if (std::ifstream(dir + "/cluster.json")) {
      const Cluster old = load(dir);
      for (int i = 1; i <= old.n; ++i) {
        if (alive(pid_of(old, i))) die("a cluster is running in " + dir + " (raftctl --dir " + dir + " stop)");
      }
    }
    const Cluster c{dir, std::stoi(ns), port};
    if (std::ifstream(dir + "/cluster.json")) {
      const Cluster old = load(dir);
      if (old.n != c.n && ::access((dir + "/s1").c_str(), F_OK) == 0) {
        die(dir + " holds the data of a " + std::to_string(old.n) + "-server cluster; start it with " + std::to_string(old.n) +
            " servers, or remove " + dir + " to start afresh (a different size could lose committed writes)");
      }
    }
    std::ofstream(dir + "/cluster.json") << json{{"n", c.n}, {"port", c.port}}.dump() << "\n";
    for (int i = 1; i <= c.n; ++i) {
      launch(c, i);
      std::printf("s%d http://127.0.0.1:%d\n", i, c.http_port(i));
    }
    return 0;
  }
  const Cluster c = load(dir);
  const int via = via_text.empty() ? 0 : node_arg(c, via_text.c_str());
  if (cmd == "status") {
    print_status(c);
  } else if (cmd == "watch") {
    for (;;) {
      std::printf("\033[H\033[J");
      print_status(c);
      std::fflush(stdout);
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
  } else if (cmd == "put") {
    return kv(c, http::verb::put, std::string("/kv/") + arg(1), arg(2), via);
  } else if (cmd == "get") {
    return kv(c, http::verb::get, std::string("/kv/") + arg(1), "", via);
  } else if (cmd == "del") {
    return kv(c, http::verb::delete_, std::string("/kv/") + arg(1), "", via);
  } else if (cmd == "cas") {
    return kv(c, http::verb::post, std::string("/kv/") + arg(1) + "/cas", json{{"from", arg(2)}, {"to", arg(3)}}.dump(), via);
  } else if (cmd == "kill" || cmd == "pause" || cmd == "resume") {
    const int i = node_arg(c, arg(1));
    const int pid = pid_of(c, i);
    if (!alive(pid)) die("s" + std::to_string(i) + " is not running");
    ::kill(pid, cmd == "kill" ? SIGKILL : cmd == "pause" ? SIGSTOP : SIGCONT);
  } else if (cmd == "restart") {
    const int i = node_arg(c, arg(1));
    if (alive(pid_of(c, i))) die("s" + std::to_string(i) + " is running (raftctl kill s" + std::to_string(i) + " first)");
    launch(c, i);
  } else if (cmd == "stop") {
    for (int i = 1; i <= c.n; ++i) {
      const int pid = pid_of(c, i);
      if (!alive(pid)) continue;
      ::kill(pid, SIGCONT);
      ::kill(pid, SIGTERM);
    }
    for (int t = 0; t < 100; ++t) {
      bool any = false;
      for (int i = 1; i <= c.n; ++i) any = any || alive(pid_of(c, i));
      if (!any) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    for (int i = 1; i <= c.n; ++i) {
      if (alive(pid_of(c, i))) ::kill(pid_of(c, i), SIGKILL);
    }
  } else if (cmd == "partition" || cmd == "heal") {
    // partition s1 s2 '|' s3 s4 s5: each server blocks every server outside its group.
    std::vector<int> group(static_cast<size_t>(c.n) + 1, 0);
    int g = 1;
    for (size_t k = 1; k < args.size() && cmd == "partition"; ++k) {
      if (args[k] == "|") {
        ++g;
        continue;
      }
      const int i = node_arg(c, args[k].c_str());
      if (group[static_cast<size_t>(i)] != 0) die("s" + std::to_string(i) + " is in two groups");
      group[static_cast<size_t>(i)] = g;
    }
    if (cmd == "partition") {
      if (g < 2) die("partition takes groups separated by '|', e.g. raftctl partition s1 s2 '|' s3 s4 s5");
      for (int i = 1; i <= c.n; ++i) {
        if (group[static_cast<size_t>(i)] == 0) die("s" + std::to_string(i) + " is in no group (name every server)");
      }
    }
    int failed = 0;
    for (int i = 1; i <= c.n; ++i) {
      json block = json::array();
      for (int j = 1; j <= c.n; ++j) {
        if (cmd == "partition" && group[static_cast<size_t>(j)] != group[static_cast<size_t>(i)]) block.push_back("s" + std::to_string(j));
      }
      const auto r = request(c.http_port(i), http::verb::post, "/admin/partition", json{{"block", block}}.dump(),
                             std::chrono::milliseconds(1000), 0);
      if (!r || r->status != 200) {
        std::fprintf(stderr, "raftctl: s%d did not take it (down or paused?)\n", i);
        ++failed;
      }
    }
    return failed == 0 ? 0 : 1;
  } else if (cmd == "bench") {
    return bench(c, clients, seconds);
  } else {
    die("unknown command '" + cmd + "' (raftctl --help)");
  }
  return 0;
}
