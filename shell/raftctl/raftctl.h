// raftctl's parts (issue 10): the cluster a --dir describes, the HTTP requests it sends, and the
// commands that drive it. One process per command; the cluster lives in its directory.
#pragma once

#include <utility>  // before Asio: Boost 1.74's awaitable.hpp uses std::exchange without it (GCC 12)

#include <boost/beast/http/verb.hpp>
#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace raft::raftctl {

using json = nlohmann::json;
namespace http = boost::beast::http;

struct Cluster {
  std::string dir;
  int n = 0;
  int port = 0;  // sN's HTTP is port + N - 1, its Raft port port + 100 + N - 1
  int http_port(int i) const { return port + i - 1; }
  int raft_port(int i) const { return port + 100 + i - 1; }
  std::string pid_file(int i) const { return dir + "/s" + std::to_string(i) + ".pid"; }
};

[[noreturn]] void die(const std::string& msg);
// The cluster in `dir` (its path made absolute, as launch() hands it to raftd).
Cluster load(const std::string& dir);
std::string absolute(const std::string& dir);
// sN's process id, or 0 when sN is not running (its pid file names no process that is sN's raftd).
int pid_of(const Cluster& c, int i);
// Running: it exists and is not a zombie.
bool alive(int pid);
// Stopped by SIGSTOP (raftctl pause).
bool paused(int pid);
// Starts sN (raftd next to raftctl, or $RAFTD) with its log in DIR/sN.log; safe to call while
// other threads run (nothing but exec after the fork).
void launch(const Cluster& c, int i);
// "" when launch() can start raftd, else why not.
std::string launch_problem();
// "s3" or "3" -> 3; dies with a message for anything else.
int node_arg(const Cluster& c, const char* s);

// One HTTP request to 127.0.0.1:port, following a redirect to the leader up to `redirects` times,
// all within `timeout`.
// status 0: no answer within the timeout. sent: the whole request reached a server that did not
// answer that it refused it, so with status 0 the command may still take effect there.
struct Reply {
  int status = 0;
  std::string body;
  bool sent = false;
};
Reply request(int port, http::verb method, const std::string& target, const std::string& body = "",
              std::chrono::milliseconds timeout = std::chrono::milliseconds(2000), int redirects = 2);
std::optional<json> status(const Cluster& c, int i);
// The server that says it leads (0: none answers so).
int leader(const Cluster& c);

int bench(const Cluster& c, int clients, double seconds);
int chaos(const Cluster& c, int clients, double seconds, uint64_t seed);
int events(const Cluster& c, double seconds, const std::string& out_path);
// Serves ws://127.0.0.1:port/lab for the page (lab.cpp) until Ctrl-C.
int lab(const Cluster& c, int port);

}  // namespace raft::raftctl
