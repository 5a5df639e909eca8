// raftd.maelstrom (issue 10): three `raftd --maelstrom` processes on pipes, under a small router
// that plays Maelstrom's part: it sends init, carries the nodes' messages to each other (with a
// delay, a partition for a while, then lost messages), runs clients that read, write and cas a few
// keys (four follow the leader; one only reads, each time from a random node, so some of its reads
// reach the node cut off by the partition), and records what they saw. It then requires that:
//   - every line a node writes on stdout is a well-formed Maelstrom message, every reply has
//     in_reply_to and a msg_id unique on its node, every answer has the fields its type needs;
//   - the history is linearizable (core/sim's checker); a request with no answer, or an indefinite
//     error, counts as "may or may not have happened" (HistoryOp::returned = false), error 11 as
//     "did not happen";
//   - the cluster served a floor of operations overall, on the majority side of the partition,
//     and after the heal;
//   - malformed lines (not JSON, no msg_id, no key, unknown type, bad base64, a bad frame, bytes
//     that are not UTF-8, a line over 16 MB) are reported on stderr, answered with an error where
//     there is a msg_id, and the node keeps going;
//   - every node exits 0 when its stdin closes, and its temporary log directory is gone.
// Every wait has a deadline; the nodes are killed on any failure (and exit by themselves if the
// router dies: their stdin closes).
//
// usage: maelstrom_router RAFTD [--seed S]
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <queue>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "core/sim/linearizability.h"

namespace {

using json = nlohmann::json;
using raft::sim::HistoryOp;
using raft::sim::KvOpKind;

constexpr int kNodes = 3;
constexpr int kClients = 5;  // the last one roams (Client::roaming)
// Phases, from the moment every node answered init (microseconds).
constexpr int64_t kMalformedAtUs = 1'000'000;
constexpr int64_t kPartitionAtUs = 3'000'000;   // the node that answered last is cut off from the others
constexpr int64_t kHealAtUs = 6'500'000;
constexpr int64_t kLossyUntilUs = 8'500'000;    // after the heal, 5% of node-to-node messages are lost
constexpr int64_t kStopAtUs = 10'500'000;       // clients stop invoking
constexpr int64_t kDrainUs = 1'500'000;         // then wait this long for answers
constexpr int64_t kNewLeaderGraceUs = 1'500'000;  // the majority side needs this long to elect
constexpr int kDropPermille = 50;
constexpr int64_t kInitTimeoutUs = 10'000'000;
constexpr int64_t kOpTimeoutUs = 1'000'000;      // as Maelstrom's clients: then the op is indeterminate
constexpr int64_t kExitTimeoutUs = 5'000'000;
constexpr int64_t kLinkDelayMinUs = 100, kLinkDelayMaxUs = 1'500;
constexpr size_t kHugeLineBytes = (16u << 20) + 4096;  // just over raftd's line limit
// Floors, about a sixth of what a debug (ASan + UBSan) build served here on 2 cores (seeds 1-3:
// 5,900-6,700 ok, 1,600-1,900 of them on the majority side of the partition, 2,700-3,400 after
// the heal), so that a loaded machine passes and a cluster that stops serving does not.
constexpr int kOkOpsMin = 1000;
constexpr int kOkOpsInPartitionMin = 200;  // answered on the majority side while the partition held
constexpr int kOkOpsAfterHealMin = 400;
constexpr int kOkReadsMin = 300, kOkWritesMin = 300, kCasSwappedMin = 100;
constexpr int kLinesAfterMalformedMin = 10;

const json kKeys[] = {0, 1, "k2"};

struct Proc {
  std::string name;  // n1, n2, n3
  pid_t pid = -1;
  int in = -1, out = -1;  // the router's ends of the node's stdin and stdout
  bool exited = false;
  int status = 0;
  std::string to_write;   // bytes waiting for its stdin
  std::string partial;    // an unfinished line from its stdout
  std::string log_path;   // its stderr
  std::set<uint64_t> reply_ids;
  uint64_t lines = 0, lines_after_malformed = 0;
};

struct Packet {
  int64_t at_us;
  uint64_t seq;
  int to;
  std::string line;
  bool operator>(const Packet& o) const { return at_us != o.at_us ? at_us > o.at_us : seq > o.seq; }
};

struct Attempt {
  HistoryOp op;
  json key, value, from;  // as sent
  bool dropped = false;   // error 11: it did not happen, so it is not in the history
};

struct Client {
  std::string name;
  int target = 0;          // the node it sends to
  bool busy = false;
  uint64_t msg_id = 0;
  int node = 0;            // where the outstanding request went
  size_t attempt = 0;      // index into Router::attempts_
  std::map<std::string, json> last_seen;  // per key text: the last value it read or wrote
  // Only reads, each to a random node, as Maelstrom's clients pick nodes: some reach the node cut
  // off by the partition, which must not answer them from its stale state.
  bool roaming = false;
};

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }
std::string excerpt(const std::string& s) { return s.size() <= 300 ? s : s.substr(0, 300) + "..."; }

