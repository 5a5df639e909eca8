// raftctl chaos (issue 10): clients write, read and cas while a nemesis kills, pauses and
// partitions servers; then everything is healed, every acknowledged write to a key of its own is
// read back, and the whole history goes through the project's linearizability checker (the one
// the simulator runs after every fuzz run). Jepsen's method, on one machine.
#include <signal.h>

#include "shell/raftctl/history.h"
#include "shell/raftctl/raftctl.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>
#include <vector>

namespace raft::raftctl {

namespace {

using Clock = std::chrono::steady_clock;
using sim::HistoryOp;
using sim::KvOpKind;

constexpr int kKeysPerGeneration = 4;
constexpr double kGenerationSeconds = 3;  // keys change every 3 s: an op of unknown outcome stays open only on its own keys
constexpr auto kClientTimeout = std::chrono::milliseconds(7000);  // raftd gives up on a command after 5 s

struct Run {
  Run(const Cluster& cluster, std::string key_prefix, double seconds)
      : c(cluster), prefix(std::move(key_prefix)), start(Clock::now()),
        end(start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds))) {}
  const Cluster& c;
  std::string prefix;  // every key of this run starts with it: the checker assumes keys start absent
  Clock::time_point start;
  Clock::time_point end;
  std::atomic<bool> stop{false};
  std::mutex mu;       // guards the nemesis's view below against the clients' reads
  std::set<int> down;  // killed (or paused) by the nemesis: clients pick other servers

  int64_t now_us() const { return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start).count(); }
  double now_s() const { return static_cast<double>(now_us()) / 1e6; }
};

struct ClientLog {
  std::vector<HistoryOp> ops;      // ok and unknown-outcome ops, in the order invoked
  std::vector<size_t> witnesses;   // ops[i]: acknowledged puts to a key no other op touches
  uint64_t ok = 0, not_done = 0, unknown = 0;
  std::vector<std::string> malformed;
};

http::verb verb_of(KvOpKind k) {
  switch (k) {
    case KvOpKind::Get: return http::verb::get;
    case KvOpKind::Delete: return http::verb::delete_;
    case KvOpKind::Cas: return http::verb::post;
    default: return http::verb::put;
  }
}

// Sends `op` to server `i` and records it; returns how it ended.
Outcome perform(Run& run, int i, HistoryOp& op, ClientLog& log) {
  std::string target = "/kv/" + op.key, body = op.value;
  if (op.kind == KvOpKind::Cas) {
    target += "/cas";
    body = json{{"from", op.expect}, {"to", op.value}}.dump();
  }
  op.invoke_us = run.now_us();
  const Reply r = request(run.c.http_port(i), verb_of(op.kind), target, body, kClientTimeout);
  const Classified k = classify(op, r.status, r.body, r.sent);
  switch (k.outcome) {
    case Outcome::Ok:
      op.returned = true;
      op.return_us = run.now_us();
      ++log.ok;
      log.ops.push_back(op);
      break;
    case Outcome::Unknown:
      ++log.unknown;
      if (op.kind != KvOpKind::Get) log.ops.push_back(op);  // a read that never returned changed nothing
      break;
    case Outcome::NotDone:
      ++log.not_done;
      break;
    case Outcome::Malformed:
      log.malformed.push_back("s" + std::to_string(i) + " " + op.key + ": " + k.problem);
      // What it did is not known: kept as of unknown outcome, so the verdict names the answer, not a
      // linearizability failure it would cause.
      op.result.reset();
      op.cas_swapped = false;
      if (op.kind != KvOpKind::Get) log.ops.push_back(op);
      break;
  }
  return k.outcome;
}

