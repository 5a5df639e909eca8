// raftctl: a local raftd cluster from a terminal (issue 10).
//   raftctl start 5 [--dir D] [--port P]    start servers on 127.0.0.1 (sN's HTTP on P+N-1, Raft on P+100+N-1)
//   raftctl status | watch                  the table: node, role, term, commit, applied, leader, behind
//   raftctl put K V | get K | del K | cas K FROM TO
//   raftctl kill sN | restart sN | pause sN | resume sN | stop
//   raftctl partition s1 s2 '|' s3 s4 s5 | heal
//   raftctl bench [--clients 64] [--seconds 10]
//   raftctl chaos [--clients 8] [--seconds 60] [--seed S]
//   raftctl events [--seconds N] [--out FILE]   every server's /events, merged (JSON Lines)
//   raftctl lab [--port P]                  the page's way in: ws://127.0.0.1:P/lab (default: the cluster's port - 1)
// Every command but start finds the cluster through --dir (default ./raftlab-cluster).
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "shell/raftctl/raftctl.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace raft::raftctl;

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

// A key-value command through the first server that answers (followers redirect to the leader).
// Only an answer that says the command surely did not happen (no leader known, the leader did not
// take it, nothing listening) moves on to the next server, and paused servers are passed over: a
// command whose outcome is unknown is reported and not sent again, since a cas or a delete must
// not happen twice.
int kv(const Cluster& c, http::verb method, const std::string& target, const std::string& body, int only) {
  for (int round = 0; round < 20; ++round) {
    for (int i = 1; i <= c.n; ++i) {
      const int pid = pid_of(c, i);
      if (!alive(pid) || (only == 0 && paused(pid)) || (only != 0 && i != only)) continue;
      const Reply r = request(c.http_port(i), method, target, body, std::chrono::milliseconds(6000));
      if (r.status == 0 && !r.sent) continue;  // not listening yet: nothing was taken
      if (r.status == 0) die("s" + std::to_string(i) + " took the command and did not answer in 6 s: it may or may not take effect");
      if (r.status == 503 && (r.body.find("no leader known") != std::string::npos || r.body.find("did not take") != std::string::npos)) continue;
      std::printf("%s", r.body.c_str());
      return r.status == 200 ? 0 : 1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(250));  // an election is under way
  }
  die("no leader within 5 s (raftctl status)");
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
      "  chaos [--clients 8] [--seconds 60] [--seed S]   kills, pauses and partitions while clients write;\n"
      "                            then heals and checks the history is linearizable, nothing acknowledged lost\n"
      "  events [--seconds N] [--out FILE]   every server's event stream (JSON Lines trace), merged\n"
      "  lab [--port P]            serve ws://127.0.0.1:P/lab for the page (#attach=...; default P: first port - 1)\n"
      "  --dir D                   where the cluster lives (default ./raftlab-cluster)\n"
      "  --via sN                  send put/get/del/cas to sN (default: the first server that can take it)\n",
      out);
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir = "raftlab-cluster", via_text, out;
  std::vector<std::string> args;
  int port = 0, clients = 0, seed = 0;
  double seconds = 0;
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
    else if (a == "--out") out = value();
    else if (a == "--port") port = number(value(), 1024, 65000);
    else if (a == "--clients") clients = number(value(), 1, 1024);
    else if (a == "--seconds") seconds = number(value(), 1, 3600);
    else if (a == "--seed") seed = number(value(), 1, 999999);
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
    const Cluster c{absolute(dir), std::stoi(ns), port != 0 ? port : 7001};
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
      if (r.status != 200) {
        std::fprintf(stderr, "raftctl: s%d did not take it (down or paused?)\n", i);
        ++failed;
      }
    }
    return failed == 0 ? 0 : 1;
  } else if (cmd == "bench") {
    return bench(c, clients != 0 ? clients : 64, seconds != 0 ? seconds : 10);
  } else if (cmd == "lab") {
    return lab(c, port != 0 ? port : c.port - 1);
  } else if (cmd == "events") {
    return events(c, seconds, out);
  } else if (cmd == "chaos") {
    // The default seed changes from run to run (printed, so a run's faults can be asked for again).
    const auto t = std::chrono::steady_clock::now().time_since_epoch().count();
    return chaos(c, clients != 0 ? clients : 8, seconds != 0 ? seconds : 60,
                 seed != 0 ? static_cast<uint64_t>(seed) : 1 + static_cast<uint64_t>(t) % 999999);
  } else {
    die("unknown command '" + cmd + "' (raftctl --help)");
  }
  return 0;
}