std::vector<pid_t> g_pids;  // killed on any failure

class Router {
 public:
  Router(std::string raftd, uint64_t seed) : raftd_(std::move(raftd)), seed_(seed), rng_(seed) {}
  int run();

 private:
  [[noreturn]] void fail(const std::string& why);
  void require(bool ok, const std::string& why) {
    if (!ok) fail(why);
  }
  int64_t now_us() const {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start_).count();
  }
  int64_t since_t0() const { return now_us() - t0_us_; }
  void spawn(int i);
  void pump(int64_t until_us, const std::function<bool()>& done = nullptr);
  void read_from(int i);
  void write_to(int i);
  void handle_line(int i, const std::string& line);
  void route(int from, int to, const std::string& line);
  void on_reply(int i, const std::string& dest, const json& body);
  void on_client_reply(int i, Client& c, const json& body);
  void clients_tick();
  void issue(Client& c, int index);
  void send_line(int i, const std::string& line) { nodes_[static_cast<size_t>(i)].to_write += line + "\n"; }
  void inject_malformed();
  void shut_down();
  int node_index(const std::string& name) const {
    for (int i = 0; i < kNodes; ++i) {
      if (nodes_[static_cast<size_t>(i)].name == name) return i;
    }
    return -1;
  }
  bool cut(int a, int b) const {
    const int64_t t = since_t0();
    if (!initialized_ || t < kPartitionAtUs || t >= kHealAtUs) return false;
    return (a == isolated_) != (b == isolated_);
  }
  std::string tail(const std::string& path, size_t lines) const;

  std::string raftd_;
  uint64_t seed_;
  std::mt19937_64 rng_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::string dir_;
  std::vector<Proc> nodes_{kNodes};
  std::priority_queue<Packet, std::vector<Packet>, std::greater<>> in_flight_;
  uint64_t packet_seq_ = 0;
  std::vector<Client> clients_;
  std::vector<Attempt> attempts_;
  bool initialized_ = false;
  int64_t t0_us_ = 0;
  bool running_clients_ = false;
  bool malformed_sent_ = false;
  int isolated_ = -1;
  int last_ok_node_ = -1;
  uint64_t next_msg_id_ = 1;
  std::set<int> init_ok_;
  // Replies the malformed lines must get: (node, msg_id) -> error code; erased as they arrive.
  std::map<std::pair<int, uint64_t>, int> expected_errors_;
  // Counters.
  uint64_t routed_ = 0, dropped_ = 0, late_replies_ = 0, unavailable_ = 0, indefinite_ = 0, timeouts_ = 0;
  int ok_ops_ = 0, ok_in_partition_ = 0, ok_after_heal_ = 0, ok_reads_ = 0, ok_writes_ = 0, cas_swapped_ = 0, cas_refused_ = 0;
};

