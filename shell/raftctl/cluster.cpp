// The cluster a --dir describes: its processes, and HTTP requests to its servers.
#include <signal.h>
#include <unistd.h>

#include "shell/raftctl/raftctl.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdio>
#include <cstdlib>
#include <climits>
#include <fstream>
#include <iterator>

namespace raft::raftctl {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

void die(const std::string& msg) {
  std::fprintf(stderr, "raftctl: %s\n", msg.c_str());
  std::exit(1);
}

namespace {

std::string endpoints(const Cluster& c, bool raft) {
  std::string s;
  for (int i = 1; i <= c.n; ++i) s += (i > 1 ? "," : "") + std::string("127.0.0.1:") + std::to_string(raft ? c.raft_port(i) : c.http_port(i));
  return s;
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

}  // namespace

Cluster load(const std::string& dir) {
  std::ifstream f(dir + "/cluster.json");
  if (!f) die("no cluster in " + dir + " (start one with: raftctl start 3 --dir " + dir + ")");
  const json j = json::parse(f, nullptr, false);
  if (j.is_discarded() || !j.contains("n") || !j.contains("port") || !j["n"].is_number_integer() || !j["port"].is_number_integer()) {
    die(dir + "/cluster.json is damaged");
  }
  return Cluster{absolute(dir), j["n"].get<int>(), j["port"].get<int>()};
}

std::string absolute(const std::string& dir) {
  char buf[PATH_MAX];
  return ::realpath(dir.c_str(), buf) ? std::string(buf) : dir;
}

// The pid in DIR/sN.pid, if that process is still this cluster's sN: a pid file outlives its
// process, and the number may since belong to another process that kill must never hit.
int pid_of(const Cluster& c, int i) {
  std::ifstream f(c.pid_file(i));
  int pid = 0;
  if (!(f >> pid) || pid <= 0) return 0;
  std::ifstream cmdline("/proc/" + std::to_string(pid) + "/cmdline");
  std::string args((std::istreambuf_iterator<char>(cmdline)), std::istreambuf_iterator<char>());
  const std::string want = std::string("--dir") + '\0' + c.dir + "/s" + std::to_string(i) + '\0';
  return args.find(want) != std::string::npos ? pid : 0;
}

namespace {

// The state letter in /proc/PID/stat ('R', 'S', 'T' stopped, 'Z' zombie...), 0 when there is none.
char proc_state(int pid) {
  if (pid <= 0 || ::kill(pid, 0) != 0) return 0;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  std::getline(stat, line);
  const size_t paren = line.rfind(')');
  return paren == std::string::npos || paren + 2 >= line.size() ? 'R' : line[paren + 2];
}

}  // namespace

// Killed servers are reaped by init, which may take a moment or, in some containers, never happen.
bool alive(int pid) {
  const char s = proc_state(pid);
  return s != 0 && s != 'Z';
}

bool paused(int pid) { return proc_state(pid) == 'T'; }

std::string launch_problem() {
  const std::string exe = raftd_path();
  return ::access(exe.c_str(), X_OK) == 0 ? "" : "cannot run " + exe + " (build it, or set RAFTD)";
}

void launch(const Cluster& c, int i) {
  const std::string exe = raftd_path();
  if (std::string p = launch_problem(); !p.empty()) die(p);
  // Everything the child needs, made before the fork: other threads (chaos's clients) may hold
  // locks the child would wait on forever.
  const std::string id = std::to_string(i), peers = endpoints(c, true), https = endpoints(c, false);
  const std::string data = c.dir + "/s" + id, log = c.dir + "/s" + id + ".log";
  std::fflush(nullptr);  // else the child's stdio would write the parent's buffered lines again
  const pid_t pid = ::fork();
  if (pid < 0) die("fork failed");
  if (pid == 0) {
    ::setsid();
    if (!std::freopen(log.c_str(), "a", stderr) || !std::freopen("/dev/null", "w", stdout)) _exit(127);
    ::execl(exe.c_str(), exe.c_str(), "--id", id.c_str(), "--peers", peers.c_str(), "--http", https.c_str(), "--dir", data.c_str(),
            static_cast<char*>(nullptr));
    _exit(127);
  }
  std::ofstream(c.pid_file(i)) << pid << "\n";
}

int node_arg(const Cluster& c, const char* s) {
  std::string t = s ? s : "";
  if (!t.empty() && (t[0] == 's' || t[0] == 'S')) t.erase(0, 1);
  if (t.empty() || t.size() > 2 || t.find_first_not_of("0123456789") != std::string::npos || std::stoi(t) < 1 || std::stoi(t) > c.n) {
    die("expected a server s1..s" + std::to_string(c.n) + ", got '" + (s ? s : "") + "'");
  }
  return std::stoi(t);
}

namespace {

// One request, following redirects until `deadline` (one deadline for every hop).
Reply request_until(int port, http::verb method, const std::string& target, const std::string& body,
                    std::chrono::steady_clock::time_point deadline, int redirects) {
  asio::io_context io;
  beast::tcp_stream stream(io);
  stream.expires_at(deadline);
  Reply out;
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
      out.sent = true;
      http::async_read(stream, buf, res, [&](beast::error_code e3, size_t) {
        if (e3) return;
        out.status = static_cast<int>(res.result_int());
        out.body = res.body();
      });
    });
  });
  io.run();
  if (out.status == 307) {
    out.sent = false;  // the server only named the leader
    const std::string loc(res[http::field::location]);
    const size_t colon = loc.rfind(':'), slash = loc.find('/', colon);
    const std::string to = colon == std::string::npos || slash == std::string::npos ? "" : loc.substr(colon + 1, slash - colon - 1);
    if (redirects > 0 && !to.empty() && to.size() <= 5 && to.find_first_not_of("0123456789") == std::string::npos) {
      return request_until(std::stoi(to), method, loc.substr(slash), body, deadline, redirects - 1);
    }
  }
  return out;
}

}  // namespace

Reply request(int port, http::verb method, const std::string& target, const std::string& body, std::chrono::milliseconds timeout,
              int redirects) {
  return request_until(port, method, target, body, std::chrono::steady_clock::now() + timeout, redirects);
}

std::optional<json> status(const Cluster& c, int i) {
  const Reply r = request(c.http_port(i), http::verb::get, "/status", "", std::chrono::milliseconds(500));
  if (r.status != 200) return std::nullopt;
  json j = json::parse(r.body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  return j;
}

int leader(const Cluster& c) {
  for (int i = 1; i <= c.n; ++i) {
    if (auto s = status(c, i); s && (*s)["role"] == "leader") return i;
  }
  return 0;
}

}  // namespace raft::raftctl