void client(Run& run, uint32_t id, uint64_t seed, ClientLog& log) {
  std::mt19937_64 rng(seed);
  std::map<std::string, std::string> seen;  // the last value this client saw per key (its cas "from")
  uint64_t n = 0;
  while (!run.stop.load()) {
    int i = 0;
    {
      std::lock_guard<std::mutex> g(run.mu);
      std::vector<int> up;
      for (int s = 1; s <= run.c.n; ++s) {
        if (!run.down.count(s)) up.push_back(s);
      }
      if (up.empty()) up.push_back(1);
      i = up[rng() % up.size()];
    }
    HistoryOp op;
    op.client = id;
    op.req = (static_cast<uint64_t>(id) << 32) | ++n;
    const std::string value = "c" + std::to_string(id) + "-" + std::to_string(n);
    if (n % 10 == 0) {  // a key of its own: acknowledged, it must be there at the end
      op.kind = KvOpKind::Put;
      op.key = run.prefix + "w" + std::to_string(id) + "-" + std::to_string(n);
      op.value = value;
      if (perform(run, i, op, log) == Outcome::Ok) log.witnesses.push_back(log.ops.size() - 1);
      continue;
    }
    const auto gen = static_cast<int>(run.now_s() / kGenerationSeconds);
    op.key = run.prefix + "g" + std::to_string(gen) + "-k" + std::to_string(rng() % kKeysPerGeneration);
    const uint64_t dice = rng() % 100;
    if (dice < 40) {
      op.kind = KvOpKind::Put;
      op.value = value;
    } else if (dice < 75) {
      op.kind = KvOpKind::Get;
    } else if (dice < 95) {
      op.kind = KvOpKind::Cas;
      op.expect = seen.count(op.key) ? seen[op.key] : "none";
      op.value = value;
    } else {
      op.kind = KvOpKind::Delete;
    }
    if (perform(run, i, op, log) == Outcome::Ok) {
      if (op.result) seen[op.key] = *op.result;
      else seen.erase(op.key);
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));  // an election is probably under way
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

// The nemesis: every 1-3 s one fault or one repair, never more than a minority of servers killed or
// paused at once (so the cluster can make progress some of the time), partitions on top of that.
class Nemesis {
 public:
  Nemesis(Run& run, uint64_t seed) : run_(run), rng_(seed) {}

  void loop() {
    while (Clock::now() < run_.end) {
      const auto wait = std::chrono::milliseconds(1000 + static_cast<int>(rng_() % 2000));
      std::this_thread::sleep_until(std::min(run_.end, Clock::now() + wait));
      if (Clock::now() >= run_.end) break;
      act();
    }
  }

  // Resume, restart and heal everything; "" or what could not be healed.
  std::string heal_all() {
    std::string left;
    for (int i : std::vector<int>(paused_.begin(), paused_.end())) resume(i);
    for (int i : std::vector<int>(killed_.begin(), killed_.end())) restart(i);
    if (!heal()) left = "a server did not take the heal";
    return left;
  }

  int actions() const { return actions_; }

 private:
  void say(const std::string& what) {
    std::printf("  %5.1f s  %s\n", run_.now_s(), what.c_str());
    std::fflush(stdout);
    ++actions_;
  }
  void mark(int i, bool down) {
    std::lock_guard<std::mutex> g(run_.mu);
    if (down) run_.down.insert(i);
    else run_.down.erase(i);
  }
  int faulty() const { return static_cast<int>(killed_.size() + paused_.size()); }
  int pick_healthy() {
    std::vector<int> ok;
    for (int s = 1; s <= run_.c.n; ++s) {
      if (!killed_.count(s) && !paused_.count(s)) ok.push_back(s);
    }
    return ok.empty() ? 0 : ok[rng_() % ok.size()];
  }
  // Half the time the fault hits the leader, the server whose loss matters most.
  int pick_victim() {
    if (rng_() % 2 == 0) {
      const int l = leader(run_.c);
      if (l != 0 && !killed_.count(l) && !paused_.count(l)) return l;
    }
    return pick_healthy();
  }
  std::string name(int i) const { return "s" + std::to_string(i); }

  void kill(int i, bool is_leader) {
    const int pid = pid_of(run_.c, i);
    if (!alive(pid)) return;
    mark(i, true);
    ::kill(pid, SIGKILL);
    killed_.insert(i);
    say("kill " + name(i) + (is_leader ? " (the leader)" : ""));
  }
  void restart(int i) {
    for (int t = 0; t < 50 && alive(pid_of(run_.c, i)); ++t) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    launch(run_.c, i);
    killed_.erase(i);
    mark(i, false);
    say("restart " + name(i));
  }
  void pause(int i, bool is_leader) {
    const int pid = pid_of(run_.c, i);
    if (!alive(pid)) return;
    mark(i, true);
    ::kill(pid, SIGSTOP);
    paused_.insert(i);
    say("pause " + name(i) + (is_leader ? " (the leader)" : ""));
  }
  void resume(int i) {
    ::kill(pid_of(run_.c, i), SIGCONT);
    paused_.erase(i);
    if (!partitioned_) {  // a heal while it was paused did not reach it
      request(run_.c.http_port(i), http::verb::post, "/admin/heal", "", std::chrono::milliseconds(1000), 0);
    }
    mark(i, false);
    say("resume " + name(i));
  }
  // Each server blocks the servers outside its group (a paused or killed one misses it).
  void partition() {
    std::vector<int> order;
    for (int s = 1; s <= run_.c.n; ++s) order.push_back(s);
    std::shuffle(order.begin(), order.end(), rng_);
    const int minority = 1 + static_cast<int>(rng_() % static_cast<uint64_t>(std::max(1, (run_.c.n - 1) / 2)));
    std::vector<int> group(static_cast<size_t>(run_.c.n) + 1, 2);
    std::string text;
    for (int k = 0; k < run_.c.n; ++k) {
      if (k < minority) group[static_cast<size_t>(order[static_cast<size_t>(k)])] = 1;
    }
    for (int g = 1; g <= 2; ++g) {
      for (int s = 1; s <= run_.c.n; ++s) {
        if (group[static_cast<size_t>(s)] == g) text += name(s) + " ";
      }
      if (g == 1) text += "| ";
    }
    for (int s = 1; s <= run_.c.n; ++s) {
      if (killed_.count(s) || paused_.count(s)) continue;
      json block = json::array();
      for (int o = 1; o <= run_.c.n; ++o) {
        if (group[static_cast<size_t>(o)] != group[static_cast<size_t>(s)]) block.push_back(name(o));
      }
      request(run_.c.http_port(s), http::verb::post, "/admin/partition", json{{"block", block}}.dump(), std::chrono::milliseconds(1000), 0);
    }
    partitioned_ = true;
    text.pop_back();
    say("partition " + text);
  }
  bool heal() {
    bool all = true;
    for (int s = 1; s <= run_.c.n; ++s) {
      if (killed_.count(s) || paused_.count(s)) continue;  // a restarted server starts healed
      bool took = false;
      for (int t = 0; t < 50 && !took; ++t) {  // a restarted server may not listen yet
        took = request(run_.c.http_port(s), http::verb::post, "/admin/heal", "", std::chrono::milliseconds(1000), 0).status == 200;
        if (!took) std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
      all = all && took;
    }
    partitioned_ = false;
    say("heal");
    return all;
  }

  void act() {
    const int f = (run_.c.n - 1) / 2;
    std::vector<int> choices;  // 0 kill, 1 restart, 2 pause, 3 resume, 4 partition, 5 heal
    if (faulty() < f) choices.insert(choices.end(), {0, 2});
    if (!killed_.empty()) choices.push_back(1);
    if (!paused_.empty()) choices.push_back(3);
    choices.push_back(partitioned_ ? 5 : 4);
    const int a = choices[rng_() % choices.size()];
    if (a == 0 || a == 2) {
      const int l = leader(run_.c);
      const int v = pick_victim();
      if (v == 0) return;
      if (a == 0) kill(v, v == l);
      else pause(v, v == l);
    } else if (a == 1) {
      restart(*std::next(killed_.begin(), static_cast<long>(rng_() % killed_.size())));
    } else if (a == 3) {
      resume(*std::next(paused_.begin(), static_cast<long>(rng_() % paused_.size())));
    } else if (a == 4) {
      partition();
    } else {
      heal();
    }
  }

  Run& run_;
  std::mt19937_64 rng_;
  std::set<int> killed_, paused_;
  bool partitioned_ = false;
  int actions_ = 0;
};

// A read through whichever server leads, retried while it surely did not happen; recorded.
bool final_read(Run& run, const std::string& key, ClientLog& log, Clock::time_point deadline) {
  while (Clock::now() < deadline) {
    for (int i = 1; i <= run.c.n; ++i) {
      HistoryOp op;
      op.client = 9999;
      op.req = log.ops.size() + (uint64_t{1} << 40);
      op.kind = KvOpKind::Get;
      op.key = key;
      if (perform(run, i, op, log) == Outcome::Ok) return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

std::string with_commas(uint64_t v) {
  std::string s = std::to_string(v);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<size_t>(i), ",");
  return s;
}

}  // namespace

int chaos(const Cluster& c, int clients, double seconds, uint64_t seed) {
  for (int i = 1; i <= c.n; ++i) {
    if (!alive(pid_of(c, i))) die("s" + std::to_string(i) + " is not running (raftctl restart s" + std::to_string(i) + ")");
    if (paused(pid_of(c, i))) die("s" + std::to_string(i) + " is paused (raftctl resume s" + std::to_string(i) + ")");
  }
  // Keys of their own per run (the checker takes every key to start absent), also when a seed is
  // asked for again on the same cluster.
  const auto nonce = std::chrono::steady_clock::now().time_since_epoch().count() / 1000 % 1'000'000'000;
  Run run(c, "chaos" + std::to_string(seed) + "-" + std::to_string(nonce) + "-", seconds);
  std::printf("chaos: %d servers, %d clients, %.0f s, seed %llu (keys %s...)\n", c.n, clients, seconds,
              static_cast<unsigned long long>(seed), run.prefix.c_str());
  std::fflush(stdout);
  std::vector<ClientLog> logs(static_cast<size_t>(clients));
  std::vector<std::thread> threads;
  for (int k = 0; k < clients; ++k) {
    threads.emplace_back(client, std::ref(run), static_cast<uint32_t>(k + 1), seed * 1000 + static_cast<uint64_t>(k),
                         std::ref(logs[static_cast<size_t>(k)]));
  }
  Nemesis nemesis(run, seed);
  nemesis.loop();
  run.stop = true;
  for (std::thread& t : threads) t.join();  // each finishes its op in flight (at most kClientTimeout)

  // Heal, then wait for a leader that every server follows.
  const std::string heal_problem = nemesis.heal_all();
  if (!heal_problem.empty()) std::printf("  %s\n", heal_problem.c_str());
  const auto t_heal = Clock::now();
  int l = 0;
  while (Clock::now() < t_heal + std::chrono::seconds(30) && (l = leader(c)) == 0) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  if (l == 0) {
    std::printf("verdict: FAILED: no leader within 30 s of the heal\n");
    return 1;
  }
  std::printf("  %5.1f s  leader s%d, %.1f s after the heal\n", run.now_s(), l, std::chrono::duration<double>(Clock::now() - t_heal).count());

  // Every acknowledged write to a key of its own must read back; every key is read once more.
  ClientLog fin;
  std::vector<HistoryOp> history;
  uint64_t ok = 0, not_done = 0, unknown = 0, witnesses = 0;
  std::vector<std::string> problems;
  std::set<std::string> keys;
  for (const ClientLog& g : logs) {
    ok += g.ok;
    not_done += g.not_done;
    unknown += g.unknown;
    witnesses += g.witnesses.size();
    problems.insert(problems.end(), g.malformed.begin(), g.malformed.end());
    for (const HistoryOp& op : g.ops) keys.insert(op.key);
    history.insert(history.end(), g.ops.begin(), g.ops.end());
  }
  // A minute, and more for many keys (each read is one request).
  const auto deadline = Clock::now() + std::chrono::seconds(60) + std::chrono::milliseconds(20) * static_cast<long>(keys.size());
  uint64_t lost = 0;
  std::map<std::string, std::string> acked;  // witness key -> value
  for (const ClientLog& g : logs) {
    for (size_t w : g.witnesses) acked[g.ops[w].key] = g.ops[w].value;
  }
  for (const std::string& key : keys) {
    if (!final_read(run, key, fin, deadline)) {
      std::printf("verdict: FAILED: could not read %s back in time after the heal\n", key.c_str());
      return 1;
    }
    const HistoryOp& r = fin.ops.back();
    if (auto it = acked.find(key); it != acked.end() && r.result != it->second) {
      if (++lost <= 5) {
        std::printf("  LOST: %s was acknowledged as %s but reads %s\n", key.c_str(), it->second.c_str(),
                    r.result ? ("'" + *r.result + "'").c_str() : "nothing");
      }
    }
  }
  problems.insert(problems.end(), fin.malformed.begin(), fin.malformed.end());
  history.insert(history.end(), fin.ops.begin(), fin.ops.end());

  std::printf("  %s ops answered, %s surely not done, %s of unknown outcome; %d nemesis actions\n", with_commas(ok).c_str(),
              with_commas(not_done).c_str(), with_commas(unknown).c_str(), nemesis.actions());
  std::printf("  %s acknowledged writes to keys of their own: %s\n", with_commas(witnesses).c_str(),
              lost == 0 ? "all read back" : (with_commas(lost) + " LOST").c_str());
  for (size_t k = 0; k < problems.size() && k < 5; ++k) std::printf("  malformed answer: %s\n", problems[k].c_str());
  const auto t_check = Clock::now();
  const sim::LinearizabilityResult lin = sim::check_linearizable(history);
  std::printf("  history: %s operations on %zu keys, %s (%s states, %.1f s)\n", with_commas(history.size()).c_str(), keys.size(),
              sim::to_string(lin.verdict), with_commas(lin.states_explored).c_str(),
              std::chrono::duration<double>(Clock::now() - t_check).count());
  if (!lin.linearizable()) std::printf("  %s: %s\n", lin.key.c_str(), lin.explanation.c_str());
  if (ok == 0) problems.push_back("no operation succeeded");
  const bool pass = lin.linearizable() && lost == 0 && problems.empty();
  if (pass) {
    std::printf("verdict: PASSED: linearizable, nothing acknowledged lost\n");
    return 0;
  }
  std::printf("verdict: %s\n", lin.refuted() ? "FAILED: not linearizable"
                               : lost != 0   ? "FAILED: acknowledged writes lost"
                               : !problems.empty() ? ("FAILED: " + problems.front()).c_str()
                                                   : "UNDECIDED: the checker hit its budget; run a shorter chaos");
  return lin.undecided() && lost == 0 && problems.empty() ? 2 : 1;
}

}  // namespace raft::raftctl