void Router::fail(const std::string& why) {
  std::fprintf(stderr, "FAIL: %s\n", why.c_str());
  for (const Proc& p : nodes_) {
    if (p.log_path.empty()) continue;
    std::fprintf(stderr, "--- %s stderr (last lines):\n%s", p.name.c_str(), tail(p.log_path, 15).c_str());
  }
  for (pid_t pid : g_pids) kill(pid, SIGKILL);
  for (pid_t pid : g_pids) waitpid(pid, nullptr, 0);
  if (!dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  std::exit(1);
}

std::string Router::tail(const std::string& path, size_t lines) const {
  std::ifstream f(path);
  std::vector<std::string> all;
  for (std::string l; std::getline(f, l);) all.push_back(excerpt(l));
  std::string out;
  for (size_t i = all.size() > lines ? all.size() - lines : 0; i < all.size(); ++i) out += all[i] + "\n";
  return out;
}

void Router::spawn(int i) {
  Proc& p = nodes_[static_cast<size_t>(i)];
  p.name = "n" + std::to_string(i + 1);
  p.log_path = dir_ + "/" + p.name + ".stderr";
  int in[2], out[2];
  require(pipe2(in, O_CLOEXEC) == 0 && pipe2(out, O_CLOEXEC) == 0, std::string("pipe2: ") + std::strerror(errno));
  const int err = open(p.log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  require(err >= 0, "cannot create " + p.log_path);
  const std::string seed = std::to_string(seed_);
  // Election timeouts twice the paper's: a sanitized build on a loaded 2-core machine stalls.
  // Frequent snapshots: the node cut off by the partition falls behind the leader's log and
  // catches up by InstallSnapshot, through the same lines.
  const char* argv[] = {raftd_.c_str(), "--maelstrom", "--seed", seed.c_str(), "--election-timeout", "300-600",
                        "--snapshot-every", "500", nullptr};
  p.pid = fork();
  require(p.pid >= 0, std::string("fork: ") + std::strerror(errno));
  if (p.pid == 0) {
    dup2(in[0], 0);
    dup2(out[1], 1);
    dup2(err, 2);
    execv(argv[0], const_cast<char* const*>(argv));  // NOLINT: execv's signature
    std::fprintf(stderr, "cannot run %s: %s\n", argv[0], std::strerror(errno));
    _exit(127);
  }
  g_pids.push_back(p.pid);
  close(in[0]);
  close(out[1]);
  close(err);
  p.in = in[1];
  p.out = out[0];
  fcntl(p.in, F_SETFL, O_NONBLOCK);
  fcntl(p.out, F_SETFL, O_NONBLOCK);
}

// Runs the loop until `until_us` (router time) or until done() holds.
void Router::pump(int64_t until_us, const std::function<bool()>& done) {
  while (now_us() < until_us && !(done && done())) {
    int64_t wait_us = std::min<int64_t>(until_us - now_us(), 10'000);
    if (!in_flight_.empty()) wait_us = std::min(wait_us, in_flight_.top().at_us - now_us());
    std::vector<pollfd> fds;
    std::vector<std::pair<int, bool>> what;  // node, is its stdin
    for (int i = 0; i < kNodes; ++i) {
      const Proc& p = nodes_[static_cast<size_t>(i)];
      if (p.out >= 0) {
        fds.push_back({p.out, POLLIN, 0});
        what.emplace_back(i, false);
      }
      if (p.in >= 0 && !p.to_write.empty()) {
        fds.push_back({p.in, POLLOUT, 0});
        what.emplace_back(i, true);
      }
    }
    const int n = poll(fds.data(), fds.size(), static_cast<int>(std::max<int64_t>(wait_us, 0) / 1000));
    require(n >= 0 || errno == EINTR, std::string("poll: ") + std::strerror(errno));
    for (size_t k = 0; n > 0 && k < fds.size(); ++k) {
      if (fds[k].revents == 0) continue;
      if (what[k].second) write_to(what[k].first);
      else read_from(what[k].first);
    }
    while (!in_flight_.empty() && in_flight_.top().at_us <= now_us()) {
      const Packet& pk = in_flight_.top();
      send_line(pk.to, pk.line);
      in_flight_.pop();
    }
    for (int i = 0; i < kNodes; ++i) {
      if (!nodes_[static_cast<size_t>(i)].to_write.empty()) write_to(i);
    }
    if (initialized_ && !malformed_sent_ && since_t0() >= kMalformedAtUs) inject_malformed();
    if (initialized_ && isolated_ < 0 && since_t0() >= kPartitionAtUs) {
      require(last_ok_node_ >= 0, "no client operation succeeded in the first " + std::to_string(kPartitionAtUs / 1'000'000) +
                                      " s: was a leader ever elected?");
      isolated_ = last_ok_node_;
      std::printf("== %.1f s: partition: %s | the others (it answered last, so it probably leads)\n", since_t0() / 1e6,
                  nodes_[static_cast<size_t>(isolated_)].name.c_str());
    }
    if (running_clients_) clients_tick();
  }
}

void Router::read_from(int i) {
  Proc& p = nodes_[static_cast<size_t>(i)];
  char buf[1 << 16];
  for (;;) {
    const ssize_t n = read(p.out, buf, sizeof buf);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    if (n <= 0) {
      int status = 0;
      waitpid(p.pid, &status, 0);
      p.exited = true;
      p.status = status;
      fail(p.name + " closed its stdout (exited with status " + std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) +
           (WIFSIGNALED(status) ? ", killed by signal " + std::to_string(WTERMSIG(status)) : std::string()) + ") during the run");
    }
    p.partial.append(buf, static_cast<size_t>(n));
    size_t start = 0;
    for (size_t nl; (nl = p.partial.find('\n', start)) != std::string::npos; start = nl + 1) {
      handle_line(i, p.partial.substr(start, nl - start));
    }
    p.partial.erase(0, start);
  }
}

void Router::write_to(int i) {
  Proc& p = nodes_[static_cast<size_t>(i)];
  while (!p.to_write.empty()) {
    const ssize_t n = write(p.in, p.to_write.data(), p.to_write.size());
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    require(n > 0, p.name + "'s stdin is closed (" + std::strerror(errno) + "): did it exit?");
    p.to_write.erase(0, static_cast<size_t>(n));
  }
}

void Router::handle_line(int i, const std::string& line) {
  Proc& p = nodes_[static_cast<size_t>(i)];
  ++p.lines;
  if (malformed_sent_) ++p.lines_after_malformed;
  const json m = json::parse(line, nullptr, false);
  require(!m.is_discarded() && m.is_object(), p.name + " wrote a line on stdout that is not a JSON object: " + excerpt(line));
  const auto src = m.find("src"), dest = m.find("dest"), body = m.find("body");
  require(src != m.end() && dest != m.end() && body != m.end() && src->is_string() && dest->is_string() && body->is_object(),
          p.name + " wrote a message without src, dest and body: " + excerpt(line));
  require(*src == p.name, p.name + " wrote a message with src " + dump(*src) + ": " + excerpt(line));
  const auto type = body->find("type");
  require(type != body->end() && type->is_string(), p.name + " wrote a body without a type: " + excerpt(line));
  const std::string to = dest->get<std::string>();
  if (const int j = node_index(to); j >= 0) {
    require(j != i, p.name + " sent a message to itself: " + excerpt(line));
    require(*type == "raft" && body->contains("frames") && (*body)["frames"].is_string(),
            p.name + " sent a node a message that is not {\"type\":\"raft\",\"frames\":...}: " + excerpt(line));
    return route(i, j, line);
  }
  require(!to.empty() && to[0] == 'c', p.name + " wrote to " + to + ", which is neither a node nor a client");
  on_reply(i, to, *body);
}

// A node-to-node message: lost across the partition and, for a while after the heal, at random;
// else delivered after a small delay, in (delivery time, send order) order.
void Router::route(int from, int to, const std::string& line) {
  const int64_t t = since_t0();
  const bool lossy = initialized_ && t >= kHealAtUs && t < kLossyUntilUs;
  if (cut(from, to) || (lossy && static_cast<int>(rng_() % 1000) < kDropPermille)) {
    ++dropped_;
    return;
  }
  ++routed_;
  const int64_t delay = kLinkDelayMinUs + static_cast<int64_t>(rng_() % static_cast<uint64_t>(kLinkDelayMaxUs - kLinkDelayMinUs));
  in_flight_.push(Packet{now_us() + delay, packet_seq_++, to, line});
}

void Router::on_reply(int i, const std::string& dest, const json& body) {
  Proc& p = nodes_[static_cast<size_t>(i)];
  const std::string shown = dump(body);
  const auto id = body.find("msg_id"), irt = body.find("in_reply_to");
  require(id != body.end() && id->is_number_unsigned(), p.name + " replied without a msg_id: " + shown);
  require(irt != body.end() && irt->is_number_unsigned(), p.name + " replied without in_reply_to: " + shown);
  require(p.reply_ids.insert(id->get<uint64_t>()).second, p.name + " used msg_id " + dump(*id) + " twice");
  const std::string type = body["type"];
  if (type == "error") {
    require(body.contains("code") && body["code"].is_number_integer() && body.contains("text") && body["text"].is_string(),
            p.name + " sent an error without an integer code and a text: " + shown);
  }
  const uint64_t in_reply_to = irt->get<uint64_t>();
  if (dest == "c0") {
    require(type == "init_ok" && in_reply_to == static_cast<uint64_t>(i + 1), p.name + " answered init with " + shown);
    init_ok_.insert(i);
    return;
  }
  if (dest == "c9") {
    const auto it = expected_errors_.find({i, in_reply_to});
    require(it != expected_errors_.end(), p.name + " answered a malformed line that has no msg_id, or twice: " + shown);
    require(type == "error" && body["code"] == it->second,
            p.name + " answered malformed request " + std::to_string(in_reply_to) + " with " + shown + ", not error " + std::to_string(it->second));
    expected_errors_.erase(it);
    return;
  }
  for (Client& c : clients_) {
    if (c.name != dest) continue;
    if (!c.busy || c.msg_id != in_reply_to) {
      ++late_replies_;  // an answer after the client gave up: the op stays indeterminate
      return;
    }
    require(c.node == i, p.name + " answered " + c.name + "'s request " + std::to_string(in_reply_to) + ", which went to " +
                             nodes_[static_cast<size_t>(c.node)].name);
    return on_client_reply(i, c, body);
  }
  fail(p.name + " wrote to " + dest + ", a client that does not exist");
}

void Router::on_client_reply(int i, Client& c, const json& body) {
  Attempt& a = attempts_[c.attempt];
  HistoryOp& op = a.op;
  const std::string type = body["type"];
  const int code = type == "error" ? body["code"].get<int>() : -1;
  const std::string what = nodes_[static_cast<size_t>(i)].name + " answered " + c.name + "'s " +
                           (op.kind == KvOpKind::Get ? "read" : op.kind == KvOpKind::Put ? "write" : "cas") + " with " + dump(body);
  c.busy = false;
  const int64_t t = now_us();
  bool ok = false;
  if (code == 11) {  // definite: it did not happen
    a.dropped = true;
    ++unavailable_;
    const auto leader = body.find("leader");
    const int hint = leader != body.end() && leader->is_string() ? node_index(*leader) : -1;
    c.target = hint >= 0 ? hint : static_cast<int>((static_cast<uint64_t>(c.target) + 1 + rng_() % (kNodes - 1)) % kNodes);
    return;
  }
  if (code == 0 || code == 13) {  // indefinite: it may or may not have happened
    ++indefinite_;
    return;
  }
  op.returned = true;
  op.return_us = t;
  switch (op.kind) {
    case KvOpKind::Get:
      if (type == "read_ok") {
        require(body.contains("value"), what + ": read_ok without a value");
        op.result = dump(body["value"]);
        c.last_seen[op.key] = body["value"];
        ++ok_reads_;
        ok = true;
      } else {
        require(code == 20, what + ": expected read_ok or error 20, 11, 0 or 13");
        op.result = std::nullopt;
      }
      break;
    case KvOpKind::Put:
      require(type == "write_ok", what + ": expected write_ok or error 11, 0 or 13");
      op.result = op.value;
      c.last_seen[op.key] = a.value;
      ++ok_writes_;
      ok = true;
      break;
    case KvOpKind::Cas:
      if (type == "cas_ok") {
        op.cas_swapped = true;
        op.result = op.value;
        c.last_seen[op.key] = a.value;
        ++cas_swapped_;
        ok = true;
      } else if (code == 20) {
        op.result = std::nullopt;
        ++cas_refused_;
      } else {
        require(code == 22, what + ": expected cas_ok or error 20, 22, 11, 0 or 13");
        require(body.contains("value"), what + ": error 22 without the current value");
        op.result = dump(body["value"]);
        require(*op.result != op.expect, what + ": error 22, but the value it reports is 'from'");
        c.last_seen[op.key] = body["value"];
        ++cas_refused_;
      }
      break;
    default: fail("a client op of an unexpected kind");
  }
  if (!ok) return;
  ++ok_ops_;
  last_ok_node_ = i;
  const int64_t invoked = op.invoke_us - t0_us_, returned = t - t0_us_;
  if (invoked >= kPartitionAtUs + kNewLeaderGraceUs && returned < kHealAtUs && i != isolated_) ++ok_in_partition_;
  if (invoked >= kHealAtUs) ++ok_after_heal_;
}

void Router::clients_tick() {
  const int64_t t = now_us();
  for (size_t k = 0; k < clients_.size(); ++k) {
    Client& c = clients_[k];
    if (c.busy && t - attempts_[c.attempt].op.invoke_us > kOpTimeoutUs) {
      c.busy = false;  // no answer: indeterminate (returned stays false); try another node next
      ++timeouts_;
      c.target = static_cast<int>((static_cast<uint64_t>(c.target) + 1 + rng_() % (kNodes - 1)) % kNodes);
    }
    if (!c.busy && since_t0() < kStopAtUs) issue(c, static_cast<int>(k));
  }
}

void Router::issue(Client& c, int index) {
  Attempt a;
  HistoryOp& op = a.op;
  op.client = static_cast<uint32_t>(index + 1);
  op.req = attempts_.size() + 1;
  a.key = kKeys[rng_() % std::size(kKeys)];
  op.key = dump(a.key);
  // Values unique per write, now and then not a number: any JSON is a value.
  const uint64_t n = static_cast<uint64_t>(index + 1) * 1'000'000 + attempts_.size();
  json fresh = rng_() % 8 == 0 ? json::array({n, "x"}) : json(n);
  json body{{"key", a.key}};
  const uint64_t r = c.roaming ? 0 : rng_() % 10;
  if (r < 4) {
    op.kind = KvOpKind::Get;
    body["type"] = "read";
  } else if (r < 7) {
    op.kind = KvOpKind::Put;
    a.value = fresh;
    op.value = dump(fresh);
    body["type"] = "write";
    body["value"] = fresh;
  } else {
    op.kind = KvOpKind::Cas;
    const auto seen = c.last_seen.find(op.key);
    a.from = seen != c.last_seen.end() ? seen->second : json(0);
    a.value = fresh;
    op.expect = dump(a.from);
    op.value = dump(fresh);
    body["type"] = "cas";
    body["from"] = a.from;
    body["to"] = fresh;
  }
  c.msg_id = next_msg_id_++;
  body["msg_id"] = c.msg_id;
  c.node = c.roaming ? static_cast<int>(rng_() % kNodes) : c.target;
  c.busy = true;
  c.attempt = attempts_.size();
  op.invoke_us = now_us();
  attempts_.push_back(std::move(a));
  send_line(c.node, dump(json{{"src", c.name}, {"dest", nodes_[static_cast<size_t>(c.node)].name}, {"body", body}}));
}

// Lines no Maelstrom would send. Each node must report them on stderr, answer those that have a
// msg_id with the right error, and keep going.
void Router::inject_malformed() {
  malformed_sent_ = true;
  for (int i = 0; i < kNodes; ++i) {
    const std::string me = nodes_[static_cast<size_t>(i)].name;
    const std::string peer = nodes_[static_cast<size_t>((i + 1) % kNodes)].name;
    const std::string head = "{\"src\":\"c9\",\"dest\":\"" + me + "\",\"body\":";
    send_line(i, "this is not JSON");
    send_line(i, "[1, 2, 3]");
    send_line(i, "{}");
    send_line(i, "{\"src\":\"c9\",\"dest\":\"" + me + "\",\"body\":\"not an object\"}");
    send_line(i, head + "{\"type\":\"read\",\"key\":1}}");                           // no msg_id: nobody to answer
    send_line(i, head + "{\"type\":\"read\",\"key\":1,\"msg_id\":-5}}");             // a msg_id that is not one
    send_line(i, head + "{\"type\":\"write\",\"key\":\"\xff\xfe\",\"value\":1,\"msg_id\":900000}}");  // not UTF-8: not JSON
    send_line(i, head + "{\"type\":\"read\",\"msg_id\":900001}}");                   // no key
    send_line(i, head + "{\"type\":\"frobnicate\",\"msg_id\":900002}}");             // unknown type
    send_line(i, head + "{\"type\":\"cas\",\"key\":1,\"from\":1,\"msg_id\":900003}}");  // no "to"
    send_line(i, "{\"src\":\"" + peer + "\",\"dest\":\"" + me + "\",\"body\":{\"type\":\"raft\",\"frames\":\"@@@\"}}");
    send_line(i, "{\"src\":\"" + peer + "\",\"dest\":\"" + me + "\",\"body\":{\"type\":\"raft\",\"frames\":\"BQAAAGhlbGxv\"}}");  // a frame that does not decode
    send_line(i, "{\"src\":\"" + peer + "\",\"dest\":\"" + me + "\",\"body\":{\"type\":\"raft\"}}");
    expected_errors_[{i, 900001}] = 12;
    expected_errors_[{i, 900002}] = 10;
    expected_errors_[{i, 900003}] = 12;
  }
  // One well-formed write over the line limit: skipped whole, never half-read.
  send_line(0, "{\"src\":\"c9\",\"dest\":\"n1\",\"body\":{\"type\":\"write\",\"key\":1,\"msg_id\":900004,\"value\":\"" +
                   std::string(kHugeLineBytes, 'x') + "\"}}");
  std::printf("== %.1f s: malformed lines sent to every node\n", since_t0() / 1e6);
}

void Router::shut_down() {
  for (Proc& p : nodes_) {
    close(p.in);
    p.in = -1;
  }
  const int64_t deadline = now_us() + kExitTimeoutUs;
  for (Proc& p : nodes_) {
    // Read what it still writes, so that it never blocks on a full pipe while exiting.
    while (!p.exited) {
      char buf[1 << 16];
      while (read(p.out, buf, sizeof buf) > 0) {
      }
      const pid_t r = waitpid(p.pid, &p.status, WNOHANG);
      if (r == p.pid) {
        p.exited = true;
        break;
      }
      require(now_us() < deadline, p.name + " did not exit within " + std::to_string(kExitTimeoutUs / 1'000'000) + " s of its stdin closing");
      usleep(10'000);  // polling the exit, not an assertion
    }
    g_pids.erase(std::remove(g_pids.begin(), g_pids.end(), p.pid), g_pids.end());
    close(p.out);
    p.out = -1;
    require(WIFEXITED(p.status) && WEXITSTATUS(p.status) == 0,
            p.name + " did not exit cleanly when its stdin closed (status " + std::to_string(p.status) + "): see its stderr");
  }
}

int Router::run() {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // progress lines and a failure's sentence in the order they happened
  std::signal(SIGPIPE, SIG_IGN);
  char tmpl[] = "/tmp/raftlab-maelstrom-XXXXXX";
  require(mkdtemp(tmpl) != nullptr, std::string("mkdtemp: ") + std::strerror(errno));
  dir_ = tmpl;
  setenv("TMPDIR", dir_.c_str(), 1);  // the nodes' temporary logs go here, so the test sees them removed
  for (int i = 0; i < kNodes; ++i) spawn(i);
  json ids = json::array();
  for (const Proc& p : nodes_) ids.push_back(p.name);
  for (int i = 0; i < kNodes; ++i) {
    send_line(i, dump(json{{"src", "c0"},
                           {"dest", nodes_[static_cast<size_t>(i)].name},
                           {"body", {{"type", "init"}, {"msg_id", i + 1}, {"node_id", nodes_[static_cast<size_t>(i)].name}, {"node_ids", ids}}}}));
  }
  pump(now_us() + kInitTimeoutUs, [&] { return init_ok_.size() == kNodes; });
  require(init_ok_.size() == kNodes, "not every node answered init within " + std::to_string(kInitTimeoutUs / 1'000'000) + " s");
  initialized_ = true;
  t0_us_ = now_us();
  std::printf("== every node answered init; %d clients on keys 0, 1, \"k2\" (one only reads, from any node)\n", kClients);
  for (int k = 0; k < kClients; ++k) {
    Client c;
    c.name = "c" + std::to_string(k + 1);
    c.target = k % kNodes;
    c.roaming = k == kClients - 1;
    clients_.push_back(c);
  }
  running_clients_ = true;
  pump(t0_us_ + kHealAtUs);
  std::printf("== %.1f s: heal; %d%% of node-to-node messages lost until %.1f s\n", since_t0() / 1e6, kDropPermille / 10, kLossyUntilUs / 1e6);
  pump(t0_us_ + kStopAtUs);
  std::printf("== %.1f s: clients stop; waiting up to %.1f s for answers\n", since_t0() / 1e6, kDrainUs / 1e6);
  pump(now_us() + kDrainUs, [&] {
    return std::none_of(clients_.begin(), clients_.end(), [](const Client& c) { return c.busy; }) && expected_errors_.empty();
  });
  running_clients_ = false;

  // Malformed input: answered where it could be, reported on stderr, and the nodes kept going.
  for (const auto& [key, code] : expected_errors_) {
    fail(nodes_[static_cast<size_t>(key.first)].name + " never answered malformed request " + std::to_string(key.second) +
         " (expected error " + std::to_string(code) + ")");
  }
  for (const Proc& p : nodes_) {
    require(p.lines_after_malformed >= kLinesAfterMalformedMin,
            p.name + " wrote only " + std::to_string(p.lines_after_malformed) + " lines after the malformed ones");
  }
  shut_down();
  for (const Proc& p : nodes_) {
    std::ifstream f(p.log_path);
    std::stringstream s;
    s << f.rdbuf();
    const std::string log = s.str();
    for (const char* needle : {"not JSON", "no \"body\" object", "\"frames\" is not base64", "a bad frame from", "unknown type \"frobnicate\""}) {
      require(log.find(needle) != std::string::npos, p.name + "'s stderr does not report a malformed line with '" + needle + "'");
    }
  }
  {
    std::ifstream f(nodes_[0].log_path);
    std::stringstream s;
    s << f.rdbuf();
    require(s.str().find("longer than 16 MB") != std::string::npos, "n1's stderr does not report the line over 16 MB");
  }
  for (const auto& e : std::filesystem::directory_iterator(dir_)) {
    require(e.path().filename().string().rfind("raftd-maelstrom-", 0) != 0, "a node left its temporary log behind: " + e.path().string());
  }

  // The history.
  std::vector<HistoryOp> history;
  for (const Attempt& a : attempts_) {
    if (!a.dropped) history.push_back(a.op);
  }
  const auto t_check = std::chrono::steady_clock::now();
  const raft::sim::LinearizabilityResult lin = raft::sim::check_linearizable(history);
  const double check_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_check).count();
  const uint64_t unanswered = static_cast<uint64_t>(std::count_if(history.begin(), history.end(), [](const HistoryOp& o) { return !o.returned; }));
  std::printf("== %zu ops invoked: %d ok (%d reads, %d writes, %d cas swapped), %d cas refused (20/22), %llu unavailable (11), "
              "%llu indefinite (0/13), %llu without an answer in %lld ms (%llu answered late)\n",
              attempts_.size(), ok_ops_, ok_reads_, ok_writes_, cas_swapped_, cas_refused_, static_cast<unsigned long long>(unavailable_),
              static_cast<unsigned long long>(indefinite_), static_cast<unsigned long long>(timeouts_),
              static_cast<long long>(kOpTimeoutUs / 1000), static_cast<unsigned long long>(late_replies_));
  std::printf("== ok while partitioned (majority side): %d; ok after the heal: %d; node messages routed %llu, lost %llu\n",
              ok_in_partition_, ok_after_heal_, static_cast<unsigned long long>(routed_), static_cast<unsigned long long>(dropped_));
  std::printf("== history: %zu ops (%llu indeterminate): %s, %llu states, %.2f s\n", history.size(),
              static_cast<unsigned long long>(unanswered), raft::sim::to_string(lin.verdict),
              static_cast<unsigned long long>(lin.states_explored), check_s);
  require(lin.linearizable(), "the history is " + std::string(raft::sim::to_string(lin.verdict)) + ": key " + lin.key + ": " + lin.explanation);
  require(ok_ops_ >= kOkOpsMin, "only " + std::to_string(ok_ops_) + " ok operations, at least " + std::to_string(kOkOpsMin) + " expected");
  require(ok_reads_ >= kOkReadsMin, "only " + std::to_string(ok_reads_) + " ok reads, at least " + std::to_string(kOkReadsMin) + " expected");
  require(ok_writes_ >= kOkWritesMin, "only " + std::to_string(ok_writes_) + " ok writes, at least " + std::to_string(kOkWritesMin) + " expected");
  require(cas_swapped_ >= kCasSwappedMin, "only " + std::to_string(cas_swapped_) + " cas swapped, at least " + std::to_string(kCasSwappedMin) + " expected");
  require(ok_in_partition_ >= kOkOpsInPartitionMin,
          "only " + std::to_string(ok_in_partition_) + " ok operations on the majority side during the partition, at least " +
              std::to_string(kOkOpsInPartitionMin) + " expected (a new leader should have been elected)");
  require(ok_after_heal_ >= kOkOpsAfterHealMin,
          "only " + std::to_string(ok_after_heal_) + " ok operations after the heal, at least " + std::to_string(kOkOpsAfterHealMin) + " expected");
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
  std::printf("ok: linearizable, %d ok operations in %.1f s\n", ok_ops_, now_us() / 1e6);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: maelstrom_router RAFTD [--seed S]\n");
    return 2;
  }
  uint64_t seed = 1;
  for (int i = 2; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--seed" && i + 1 < argc) {
      seed = std::strtoull(argv[++i], nullptr, 10);
    } else {
      std::fprintf(stderr, "maelstrom_router: unknown argument '%s'\n", a.c_str());
      return 2;
    }
  }
  Router router(argv[1], seed);
  return router.run();
}
