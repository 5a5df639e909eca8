// The statement table: for each kind, its keyword and class, the grammar of its arguments (parse),
// their printed form (print) and, for header and setting kinds, how they fold into a config.
// parse(print(s)) == s for every statement; tests/core/scenario_test.cpp checks it on random ones.
#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <type_traits>
#include <variant>

#include "core/sim/statement_table.h"
#include "core/sim/text.h"

namespace raft::sim::detail {
namespace {

using C = StatementClass;

constexpr uint64_t kClientsMax = 1000;
constexpr double kRatePerSecondMax = 1'000'000;
constexpr uint64_t kKeysMax = 1000;
constexpr uint64_t kAppendEntriesMax = 100'000;

// ---- shared argument shapes ----

// `min max`, both durations, min <= max; `what` names it in messages ("the latency").
bool range(LineReader& r, Time& lo, Time& hi, std::string_view kw, std::string_view what) {
  if (!r.duration(lo, kw) || !r.duration(hi, kw)) return false;
  if (lo > hi) {
    return r.fail(std::string(what) + "'s minimum (" + format_duration(lo) + ") is above its maximum (" + format_duration(hi) + ")");
  }
  return true;
}

// ---- header ----

bool parse_nodes(LineReader& r, Statement& out) {
  if (r.first_node_line() != 0) {
    return r.fail("'nodes' must come before every line that names a node (line " + std::to_string(r.first_node_line()) + " does)");
  }
  uint64_t v = 0;
  if (!r.integer(v, 1, kNodesMax, "a number of nodes")) return false;
  out = stmt::Nodes{static_cast<int>(v)};
  return r.end("nodes");
}
void print_nodes(const Statement& s, std::string& out) { out += ' ' + std::to_string(s.get<stmt::Nodes>().count); }
void fold_nodes(const Statement& s, ClusterConfig& c) { c.nodes = s.get<stmt::Nodes>().count; }
bool nodes_of(const ClusterConfig& c, Statement& out) { out = stmt::Nodes{c.nodes}; return true; }

bool parse_seed(LineReader& r, Statement& out) {
  uint64_t v = 0;
  if (!r.integer(v, 0, UINT64_MAX, "a seed")) return false;
  out = stmt::Seed{v};
  return r.end("seed");
}
void print_seed(const Statement& s, std::string& out) { out += ' ' + std::to_string(s.get<stmt::Seed>().seed); }
void fold_seed(const Statement& s, ClusterConfig& c) { c.seed = s.get<stmt::Seed>().seed; }
bool seed_of(const ClusterConfig& c, Statement& out) { out = stmt::Seed{c.seed}; return true; }

// ---- settings ----

bool parse_election_timeout(LineReader& r, Statement& out) {
  stmt::ElectionTimeout e;
  if (!r.duration(e.min_us, "election_timeout") || !r.duration(e.max_us, "election_timeout")) return false;
  if (e.min_us == 0) return r.fail("the election timeout must be longer than 0");
  if (e.min_us > e.max_us) {
    return r.fail("the election timeout's minimum (" + format_duration(e.min_us) + ") is above its maximum (" +
                  format_duration(e.max_us) + ")");
  }
  out = e;
  return r.end("election_timeout");
}
void print_election_timeout(const Statement& s, std::string& out) {
  const auto& e = s.get<stmt::ElectionTimeout>();
  out += ' ' + format_duration(e.min_us) + ' ' + format_duration(e.max_us);
}
void fold_election_timeout(const Statement& s, ClusterConfig& c) {
  c.timing.election_timeout_min_us = s.get<stmt::ElectionTimeout>().min_us;
  c.timing.election_timeout_max_us = s.get<stmt::ElectionTimeout>().max_us;
}
bool election_timeout_of(const ClusterConfig& c, Statement& out) {
  out = stmt::ElectionTimeout{c.timing.election_timeout_min_us, c.timing.election_timeout_max_us};
  return true;
}

bool parse_heartbeat(LineReader& r, Statement& out) {
  stmt::Heartbeat h;
  if (!r.duration(h.interval_us, "heartbeat")) return false;
  if (h.interval_us == 0) return r.fail("the heartbeat interval must be longer than 0");
  out = h;
  return r.end("heartbeat");
}
void print_heartbeat(const Statement& s, std::string& out) { out += ' ' + format_duration(s.get<stmt::Heartbeat>().interval_us); }
void fold_heartbeat(const Statement& s, ClusterConfig& c) { c.timing.heartbeat_interval_us = s.get<stmt::Heartbeat>().interval_us; }
bool heartbeat_of(const ClusterConfig& c, Statement& out) { out = stmt::Heartbeat{c.timing.heartbeat_interval_us}; return true; }

bool parse_latency(LineReader& r, Statement& out) {
  stmt::Latency l;
  if (!range(r, l.min_us, l.max_us, "latency", "the latency")) return false;
  out = l;
  return r.end("latency");
}
void print_latency(const Statement& s, std::string& out) {
  const auto& l = s.get<stmt::Latency>();
  out += ' ' + format_duration(l.min_us) + ' ' + format_duration(l.max_us);
}
void fold_latency(const Statement& s, ClusterConfig& c) {
  c.network.latency_min_us = s.get<stmt::Latency>().min_us;
  c.network.latency_max_us = s.get<stmt::Latency>().max_us;
}
bool latency_of(const ClusterConfig& c, Statement& out) {
  out = stmt::Latency{c.network.latency_min_us, c.network.latency_max_us};
  return true;
}

bool parse_disk_latency(LineReader& r, Statement& out) {
  stmt::DiskLatency l;
  if (!range(r, l.min_us, l.max_us, "disk_latency", "the disk latency")) return false;
  out = l;
  return r.end("disk_latency");
}
void print_disk_latency(const Statement& s, std::string& out) {
  const auto& l = s.get<stmt::DiskLatency>();
  out += ' ' + format_duration(l.min_us) + ' ' + format_duration(l.max_us);
}
void fold_disk_latency(const Statement& s, ClusterConfig& c) {
  c.disk.write_min_us = s.get<stmt::DiskLatency>().min_us;
  c.disk.write_max_us = s.get<stmt::DiskLatency>().max_us;
}
bool disk_latency_of(const ClusterConfig& c, Statement& out) {
  if (!c.disk.on()) return false;  // instant writes, the default: scenarios without it read as before
  out = stmt::DiskLatency{c.disk.write_min_us, c.disk.write_max_us};
  return true;
}

// `loss P` and `duplicate P`: a probability that lives in the network's config at `Field`.
template <class T, double NetworkConfig::*Field>
struct NetworkProbability {
  static bool parse(LineReader& r, Statement& out) {
    T t;
    const std::string_view kw = r.keyword();
    if (!r.probability(t.probability, kw)) return false;
    out = t;
    return r.end(kw);
  }
  static void print(const Statement& s, std::string& out) { out += ' ' + format_number(s.get<T>().probability); }
  static void fold(const Statement& s, ClusterConfig& c) { c.network.*Field = s.get<T>().probability; }
  static bool of(const ClusterConfig& c, Statement& out) {
    out = T{c.network.*Field};
    return true;
  }
};
using LossRow = NetworkProbability<stmt::Loss, &NetworkConfig::loss>;
using DuplicateRow = NetworkProbability<stmt::Duplicate, &NetworkConfig::duplicate>;

bool parse_read_mode(LineReader& r, Statement& out) {
  const std::string_view t = r.next();
  stmt::ReadModeSetting s;
  if (t == "log") s.mode = ReadMode::Log;
  else if (t == "readindex") s.mode = ReadMode::ReadIndex;
  else if (t == "lease") s.mode = ReadMode::Lease;
  else if (t.empty()) return r.fail("expected 'log', 'readindex' or 'lease' after 'read_mode'");
  else return r.fail("expected 'log', 'readindex' or 'lease' after 'read_mode', got " + shown(t));
  out = s;
  return r.end("the read mode");
}
void print_read_mode(const Statement& s, std::string& out) {
  out += ' ';
  out += read_mode_name(s.get<stmt::ReadModeSetting>().mode);
}
void fold_read_mode(const Statement& s, ClusterConfig& c) { c.timing.read_mode = s.get<stmt::ReadModeSetting>().mode; }
bool read_mode_of(const ClusterConfig& c, Statement& out) {
  out = stmt::ReadModeSetting{c.timing.read_mode};
  return c.timing.read_mode != ReadMode::Log;  // the default is not printed
}

// `clock_drift s2 1.2`: a rate with at most three decimals, from 0.1 to 10.
bool parse_clock_drift(LineReader& r, Statement& out) {
  stmt::ClockDrift d;
  if (!r.node(d.node, "clock_drift")) return false;
  const std::string_view t = r.next();
  const std::string like = "a clock rate from 0.1 to 10 like 1.2 (1.2x as fast as real time)";
  if (t.empty()) return r.fail("expected " + like + " after the node");
  double rate = 0;
  if (!parse_number(t, rate) || rate * 1000 < kClockRateMinPermille || rate * 1000 > kClockRateMaxPermille ||
      format_number(std::round(rate * 1000) / 1000) != format_number(rate)) {
    return r.fail("expected " + like + ", got " + shown(t));
  }
  d.rate_permille = static_cast<int>(std::lround(rate * 1000));
  out = d;
  return r.end("the clock rate");
}
void print_clock_drift(const Statement& s, std::string& out) {
  const auto* d = &s.get<stmt::ClockDrift>();
  print_node(out, d->node);
  out += ' ' + format_number(d->rate_permille / 1000.0);
}

bool parse_noop(LineReader& r, Statement& out) {
  stmt::Noop n;
  if (!r.on_off(n.on, "noop")) return false;
  out = n;
  return r.end("noop");
}
void print_noop(const Statement& s, std::string& out) { out += s.get<stmt::Noop>().on ? " on" : " off"; }
void fold_noop(const Statement& s, ClusterConfig& c) { c.timing.noop_on_election = s.get<stmt::Noop>().on; }
bool noop_of(const ClusterConfig& c, Statement& out) { out = stmt::Noop{c.timing.noop_on_election}; return true; }

bool parse_append_max(LineReader& r, Statement& out) {
  uint64_t v = 0;
  if (!r.integer(v, 1, kAppendEntriesMax, "entries per AppendEntries")) return false;
  out = stmt::AppendMax{static_cast<uint32_t>(v)};
  return r.end("append_max");
}
void print_append_max(const Statement& s, std::string& out) { out += ' ' + std::to_string(s.get<stmt::AppendMax>().entries); }
void fold_append_max(const Statement& s, ClusterConfig& c) { c.timing.append_entries_max = s.get<stmt::AppendMax>().entries; }
bool append_max_of(const ClusterConfig& c, Statement& out) {
  out = stmt::AppendMax{c.timing.append_entries_max};
  return c.timing.append_entries_max != ClusterConfig{}.timing.append_entries_max;  // printed only when changed
}

// ---- initial state ----

bool parse_preset_term(LineReader& r, Statement& out) {
  stmt::PresetTerm p;
  uint64_t v = 0;
  if (!r.node(p.node, "term") || !r.integer(v, 0, kTermMax, "a term")) return false;
  p.term = v;
  out = p;
  return r.end("the term");
}
void print_preset_term(const Statement& s, std::string& out) {
  print_node(out, s.get<stmt::PresetTerm>().node);
  out += ' ' + std::to_string(s.get<stmt::PresetTerm>().term);
}

bool parse_preset_log(LineReader& r, Statement& out) {
  stmt::PresetLog p;
  if (!r.node(p.node, "log") || !r.term_list(p.terms, true)) return false;
  out = std::move(p);
  return r.end("the log");
}
void print_preset_log(const Statement& s, std::string& out) {
  print_node(out, s.get<stmt::PresetLog>().node);
  print_terms(out, s.get<stmt::PresetLog>().terms);
}

bool parse_preset_vote(LineReader& r, Statement& out) {
  stmt::PresetVote p;
  if (!r.node(p.node, "voted") || !r.node(p.candidate, "voted")) return false;
  out = p;
  return r.end("the candidate");
}
void print_preset_vote(const Statement& s, std::string& out) {
  print_node(out, s.get<stmt::PresetVote>().node);
  print_node(out, s.get<stmt::PresetVote>().candidate);
}

// ---- actions ----

bool parse_run(LineReader& r, Statement& out) {
  stmt::Run run;
  if (!r.duration(run.duration_us, "run")) return false;
  out = run;
  return r.end("the duration");
}
void print_run(const Statement& s, std::string& out) { out += ' ' + format_duration(s.get<stmt::Run>().duration_us); }


bool parse_crash(LineReader& r, Statement& out) { return parse_on_node<stmt::Crash>(r, out, "crash"); }
bool parse_crash_leader(LineReader& r, Statement& out) {
  out = stmt::CrashLeader{};
  return r.end("'crash leader'");
}
bool parse_restart(LineReader& r, Statement& out) { return parse_on_node<stmt::Restart>(r, out, "restart"); }
bool parse_timeout(LineReader& r, Statement& out) { return parse_on_node<stmt::Timeout>(r, out, "timeout"); }
bool parse_transfer(LineReader& r, Statement& out) { return parse_on_node<stmt::Transfer>(r, out, "transfer"); }
void print_nothing(const Statement&, std::string&) {}

bool parse_partition(LineReader& r, Statement& out) {
  stmt::Partition p;
  r.split_around("|");
  const std::string how = " (write groups of nodes separated by |, like 'partition s1 s2 | s3 s4 s5')";
  uint32_t seen = 0;
  p.groups.emplace_back();
  while (!r.done()) {
    if (r.peek() == "|") {
      r.next();
      if (p.groups.back().empty()) return r.fail("empty group in the partition" + how);
      p.groups.emplace_back();
      continue;
    }
    NodeId n = kNoNode;
    if (!r.node(n, "partition")) return false;
    if (seen & (1u << n)) return r.fail(node_name(n) + " appears twice in the partition");
    seen |= 1u << n;
    p.groups.back().push_back(n);
  }
  if (p.groups.back().empty()) {
    return r.fail(p.groups.size() == 1 ? "expected groups of nodes after 'partition'" + how : "empty group in the partition" + how);
  }
  out = std::move(p);
  return true;
}
void print_partition(const Statement& s, std::string& out) {
  const auto& groups = s.get<stmt::Partition>().groups;
  for (size_t g = 0; g < groups.size(); ++g) {
    if (g > 0) out += " |";
    for (NodeId id : groups[g]) print_node(out, id);
  }
}

template <class T>
bool parse_link(LineReader& r, Statement& out, std::string_view kw) {
  T link;
  r.split_around("->");
  if (!r.node(link.from, kw)) return false;
  if (r.peek() == "->") {
    r.next();
    link.one_way = true;
  }
  if (!r.node(link.to, kw)) return false;
  if (link.from == link.to) return r.fail("cannot " + std::string(kw) + " " + node_name(link.from) + " from itself");
  out = link;
  return r.end("the link");
}
template <class T>
void print_link(const Statement& s, std::string& out) {
  const T& link = s.get<T>();
  print_node(out, link.from);
  if (link.one_way) out += " ->";
  print_node(out, link.to);
}
bool parse_cut(LineReader& r, Statement& out) { return parse_link<stmt::Cut>(r, out, "cut"); }
bool parse_uncut(LineReader& r, Statement& out) { return parse_link<stmt::Uncut>(r, out, "uncut"); }

bool parse_heal(LineReader& r, Statement& out) {
  out = stmt::Heal{};
  return r.end("'heal'");
}

// put K V | get K | append K V | cas K FROM TO | delete K, then optionally `via sN`; the keyword
// read names the operation.
bool parse_client_op(LineReader& r, Statement& out) {
  struct Usage { Op op; const char* keyword; const char* example; };
  static constexpr Usage kUsages[] = {{Op::Put, "put", "'put x 1'"},
                                      {Op::Get, "get", "'get x'"},
                                      {Op::Append, "append", "'append x a'"},
                                      {Op::Cas, "cas", "'cas x 1 2' (from 1 to 2)"},
                                      {Op::Delete, "delete", "'delete x'"}};
  const Usage* u = &kUsages[0];
  for (const Usage& k : kUsages) {
    if (r.keyword() == k.keyword) u = &k;
  }
  const Op op = u->op;
  const std::string usage = u->example;
  stmt::ClientOp c;
  c.cmd.op = op;
  const std::string with = " (like " + usage + ")";
  if (!r.word(c.cmd.key, "a key" + with, kKeyBytesMax, true)) return false;
  if (op == Op::Cas && !r.word(c.cmd.expect, "the value to compare with" + with, kValueBytesMax, false)) return false;
  if ((op == Op::Put || op == Op::Append || op == Op::Cas) && !r.word(c.cmd.value, "a value" + with, kValueBytesMax, false)) {
    return false;
  }
  if (r.peek() == "via") {
    r.next();
    if (!r.node(c.via, "via")) return false;
  }
  out = std::move(c);
  return r.end(usage);
}
void print_client_op(const Statement& s, std::string& out) {
  const auto& c = s.get<stmt::ClientOp>();
  out += ' ' + c.cmd.key;
  if (c.cmd.op == Op::Cas) out += ' ' + c.cmd.expect;
  if (c.cmd.op == Op::Put || c.cmd.op == Op::Append || c.cmd.op == Op::Cas) out += ' ' + c.cmd.value;
  if (c.via != kNoNode) out += " via " + node_name(c.via);
}

bool parse_clients(LineReader& r, Statement& out) {
  stmt::Clients c;
  uint64_t v = 0;
  if (!r.integer(v, 0, kClientsMax, "a number of clients")) return false;
  c.workload.clients = static_cast<int>(v);
  bool has_rate = false, has_for = false, has_keys = false;
  while (!r.done()) {
    const std::string_view t = r.next();
    if (t == "rate" && !has_rate) {
      has_rate = true;
      const std::string_view rate_text = r.next();
      if (rate_text.empty()) return r.fail("expected a rate like 50/s after 'rate' (0 = each client sends as soon as its last request returns)");
      const std::string_view num = rate_text.ends_with("/s") ? rate_text.substr(0, rate_text.size() - 2) : rate_text;
      double rate = 0;
      if (!parse_number(num, rate)) return r.fail("expected a rate like 50/s, got " + shown(rate_text));
      if (rate > kRatePerSecondMax) return r.fail("the rate is limited to 1000000/s, got " + shown(rate_text));
      c.workload.rate_per_s = rate;
    } else if (t == "for" && !has_for) {
      has_for = true;
      if (!r.duration(c.for_us, "for")) return false;
    } else if (t == "keys" && !has_keys) {
      has_keys = true;
      if (!r.integer(v, 1, kKeysMax, "a number of keys")) return false;
      c.workload.keys = static_cast<int>(v);
    } else {
      return r.fail("unexpected " + shown(t) + " in 'clients' (write it like 'clients 3 rate 50/s for 10s')");
    }
  }
  out = c;
  return true;
}
void print_clients(const Statement& s, std::string& out) {
  const auto& c = s.get<stmt::Clients>();
  out += ' ' + std::to_string(c.workload.clients) + " rate " + format_number(c.workload.rate_per_s) + "/s";
  if (c.for_us != kTimeNever) out += " for " + format_duration(c.for_us);
  if (c.workload.keys != Workload{}.keys) out += " keys " + std::to_string(c.workload.keys);
}

template <class T>
bool parse_message(LineReader& r, Statement& out) {
  T m;
  if (!r.integer(m.id, 1, UINT64_MAX, "a message id")) return false;
  if constexpr (std::is_same_v<T, stmt::DelayMessage>) {
    if (!r.duration(m.extra_us, "delay")) return false;
  }
  out = m;
  return r.end("the message");
}
template <class T>
void print_message(const Statement& s, std::string& out) {
  out += ' ' + std::to_string(s.get<T>().id);
  if constexpr (std::is_same_v<T, stmt::DelayMessage>) out += ' ' + format_duration(s.get<T>().extra_us);
}

bool parse_open_at(LineReader& r, Statement& out) {
  stmt::OpenAt o;
  if (!r.duration(o.t_us, "open at")) return false;
  out = o;
  return r.end("the moment");
}
void print_open_at(const Statement& s, std::string& out) { out += ' ' + format_duration(s.get<stmt::OpenAt>().t_us); }

// What a pause may highlight: a panel by the name App::window_rect knows it by (lower case), or a server.
bool is_highlight(std::string_view h, int nodes) {
  for (std::string_view panel : {"cluster", "logs", "inspector", "events", "timeline", "status"}) {
    if (h == panel) return true;
  }
  uint64_t k = 0;
  return h.size() >= 2 && h[0] == 's' && parse_u64(h.substr(1), k) && k >= 1 && k <= static_cast<uint64_t>(nodes);
}

bool parse_pause(LineReader& r, Statement& out) {
  stmt::Pause p;
  while (r.peek().starts_with('@')) {
    const std::string_view h = r.next().substr(1);
    if (!is_highlight(h, r.nodes())) {
      return r.fail("unknown highlight '@" + std::string(h) + "' after 'pause' (panels: @cluster @logs @inspector @events "
                    "@timeline @status, or a server like @s2)");
    }
    p.highlights.emplace_back(h);
  }
  while (!r.done()) p.text += (p.text.empty() ? "" : " ") + std::string(r.next());
  if (p.text.empty()) return r.fail("expected the text to show after 'pause' (like 'pause s1 times out first')");
  out = std::move(p);
  return true;
}
void print_pause(const Statement& s, std::string& out) {
  const auto& p = s.get<stmt::Pause>();
  for (const std::string& h : p.highlights) out += " @" + h;
  out += ' ' + p.text;
}

bool parse_add_server(LineReader& r, Statement& out) {
  stmt::AddServer a;
  if (!r.new_node(a.node, "add")) return false;
  out = a;
  return r.end("the server");
}
bool parse_remove_server(LineReader& r, Statement& out) { return parse_on_node<stmt::RemoveServer>(r, out, "remove"); }

// ---- the table ----

template <class T, class... Ts>
constexpr size_t index_in(const std::variant<Ts...>*) {
  constexpr bool same[] = {std::is_same_v<T, Ts>...};
  for (size_t i = 0; i < sizeof...(Ts); ++i) {
    if (same[i]) return i;
  }
  return sizeof...(Ts);
}
template <class T>
constexpr size_t index_of() {
  return index_in<T>(static_cast<const Statement::Variant*>(nullptr));
}

template <class T>
constexpr StatementSpec row(std::string_view keyword, C cls, bool (*parse)(LineReader&, Statement&),
                            void (*print_args)(const Statement&, std::string&),
                            void (*fold)(const Statement&, ClusterConfig&) = nullptr,
                            bool (*from_config)(const ClusterConfig&, Statement&) = nullptr) {
  return StatementSpec{index_of<T>(), keyword, cls, parse, print_args, fold, from_config};
}

// In the order of Statement::Variant. Header and setting rows also give format_header its order.
constexpr std::array kSpecs = {
    row<stmt::Nodes>("nodes", C::Header, parse_nodes, print_nodes, fold_nodes, nodes_of),
    row<stmt::Seed>("seed", C::Header, parse_seed, print_seed, fold_seed, seed_of),
    row<stmt::ElectionTimeout>("election_timeout", C::Setting, parse_election_timeout, print_election_timeout,
                               fold_election_timeout, election_timeout_of),
    row<stmt::Heartbeat>("heartbeat", C::Setting, parse_heartbeat, print_heartbeat, fold_heartbeat, heartbeat_of),
    row<stmt::Latency>("latency", C::Setting, parse_latency, print_latency, fold_latency, latency_of),
    row<stmt::Loss>("loss", C::Setting, LossRow::parse, LossRow::print, LossRow::fold, LossRow::of),
    row<stmt::Duplicate>("duplicate", C::Setting, DuplicateRow::parse, DuplicateRow::print, DuplicateRow::fold, DuplicateRow::of),
    row<stmt::Noop>("noop", C::Setting, parse_noop, print_noop, fold_noop, noop_of),
    row<stmt::AppendMax>("append_max", C::Setting, parse_append_max, print_append_max, fold_append_max, append_max_of),
    row<stmt::PreVote>(stmt::PreVote::spec().keyword, C::Setting, SwitchRow<stmt::PreVote>::parse,
                       SwitchRow<stmt::PreVote>::print, SwitchRow<stmt::PreVote>::fold, SwitchRow<stmt::PreVote>::of),
    row<stmt::CheckQuorum>(stmt::CheckQuorum::spec().keyword, C::Setting, SwitchRow<stmt::CheckQuorum>::parse,
                           SwitchRow<stmt::CheckQuorum>::print, SwitchRow<stmt::CheckQuorum>::fold, SwitchRow<stmt::CheckQuorum>::of),
    row<stmt::ForgetVote>(stmt::ForgetVote::spec().keyword, C::Setting, SwitchRow<stmt::ForgetVote>::parse,
                          SwitchRow<stmt::ForgetVote>::print, SwitchRow<stmt::ForgetVote>::fold, SwitchRow<stmt::ForgetVote>::of),
    row<stmt::MembershipBug2015>(stmt::MembershipBug2015::spec().keyword, C::Setting, SwitchRow<stmt::MembershipBug2015>::parse,
                                 SwitchRow<stmt::MembershipBug2015>::print, SwitchRow<stmt::MembershipBug2015>::fold,
                                 SwitchRow<stmt::MembershipBug2015>::of),
    row<stmt::SnapshotEvery>("snapshot_every", C::Setting, parse_snapshot_every, print_snapshot_every,
                             fold_snapshot_every, snapshot_every_of),
    row<stmt::SnapshotChunk>("snapshot_chunk", C::Setting, parse_snapshot_chunk, print_snapshot_chunk,
                             fold_snapshot_chunk, snapshot_chunk_of),
    row<stmt::ReadModeSetting>("read_mode", C::Setting, parse_read_mode, print_read_mode, fold_read_mode, read_mode_of),
    row<stmt::DiskLatency>("disk_latency", C::Setting, parse_disk_latency, print_disk_latency, fold_disk_latency,
                           disk_latency_of),
    row<stmt::PresetTerm>("term", C::Initial, parse_preset_term, print_preset_term),
    row<stmt::PresetLog>("log", C::Initial, parse_preset_log, print_preset_log),
    row<stmt::PresetVote>("voted", C::Initial, parse_preset_vote, print_preset_vote),
    row<stmt::Run>("run", C::Action, parse_run, print_run),
    row<stmt::Crash>("crash", C::Action, parse_crash, print_on_node<stmt::Crash>),
    row<stmt::CrashLeader>("crash leader", C::Action, parse_crash_leader, print_nothing),
    row<stmt::Restart>("restart", C::Action, parse_restart, print_on_node<stmt::Restart>),
    row<stmt::Timeout>("timeout", C::Action, parse_timeout, print_on_node<stmt::Timeout>),
    row<stmt::Transfer>("transfer", C::Action, parse_transfer, print_on_node<stmt::Transfer>),
    row<stmt::Partition>("partition", C::Action, parse_partition, print_partition),
    row<stmt::Cut>("cut", C::Action, parse_cut, print_link<stmt::Cut>),
    row<stmt::Uncut>("uncut", C::Action, parse_uncut, print_link<stmt::Uncut>),
    row<stmt::Heal>("heal", C::Action, parse_heal, print_nothing),
    row<stmt::ClientOp>("put|get|append|cas|delete", C::Action, parse_client_op, print_client_op),
    row<stmt::Clients>("clients", C::Action, parse_clients, print_clients),
    row<stmt::DropMessage>("drop", C::Action, parse_message<stmt::DropMessage>, print_message<stmt::DropMessage>),
    row<stmt::DuplicateMessage>("dup", C::Action, parse_message<stmt::DuplicateMessage>, print_message<stmt::DuplicateMessage>),
    row<stmt::DelayMessage>("delay", C::Action, parse_message<stmt::DelayMessage>, print_message<stmt::DelayMessage>),
    row<stmt::ClockDrift>("clock_drift", C::Action, parse_clock_drift, print_clock_drift),
    row<stmt::OpenAt>("open at", C::Action, parse_open_at, print_open_at),
    row<stmt::Pause>("pause", C::Action, parse_pause, print_pause),
    row<stmt::AddServer>("add", C::Action, parse_add_server, print_on_node<stmt::AddServer>),
    row<stmt::RemoveServer>("remove", C::Action, parse_remove_server, print_on_node<stmt::RemoveServer>),
    row<stmt::TakeSnapshot>("snapshot", C::Action, parse_take_snapshot, print_take_snapshot),
    row<stmt::ExpectLeader>("expect leader", C::Check, parse_expect_leader, print_nothing),
    row<stmt::ExpectLeaderIs>("expect leader", C::Check, nullptr, print_expect_leader_is),
    row<stmt::ExpectNoLeader>("expect no leader", C::Check, parse_expect_no_leader, print_nothing),
    row<stmt::ExpectTerm>("expect term", C::Check, parse_expect_term, print_expect_term),
    row<stmt::ExpectCommit>("expect commit", C::Check, parse_expect_commit, print_expect_commit),
    row<stmt::ExpectLog>("expect log", C::Check, parse_expect_log, print_expect_log),
    row<stmt::ExpectValue>("expect value", C::Check, parse_expect_value, print_expect_value),
    row<stmt::ExpectRole>("expect role", C::Check, parse_expect_role, print_expect_role),
    row<stmt::ExpectDown>("expect down", C::Check, parse_expect_down, print_on_node<stmt::ExpectDown>),
    row<stmt::ExpectUp>("expect up", C::Check, parse_expect_up, print_on_node<stmt::ExpectUp>),
    row<stmt::ExpectVoters>("expect voters", C::Check, parse_node_set<stmt::ExpectVoters>, print_node_set<stmt::ExpectVoters>),
    row<stmt::ExpectLearners>("expect learners", C::Check, parse_node_set<stmt::ExpectLearners>, print_node_set<stmt::ExpectLearners>),
    row<stmt::ExpectViolation>("expect violation", C::Check, parse_expect_violation, print_expect_violation),
    row<stmt::ExpectSnapshot>("expect snapshot", C::Check, parse_expect_snapshot, print_expect_snapshot),
};
static_assert(kSpecs.size() == std::variant_size_v<Statement::Variant>, "one row per statement kind");
constexpr bool rows_in_variant_order() {
  for (size_t i = 0; i < kSpecs.size(); ++i) {
    if (kSpecs[i].index != i) return false;
  }
  return true;
}
static_assert(rows_in_variant_order(), "the table's rows follow Statement::Variant's order");

}  // namespace

std::span<const StatementSpec> statement_specs() { return kSpecs; }

const StatementSpec& spec_of(const Statement& s) { return kSpecs[s.v.index()]; }

}  // namespace raft::sim::detail

namespace raft::sim {

StatementClass statement_class(const Statement& s) { return detail::spec_of(s).cls; }

const char* statement_keyword(const Statement& s) {
  if (const auto* c = s.as<stmt::ClientOp>()) return op_name(c->cmd.op);
  return detail::spec_of(s).keyword.data();  // a string literal; only ClientOp's has alternatives
}

std::string format_statement(const Statement& s) {
  std::string out = statement_keyword(s);
  detail::spec_of(s).print_args(s, out);
  return out;
}

}  // namespace raft::sim
