// Scenario files: parser, printer and runner. The grammar (README "Scenario files"):
//
//   file      := leading comments, then one statement per line; `#` starts a comment anywhere
//   header    := nodes N | seed N | election_timeout D D | heartbeat D | latency D D | loss P
//              | duplicate P | noop on|off | append_max N            (before the first action/check)
//   initial   := term sN T | log sN T... | voted sN sM               (before the first action/check)
//   action    := run D | crash sN | crash leader | restart sN | partition G | G ... | cut sN [->] sM
//              | heal | timeout sN | put K V | get K | append K V | cas K V V | delete K  [via sN]
//              | clients N [rate R/s] [for D] [keys N] | drop ID | dup ID | delay ID D
//              | latency D D | loss P | duplicate P                   (after the first action: changes)
//   check     := expect leader [sN] | expect no leader | expect term sN CMP T | expect commit sN CMP I
//              | expect log sN T... | expect value K V|none | expect role sN ROLE | expect down sN
//              | expect up sN
//
// Numbers are parsed without locales or floating-point library parsing (std::from_chars for
// integers, exact decimal arithmetic for fractions), so a file means the same natively and in wasm.
#include "core/sim/scenario.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace raft::sim {
namespace {

// A limit on everything a file can ask for.
constexpr size_t kTextBytesMax = 4u << 20;
constexpr size_t kLineBytesMax = 4096;
constexpr size_t kStatementsMax = 100'000;
constexpr Time kDurationMax_us = 24LL * 3600 * 1'000'000;
constexpr uint64_t kTermMax = 1'000'000'000;
constexpr uint64_t kIndexMax = 1'000'000'000;
constexpr size_t kLogEntriesMax = 10'000;
constexpr uint64_t kClientsMax = 1000;
constexpr double kRatePerSecondMax = 1'000'000;
constexpr uint64_t kKeysMax = 1000;
constexpr uint64_t kAppendEntriesMax = 100'000;
constexpr size_t kKeyBytesMax = 64;
constexpr size_t kValueBytesMax = 256;
constexpr size_t kShownBytesMax = 40;   // longer tokens are abbreviated in messages
constexpr int kFractionDigitsMax = 15;  // mantissa < 10^15 < 2^53: decimal -> double is exact division

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

// A token as a user can read it in an error message: quoted, control bytes escaped, long ones cut.
std::string shown(std::string_view token) {
  std::string out = "'";
  size_t n = 0;
  for (char ch : token) {
    if (n++ == kShownBytesMax) {
      out += "...";
      break;
    }
    const auto u = static_cast<unsigned char>(ch);
    if (u < 0x20 || u == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", u);
      out += buf;
    } else {
      out += ch;
    }
  }
  out += "'";
  return out;
}

std::string duration_text(Time us) {
  if (us != 0 && us % 1'000'000 == 0) return std::to_string(us / 1'000'000) + "s";
  if (us != 0 && us % 1'000 == 0) return std::to_string(us / 1'000) + "ms";
  if (us == 0) return "0s";
  return std::to_string(us) + "us";
}

// "2.35s": a virtual time for messages.
std::string format_time(Time us) {
  std::string s = std::to_string(us / 1'000'000);
  Time frac = us % 1'000'000;
  if (frac != 0) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%06lld", static_cast<long long>(frac));
    std::string f = buf;
    while (!f.empty() && f.back() == '0') f.pop_back();
    s += "." + f;
  }
  return s + "s";
}

// Parses digits[.digits] exactly into mantissa / 10^fraction_digits (at most 15 significant digits).
bool parse_decimal(std::string_view s, uint64_t& mantissa, int& fraction_digits) {
  mantissa = 0;
  fraction_digits = 0;
  int digits = 0;
  bool seen_dot = false, seen_digit = false;
  for (char c : s) {
    if (c == '.') {
      if (seen_dot || !seen_digit) return false;
      seen_dot = true;
      continue;
    }
    if (c < '0' || c > '9') return false;
    seen_digit = true;
    if (mantissa != 0 || c != '0') ++digits;
    if (digits > kFractionDigitsMax) return false;
    mantissa = mantissa * 10 + static_cast<uint64_t>(c - '0');
    if (seen_dot) ++fraction_digits;
    if (fraction_digits > kFractionDigitsMax) return false;
  }
  return seen_digit && s.back() != '.';
}

constexpr double kPow10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};

bool parse_double(std::string_view s, double& out) {
  uint64_t m = 0;
  int f = 0;
  if (!parse_decimal(s, m, f)) return false;
  out = static_cast<double>(m) / kPow10[f];  // both exact, so the quotient is correctly rounded
  return true;
}

// The shortest fixed-point text that parses back to exactly `v` (falls back to 15 decimals).
std::string format_double(double v) {
  char buf[64];
  for (int d = 0; d <= kFractionDigitsMax; ++d) {
    std::snprintf(buf, sizeof buf, "%.*f", d, v);
    double back = 0;
    if (parse_double(buf, back) && back == v) return buf;
  }
  std::snprintf(buf, sizeof buf, "%.15f", v);
  return buf;
}

bool parse_u64(std::string_view s, uint64_t& out) {
  if (s.empty() || s.front() < '0' || s.front() > '9') return false;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

bool printable(std::string_view s) {
  for (char ch : s) {
    const auto u = static_cast<unsigned char>(ch);
    if (u < 0x20 || u == 0x7f) return false;
  }
  return true;
}

bool is_header_keyword(std::string_view kw) {
  return kw == "nodes" || kw == "seed" || kw == "election_timeout" || kw == "heartbeat" || kw == "latency" ||
         kw == "loss" || kw == "duplicate" || kw == "noop" || kw == "append_max";
}
bool is_preset_keyword(std::string_view kw) { return kw == "term" || kw == "log" || kw == "voted"; }

std::vector<std::string_view> split_tokens(std::string_view line) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && is_space(line[i])) ++i;
    const size_t start = i;
    while (i < line.size() && !is_space(line[i])) ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

// Splits tokens further around `sep` ("s1->s2" -> "s1" "->" "s2").
std::vector<std::string_view> split_around(const std::vector<std::string_view>& tokens, std::string_view sep) {
  std::vector<std::string_view> out;
  for (std::string_view t : tokens) {
    while (!t.empty()) {
      const size_t p = t.find(sep);
      if (p == std::string_view::npos) {
        out.push_back(t);
        break;
      }
      if (p > 0) out.push_back(t.substr(0, p));
      out.push_back(t.substr(p, sep.size()));
      t.remove_prefix(p + sep.size());
    }
  }
  return out;
}

struct Cursor {
  std::vector<std::string_view> tokens;
  size_t i = 0;
  bool done() const { return i >= tokens.size(); }
  std::string_view peek() const { return done() ? std::string_view{} : tokens[i]; }
  std::string_view next() { return done() ? std::string_view{} : tokens[i++]; }
};

// Per-node initial state seen so far, checked as a whole when the presets end.
struct Preset {
  bool has_term = false, has_log = false, has_vote = false;
  Term term = 0;
  std::vector<Term> log;
  int term_line = 0, log_line = 0, vote_line = 0;
};

class Parser {
 public:
  Parser(std::string_view file, Scenario& out) : out_(out) {
    out_ = Scenario{};
    out_.file = std::string(file);
  }

  std::optional<ParseError> parse(std::string_view text) {
    if (text.size() > kTextBytesMax) {
      return ParseError{out_.file, 1, "the file is too large (" + std::to_string(text.size()) +
                                          " bytes; scenarios are limited to " + std::to_string(kTextBytesMax) + ")"};
    }
    bool leading = true;        // still in the comment block before the first statement
    bool description_open = true;
    int number = 0;
    size_t pos = 0;
    while (pos <= text.size()) {
      size_t end = text.find('\n', pos);
      if (end == std::string_view::npos) end = text.size();
      std::string_view raw = text.substr(pos, end - pos);
      pos = end + 1;
      line_ = ++number;
      if (raw.size() > kLineBytesMax) {
        return error("the line is too long (" + std::to_string(raw.size()) + " characters; at most " +
                     std::to_string(kLineBytesMax) + ")");
      }
      const size_t hash = raw.find('#');
      std::string_view code = raw.substr(0, hash);
      std::vector<std::string_view> tokens = split_tokens(code);
      if (tokens.empty()) {
        if (leading) {
          if (hash != std::string_view::npos && description_open) {
            leading_comment(raw.substr(hash + 1));
          } else if (hash == std::string_view::npos && (!out_.description.empty() || !out_.title.empty())) {
            description_open = false;  // a blank line ends the description
          }
        }
        if (end == text.size()) break;
        continue;
      }
      leading = false;
      if (out_.statements.size() >= kStatementsMax) {
        return error("too many statements (at most " + std::to_string(kStatementsMax) + ")");
      }
      Cursor c{std::move(tokens), 0};
      if (!statement(c)) return ParseError{out_.file, error_line_ != 0 ? error_line_ : line_, std::move(error_)};
      if (end == text.size()) break;
    }
    if (!ended_presets_ && !end_presets()) return ParseError{out_.file, error_line_ != 0 ? error_line_ : line_, std::move(error_)};
    while (out_.description.size() >= 2 && out_.description.ends_with("\n\n")) out_.description.resize(out_.description.size() - 2);
    if (out_.title.empty()) {
      std::string_view name = out_.file;
      const size_t slash = name.find_last_of("/\\");
      if (slash != std::string_view::npos) name.remove_prefix(slash + 1);
      if (name.ends_with(".raft")) name.remove_suffix(5);
      out_.title = std::string(name);
    }
    return std::nullopt;
  }

  // One duration token, for command-line tools (parse_duration).
  bool parse_duration_token(std::string_view t, Time& us, std::string& message) {
    Cursor c{{t}, 0};
    const bool ok = duration(c, us, "duration");
    message = error_;
    return ok;
  }

 private:
  ParseError error(std::string message) { return ParseError{out_.file, line_, std::move(message)}; }
  bool fail(std::string message) {
    error_ = std::move(message);
    return false;
  }

  void leading_comment(std::string_view text) {
    while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
    while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
    if (text.starts_with("title:")) {
      text.remove_prefix(6);
      while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
      out_.title = std::string(text);
      return;
    }
    if (text.empty()) {
      if (!out_.description.empty() && !out_.description.ends_with("\n\n")) out_.description += "\n\n";
      return;
    }
    if (!out_.description.empty() && !out_.description.ends_with("\n\n")) out_.description += ' ';
    out_.description += text;
  }

  Statement make(Statement::Kind kind) const {
    Statement s;
    s.kind = kind;
    s.line = line_;
    return s;
  }

  bool end_of_line(Cursor& c, std::string_view what) {
    if (c.done()) return true;
    return fail("unexpected " + shown(c.peek()) + " after " + std::string(what));
  }

  // ---- value parsers: each names what it expected and what it got ----

  bool node(Cursor& c, NodeId& n, std::string_view after) {
    const std::string_view t = c.next();
    if (t.empty()) return fail("expected a node name like s1 after '" + std::string(after) + "'");
    uint64_t k = 0;
    if (t.size() < 2 || t[0] != 's' || !parse_u64(t.substr(1), k)) {
      return fail("expected a node name like s1, got " + shown(t));
    }
    const int count = out_.config.nodes;
    if (k < 1 || k > static_cast<uint64_t>(count)) {
      const std::string has = count == 1 ? "1 node: s1" : std::to_string(count) + " nodes: s1..s" + std::to_string(count);
      return fail("unknown node " + std::string(t) + " (this scenario has " + has + ")");
    }
    n = static_cast<NodeId>(k - 1);
    if (named_node_line_ == 0) named_node_line_ = line_;
    return true;
  }

  bool duration(Cursor& c, Time& us, std::string_view after) {
    const std::string_view t = c.next();
    const std::string like = "a duration like 2s, 150ms or 500us";
    if (t.empty()) return fail("expected " + like + " after '" + std::string(after) + "'");
    size_t unit_at = 0;
    while (unit_at < t.size() && ((t[unit_at] >= '0' && t[unit_at] <= '9') || t[unit_at] == '.')) ++unit_at;
    const std::string_view num = t.substr(0, unit_at), unit = t.substr(unit_at);
    Time unit_us = 0;
    if (unit == "s") unit_us = 1'000'000;
    else if (unit == "ms") unit_us = 1'000;
    else if (unit == "us") unit_us = 1;
    const std::string bad = "expected " + like + ", got " + shown(t);
    if (num.empty()) return fail(bad);
    if (unit.empty()) return fail(bad + " (add a unit: s, ms or us)");
    if (unit_us == 0) return fail(bad);
    const size_t dot = num.find('.');
    uint64_t whole = 0, frac = 0;
    const std::string_view whole_text = num.substr(0, dot);
    const std::string_view frac_text = dot == std::string_view::npos ? std::string_view{} : num.substr(dot + 1);
    if (whole_text.empty() || (dot != std::string_view::npos && frac_text.empty())) return fail(bad);
    if (frac_text.find('.') != std::string_view::npos) return fail(bad);
    const std::string too_long = "durations are limited to 24h, got " + shown(t);
    if (whole_text.size() > 12) return fail(too_long);
    if (frac_text.size() > 6) return fail(shown(t) + " is not a whole number of microseconds");
    if (!parse_u64(whole_text, whole) || (!frac_text.empty() && !parse_u64(frac_text, frac))) return fail(bad);
    uint64_t scale = 1;
    for (size_t i = 0; i < frac_text.size(); ++i) scale *= 10;
    const uint64_t frac_scaled = frac * static_cast<uint64_t>(unit_us);
    if (frac_scaled % scale != 0) return fail(shown(t) + " is not a whole number of microseconds");
    const uint64_t total = whole * static_cast<uint64_t>(unit_us) + frac_scaled / scale;
    if (total > static_cast<uint64_t>(kDurationMax_us)) return fail(too_long);
    us = static_cast<Time>(total);
    return true;
  }

  bool integer(Cursor& c, uint64_t& v, uint64_t lo, uint64_t hi, std::string_view what) {
    const std::string_view t = c.next();
    const std::string range = std::to_string(lo) + ".." + std::to_string(hi);
    if (t.empty()) return fail("expected " + std::string(what) + " (a whole number " + range + ")");
    if (!parse_u64(t, v)) return fail("expected " + std::string(what) + " (a whole number " + range + "), got " + shown(t));
    if (v < lo || v > hi) return fail(std::string(what) + " must be in " + range + ", got " + shown(t));
    return true;
  }

  bool probability(Cursor& c, double& p, std::string_view after) {
    const std::string_view t = c.next();
    const std::string like = "a probability between 0 and 1 like 0.1";
    if (t.empty()) return fail("expected " + like + " after '" + std::string(after) + "'");
    if (!parse_double(t, p) || p > 1.0) return fail("expected " + like + ", got " + shown(t));
    return true;
  }

  bool term_list(Cursor& c, std::vector<Term>& terms, bool non_decreasing) {
    while (!c.done()) {
      const std::string_view t = c.next();
      uint64_t v = 0;
      if (!parse_u64(t, v)) return fail("expected a term (a whole number) in the log, got " + shown(t));
      if (v < 1 || v > kTermMax) return fail("log terms are 1.." + std::to_string(kTermMax) + ", got " + shown(t));
      if (terms.size() >= kLogEntriesMax) return fail("too many log entries (at most " + std::to_string(kLogEntriesMax) + ")");
      if (non_decreasing && !terms.empty() && v < terms.back()) {
        return fail("log terms never decrease along a Raft log, but term " + std::to_string(v) + " at index " +
                    std::to_string(terms.size() + 1) + " follows term " + std::to_string(terms.back()));
      }
      terms.push_back(v);
    }
    return true;
  }

  bool cmp(Cursor& c, Cmp& out) {
    const std::string_view t = c.next();
    if (t == "=" || t == "==") out = Cmp::Eq;
    else if (t == ">=") out = Cmp::Ge;
    else if (t == "<=") out = Cmp::Le;
    else if (t.empty()) return fail("expected a comparison (=, >= or <=)");
    else return fail("expected a comparison (=, >= or <=), got " + shown(t));
    return true;
  }

  bool word(Cursor& c, std::string& out, std::string_view what, size_t max_bytes, bool allow_none) {
    const std::string_view t = c.next();
    if (t.empty()) return fail("expected " + std::string(what));
    if (!printable(t)) return fail(std::string(what) + " " + shown(t) + " contains a control character");
    if (t.size() > max_bytes) return fail(std::string(what) + " " + shown(t) + " is too long (at most " + std::to_string(max_bytes) + " characters)");
    if (!allow_none && t == "none") return fail("'none' means an absent value in checks; pick another value");
    out = std::string(t);
    return true;
  }

  // ---- statements ----

  bool statement(Cursor& c) {
    const std::string_view kw = c.next();
    if (is_header_keyword(kw)) {
      if (seen_action_) {
        if (kw == "latency" || kw == "loss" || kw == "duplicate") return network_change(kw, c);
        if (kw == "election_timeout" || kw == "heartbeat" || kw == "noop" || kw == "append_max") return timing_change(kw, c);
        return fail("'" + std::string(kw) + "' is a header statement: it must come before the first action or check (line " +
                    std::to_string(seen_action_) + ")");
      }
      return header(kw, c);
    }
    if (is_preset_keyword(kw)) {
      if (seen_action_) {
        return fail("initial state ('" + std::string(kw) + "') must come before the first action or check (line " +
                    std::to_string(seen_action_) + ")");
      }
      return preset(kw, c);
    }
    if (kw == "expect") return begin_action() && check(c);
    if (kw == "run" || kw == "crash" || kw == "restart" || kw == "partition" || kw == "cut" || kw == "uncut" || kw == "heal" ||
        kw == "timeout" || kw == "put" || kw == "get" || kw == "append" || kw == "cas" || kw == "delete" ||
        kw == "clients" || kw == "drop" || kw == "dup" || kw == "delay") {
      return begin_action() && action(kw, c);
    }
    return fail("unknown statement " + shown(kw) +
                " (expected a header like 'nodes 5', initial state like 'term s1 2', an action like 'run 2s' "
                "or a check like 'expect leader')");
  }

  bool begin_action() {
    if (!ended_presets_ && !end_presets()) return false;
    if (seen_action_ == 0) seen_action_ = line_;
    return true;
  }

  bool header(std::string_view kw, Cursor& c) {
    ClusterConfig& cfg = out_.config;
    uint64_t v = 0;
    if (kw == "nodes") {
      if (named_node_line_ != 0) {
        return fail("'nodes' must come before every line that names a node (line " + std::to_string(named_node_line_) + " does)");
      }
      if (!integer(c, v, 1, kNodesMax, "a number of nodes")) return false;
      cfg.nodes = static_cast<int>(v);
    } else if (kw == "seed") {
      if (!integer(c, v, 0, UINT64_MAX, "a seed")) return false;
      cfg.seed = v;
    } else if (kw == "election_timeout") {
      Time lo = 0, hi = 0;
      if (!duration(c, lo, kw) || !duration(c, hi, kw)) return false;
      if (lo == 0) return fail("the election timeout must be longer than 0");
      if (lo > hi) return fail("the election timeout's minimum (" + duration_text(lo) + ") is above its maximum (" + duration_text(hi) + ")");
      cfg.timing.election_timeout_min_us = lo;
      cfg.timing.election_timeout_max_us = hi;
    } else if (kw == "heartbeat") {
      Time d = 0;
      if (!duration(c, d, kw)) return false;
      if (d == 0) return fail("the heartbeat interval must be longer than 0");
      cfg.timing.heartbeat_interval_us = d;
    } else if (kw == "latency") {
      Time lo = 0, hi = 0;
      if (!latency(c, lo, hi)) return false;
      cfg.network.latency_min_us = lo;
      cfg.network.latency_max_us = hi;
    } else if (kw == "loss") {
      if (!probability(c, cfg.network.loss, kw)) return false;
    } else if (kw == "duplicate") {
      if (!probability(c, cfg.network.duplicate, kw)) return false;
    } else if (kw == "noop") {
      const std::string_view t = c.next();
      if (t == "on") cfg.timing.noop_on_election = true;
      else if (t == "off") cfg.timing.noop_on_election = false;
      else if (t.empty()) return fail("expected 'on' or 'off' after 'noop'");
      else return fail("expected 'on' or 'off' after 'noop', got " + shown(t));
    } else if (kw == "append_max") {
      if (!integer(c, v, 1, kAppendEntriesMax, "entries per AppendEntries")) return false;
      cfg.timing.append_entries_max = static_cast<uint32_t>(v);
    }
    return end_of_line(c, kw);
  }

  bool latency(Cursor& c, Time& lo, Time& hi) {
    if (!duration(c, lo, "latency") || !duration(c, hi, "latency")) return false;
    if (lo > hi) return fail("the latency's minimum (" + duration_text(lo) + ") is above its maximum (" + duration_text(hi) + ")");
    return true;
  }

  bool network_change(std::string_view kw, Cursor& c) {
    if (kw == "latency") {
      Statement s = make(Statement::Kind::SetLatency);
      if (!latency(c, s.us, s.us2)) return false;
      return push(std::move(s), c, kw);
    }
    Statement s = make(kw == "loss" ? Statement::Kind::SetLoss : Statement::Kind::SetDuplicate);
    if (!probability(c, s.prob, kw)) return false;
    return push(std::move(s), c, kw);
  }

  // After the first action, timing statements change the running cluster (the lab's settings).
  bool timing_change(std::string_view kw, Cursor& c) {
    using K = Statement::Kind;
    if (kw == "election_timeout") {
      Statement s = make(K::SetElectionTimeout);
      if (!duration(c, s.us, kw) || !duration(c, s.us2, kw)) return false;
      if (s.us == 0) return fail("the election timeout must be longer than 0");
      if (s.us > s.us2) return fail("the election timeout's minimum (" + duration_text(s.us) + ") is above its maximum (" + duration_text(s.us2) + ")");
      return push(std::move(s), c, kw);
    }
    if (kw == "heartbeat") {
      Statement s = make(K::SetHeartbeat);
      if (!duration(c, s.us, kw)) return false;
      if (s.us == 0) return fail("the heartbeat interval must be longer than 0");
      return push(std::move(s), c, kw);
    }
    if (kw == "noop") {
      Statement s = make(K::SetNoop);
      const std::string_view t = c.next();
      if (t == "on") s.flag = true;
      else if (t == "off") s.flag = false;
      else if (t.empty()) return fail("expected 'on' or 'off' after 'noop'");
      else return fail("expected 'on' or 'off' after 'noop', got " + shown(t));
      return push(std::move(s), c, kw);
    }
    Statement s = make(K::SetAppendMax);
    if (!integer(c, s.number, 1, kAppendEntriesMax, "entries per AppendEntries")) return false;
    return push(std::move(s), c, kw);
  }

  bool push(Statement s, Cursor& c, std::string_view what) {
    if (!end_of_line(c, what)) return false;
    out_.statements.push_back(std::move(s));
    return true;
  }

  bool preset(std::string_view kw, Cursor& c) {
    if (kw == "term") {
      Statement s = make(Statement::Kind::PresetTerm);
      uint64_t v = 0;
      if (!node(c, s.node, kw) || !integer(c, v, 0, kTermMax, "a term")) return false;
      s.number = v;
      Preset& p = presets_[static_cast<size_t>(s.node)];
      p.has_term = true;
      p.term = v;
      p.term_line = line_;
      return push(std::move(s), c, "the term");
    }
    if (kw == "log") {
      Statement s = make(Statement::Kind::PresetLog);
      if (!node(c, s.node, kw) || !term_list(c, s.terms, true)) return false;
      Preset& p = presets_[static_cast<size_t>(s.node)];
      p.has_log = true;
      p.log = s.terms;
      p.log_line = line_;
      return push(std::move(s), c, "the log");
    }
    Statement s = make(Statement::Kind::PresetVote);
    if (!node(c, s.node, kw) || !node(c, s.node2, kw)) return false;
    Preset& p = presets_[static_cast<size_t>(s.node)];
    p.has_vote = true;
    p.vote_line = line_;
    return push(std::move(s), c, "the candidate");
  }

  // The initial state as a whole must be one Raft could reach: currentTerm >= every term in the
  // log, a vote belongs to a term >= 1, and the logs obey the Log Matching Property (§5.3).
  bool end_presets() {
    ended_presets_ = true;
    const int n = out_.config.nodes;
    for (int i = 0; i < n; ++i) {
      const Preset& p = presets_[static_cast<size_t>(i)];
      const std::string name = node_name(i);
      if (p.has_log && !p.log.empty() && p.log.back() > p.term) {
        error_line_ = std::max(p.log_line, p.term_line);
        return fail(name + "'s log ends with an entry of term " + std::to_string(p.log.back()) + " but its term is " +
                    std::to_string(p.term) + "; a server's currentTerm is never below the terms in its log (add 'term " +
                    name + " " + std::to_string(p.log.back()) + "')");
      }
      if (p.has_vote && p.term == 0) {
        error_line_ = std::max(p.vote_line, p.term_line);
        return fail(name + " cannot have voted in term 0; set its term first, like 'term " + name + " 2'");
      }
    }
    for (int a = 0; a < n; ++a) {
      for (int b = a + 1; b < n; ++b) {
        const Preset& pa = presets_[static_cast<size_t>(a)];
        const Preset& pb = presets_[static_cast<size_t>(b)];
        const size_t len = std::min(pa.log.size(), pb.log.size());
        size_t first_diff = len;
        for (size_t i = 0; i < len; ++i) {
          if (pa.log[i] != pb.log[i]) {
            first_diff = i;
            break;
          }
        }
        for (size_t i = first_diff + 1; i < len; ++i) {
          if (pa.log[i] == pb.log[i]) {
            error_line_ = std::max(pa.log_line, pb.log_line);
            return fail("the logs of " + node_name(a) + " and " + node_name(b) + " both hold an entry of term " +
                        std::to_string(pa.log[i]) + " at index " + std::to_string(i + 1) + " but differ at index " +
                        std::to_string(first_diff + 1) + "; the Log Matching Property (§5.3) makes such logs impossible");
          }
        }
      }
    }
    return true;
  }

  bool action(std::string_view kw, Cursor& c) {
    using K = Statement::Kind;
    if (kw == "run") {
      Statement s = make(K::Run);
      if (!duration(c, s.us, kw)) return false;
      return push(std::move(s), c, "the duration");
    }
    if (kw == "crash") {
      if (c.peek() == "leader") {
        c.next();
        return push(make(K::CrashLeader), c, "'crash leader'");
      }
      Statement s = make(K::Crash);
      if (!node(c, s.node, kw)) return false;
      return push(std::move(s), c, "the node");
    }
    if (kw == "restart" || kw == "timeout") {
      Statement s = make(kw == "restart" ? K::Restart : K::Timeout);
      if (!node(c, s.node, kw)) return false;
      return push(std::move(s), c, "the node");
    }
    if (kw == "heal") return push(make(K::Heal), c, "'heal'");
    if (kw == "partition") return partition(c);
    if (kw == "cut" || kw == "uncut") {
      Statement s = make(kw == "cut" ? K::Cut : K::Uncut);
      c.tokens = split_around(c.tokens, "->");
      if (!node(c, s.node, kw)) return false;
      if (c.peek() == "->") {
        c.next();
        s.one_way = true;
      }
      if (!node(c, s.node2, kw)) return false;
      if (s.node == s.node2) return fail("cannot " + std::string(kw) + " " + node_name(s.node) + " from itself");
      return push(std::move(s), c, "the link");
    }
    if (kw == "put" || kw == "get" || kw == "append" || kw == "cas" || kw == "delete") return client_op(kw, c);
    if (kw == "clients") return clients(c);
    // drop / dup / delay: a message by id (the id shown in the trace and the UI).
    Statement s = make(kw == "drop" ? K::DropMessage : kw == "dup" ? K::DuplicateMessage : K::DelayMessage);
    if (!integer(c, s.number, 1, UINT64_MAX, "a message id")) return false;
    if (s.kind == K::DelayMessage && !duration(c, s.us, kw)) return false;
    return push(std::move(s), c, "the message");
  }

  bool partition(Cursor& c) {
    Statement s = make(Statement::Kind::Partition);
    c.tokens = split_around(c.tokens, "|");
    const std::string how = " (write groups of nodes separated by |, like 'partition s1 s2 | s3 s4 s5')";
    uint32_t seen = 0;
    s.groups.emplace_back();
    while (!c.done()) {
      if (c.peek() == "|") {
        c.next();
        if (s.groups.back().empty()) return fail("empty group in the partition" + how);
        s.groups.emplace_back();
        continue;
      }
      NodeId n = kNoNode;
      if (!node(c, n, "partition")) return false;
      if (seen & (1u << n)) return fail(node_name(n) + " appears twice in the partition");
      seen |= 1u << n;
      s.groups.back().push_back(n);
    }
    if (s.groups.back().empty()) return fail(s.groups.size() == 1 ? "expected groups of nodes after 'partition'" + how : "empty group in the partition" + how);
    return push(std::move(s), c, "the partition");
  }

  bool client_op(std::string_view kw, Cursor& c) {
    Statement s = make(Statement::Kind::ClientOp);
    Command& cmd = s.cmd;
    std::string usage;
    if (kw == "put") { cmd.op = Op::Put; usage = "'put x 1'"; }
    else if (kw == "get") { cmd.op = Op::Get; usage = "'get x'"; }
    else if (kw == "append") { cmd.op = Op::Append; usage = "'append x a'"; }
    else if (kw == "cas") { cmd.op = Op::Cas; usage = "'cas x 1 2' (from 1 to 2)"; }
    else { cmd.op = Op::Delete; usage = "'delete x'"; }
    const std::string with = " (like " + usage + ")";
    if (!word(c, cmd.key, "a key" + with, kKeyBytesMax, true)) return false;
    if (cmd.op == Op::Cas && !word(c, cmd.expect, "the value to compare with" + with, kValueBytesMax, false)) return false;
    if ((cmd.op == Op::Put || cmd.op == Op::Append || cmd.op == Op::Cas) &&
        !word(c, cmd.value, "a value" + with, kValueBytesMax, false)) {
      return false;
    }
    if (c.peek() == "via") {
      c.next();
      if (!node(c, s.via, "via")) return false;
    }
    return push(std::move(s), c, usage);
  }

  bool clients(Cursor& c) {
    Statement s = make(Statement::Kind::Clients);
    uint64_t v = 0;
    if (!integer(c, v, 0, kClientsMax, "a number of clients")) return false;
    s.workload.clients = static_cast<int>(v);
    s.us = kTimeNever;
    bool has_rate = false, has_for = false, has_keys = false;
    while (!c.done()) {
      const std::string_view t = c.next();
      if (t == "rate" && !has_rate) {
        has_rate = true;
        std::string_view r = c.next();
        if (r.empty()) return fail("expected a rate like 50/s after 'rate' (0 = each client sends as soon as its last request returns)");
        const std::string_view num = r.ends_with("/s") ? r.substr(0, r.size() - 2) : r;
        double rate = 0;
        if (!parse_double(num, rate)) return fail("expected a rate like 50/s, got " + shown(r));
        if (rate > kRatePerSecondMax) return fail("the rate is limited to 1000000/s, got " + shown(r));
        s.workload.rate_per_s = rate;
      } else if (t == "for" && !has_for) {
        has_for = true;
        if (!duration(c, s.us, "for")) return false;
      } else if (t == "keys" && !has_keys) {
        has_keys = true;
        if (!integer(c, v, 1, kKeysMax, "a number of keys")) return false;
        s.workload.keys = static_cast<int>(v);
      } else {
        return fail("unexpected " + shown(t) + " in 'clients' (write it like 'clients 3 rate 50/s for 10s')");
      }
    }
    out_.statements.push_back(std::move(s));
    return true;
  }

  bool check(Cursor& c) {
    using K = Statement::Kind;
    const std::string_view what = c.next();
    if (what == "leader") {
      if (c.done()) return push(make(K::ExpectLeader), c, "'expect leader'");
      Statement s = make(K::ExpectLeaderIs);
      if (!node(c, s.node2, "expect leader")) return false;
      return push(std::move(s), c, "'expect leader'");
    }
    if (what == "no") {
      const std::string_view t = c.next();
      if (t != "leader") return fail("expected 'expect no leader'" + (t.empty() ? std::string() : ", got " + shown(t)));
      return push(make(K::ExpectNoLeader), c, "'expect no leader'");
    }
    if (what == "term" || what == "commit") {
      Statement s = make(what == "term" ? K::ExpectTerm : K::ExpectCommit);
      if (!node(c, s.node, "expect " + std::string(what)) || !cmp(c, s.cmp)) return false;
      if (!integer(c, s.number, 0, what == "term" ? kTermMax : kIndexMax, what == "term" ? "a term" : "a log index")) return false;
      return push(std::move(s), c, "the number");
    }
    if (what == "log") {
      Statement s = make(K::ExpectLog);
      if (!node(c, s.node, "expect log") || !term_list(c, s.terms, false)) return false;
      return push(std::move(s), c, "the log");
    }
    if (what == "value") {
      Statement s = make(K::ExpectValue);
      const std::string like = " (like 'expect value x 1' or 'expect value x none')";
      std::string value;
      if (!word(c, s.key, "a key" + like, kKeyBytesMax, true) || !word(c, value, "a value" + like, kValueBytesMax, true)) return false;
      if (value != "none") s.value = std::move(value);
      return push(std::move(s), c, "the value");
    }
    if (what == "role") {
      Statement s = make(K::ExpectRole);
      if (!node(c, s.node, "expect role")) return false;
      const std::string_view r = c.next();
      if (r == "follower") s.role = Role::Follower;
      else if (r == "candidate") s.role = Role::Candidate;
      else if (r == "leader") s.role = Role::Leader;
      else return fail("expected a role (follower, candidate or leader)" + (r.empty() ? std::string() : ", got " + shown(r)));
      return push(std::move(s), c, "the role");
    }
    if (what == "down" || what == "up") {
      Statement s = make(what == "down" ? K::ExpectDown : K::ExpectUp);
      if (!node(c, s.node, "expect " + std::string(what))) return false;
      return push(std::move(s), c, "the node");
    }
    return fail((what.empty() ? std::string("expected a check after 'expect'") : "unknown check " + shown(what)) +
                " (checks: leader, leader sN, no leader, term, commit, log, value, role, down, up)");
  }

  Scenario& out_;
  std::string error_;
  int line_ = 0;
  int error_line_ = 0;          // for errors found after the line that caused them
  int seen_action_ = 0;         // line of the first action or check, 0 before
  int named_node_line_ = 0;     // first line that named a node
  bool ended_presets_ = false;
  std::vector<Preset> presets_ = std::vector<Preset>(kNodesMax);
};

const char* cmp_text(Cmp c) { return c == Cmp::Eq ? "=" : c == Cmp::Ge ? ">=" : "<="; }
bool compare(uint64_t a, Cmp c, uint64_t b) { return c == Cmp::Eq ? a == b : c == Cmp::Ge ? a >= b : a <= b; }

std::string terms_text(const std::vector<Term>& terms) {
  std::string s;
  for (Term t : terms) {
    if (!s.empty()) s += ' ';
    s += std::to_string(t);
  }
  return s;
}

std::string log_text(const Log& log) {
  if (log.last_index() == 0) return "empty";
  std::string s;
  for (LogIndex i = 1; i <= log.last_index(); ++i) {
    if (!s.empty()) s += ' ';
    s += std::to_string(log.at(i).term);
  }
  return s;
}

// "s1 follower (term 3), s2 down, ..." for checks about leadership.
std::string roles_text(const Cluster& cluster) {
  std::string s;
  for (NodeId n = 0; n < cluster.size(); ++n) {
    if (!s.empty()) s += ", ";
    s += node_name(n);
    if (!cluster.up(n)) {
      s += " down";
      continue;
    }
    s += std::string(" ") + role_name(cluster.node(n).role()) + " in term " + std::to_string(cluster.node(n).current_term());
  }
  return s;
}

std::string value_text(const std::optional<std::string>& v) { return v ? *v : "none"; }

KvOpKind kv_kind(Op op) {
  switch (op) {
    case Op::Put: return KvOpKind::Put;
    case Op::Append: return KvOpKind::Append;
    case Op::Cas: return KvOpKind::Cas;
    case Op::Delete: return KvOpKind::Delete;
    case Op::Get:
    case Op::Noop:
    case Op::Preset: break;
  }
  return KvOpKind::Get;
}

}  // namespace

bool is_header(Statement::Kind k) {
  using K = Statement::Kind;
  return k == K::Nodes || k == K::Seed || k == K::ElectionTimeout || k == K::Heartbeat || k == K::Latency ||
         k == K::Loss || k == K::Duplicate || k == K::Noop || k == K::AppendMax;
}
bool is_initial_state(Statement::Kind k) {
  using K = Statement::Kind;
  return k == K::PresetTerm || k == K::PresetLog || k == K::PresetVote;
}
bool is_check(Statement::Kind k) {
  using K = Statement::Kind;
  return k == K::ExpectLeader || k == K::ExpectLeaderIs || k == K::ExpectNoLeader || k == K::ExpectTerm ||
         k == K::ExpectCommit || k == K::ExpectLog || k == K::ExpectValue || k == K::ExpectRole || k == K::ExpectDown ||
         k == K::ExpectUp;
}

std::string format_duration(Time us) { return duration_text(us); }

bool parse_duration(std::string_view text, Time& us, std::string* error) {
  Scenario scratch;
  Parser parser("", scratch);
  std::string message;
  const bool ok = parser.parse_duration_token(text, us, message);
  if (!ok && error) *error = std::move(message);
  return ok;
}

bool parse_number(std::string_view text, double& out) { return parse_double(text, out); }

std::string ParseError::to_string() const { return file + ":" + std::to_string(line) + ": " + message; }

std::optional<ParseError> parse_scenario(std::string_view text, std::string_view file, Scenario& out) {
  Parser parser(file, out);
  std::optional<ParseError> e = parser.parse(text);
  if (e) {
    const std::string name = out.file;
    out = Scenario{};
    out.file = name;
  }
  return e;
}

bool apply_statement(Cluster& cluster, const Statement& s, std::string* error) {
  using K = Statement::Kind;
  auto fail = [&](std::string message) {
    if (error) *error = std::move(message);
    return false;
  };
  auto check_node = [&](NodeId n) {
    return n >= 0 && n < cluster.size();
  };
  const std::string has = " (the cluster has " + std::to_string(cluster.size()) + " nodes)";
  switch (s.kind) {
    case K::Nodes: case K::Seed: case K::ElectionTimeout: case K::Heartbeat: case K::Latency: case K::Loss:
    case K::Duplicate: case K::Noop: case K::AppendMax:
    case K::ExpectLeader: case K::ExpectLeaderIs: case K::ExpectNoLeader: case K::ExpectTerm: case K::ExpectCommit:
    case K::ExpectLog: case K::ExpectValue: case K::ExpectRole: case K::ExpectDown: case K::ExpectUp:
      return true;
    case K::PresetTerm: case K::PresetLog: case K::PresetVote:
      return fail("the initial state (term, log, voted) is set when the cluster is built, before time starts");
    case K::Run:
      if (s.us < 0) return fail("cannot run for a negative time");
      cluster.run_for(s.us);
      return true;
    case K::Crash:
      if (!check_node(s.node)) return fail("unknown node " + node_name(s.node) + has);
      if (!cluster.up(s.node)) return fail("cannot crash " + node_name(s.node) + ": it is already down");
      cluster.crash(s.node);
      return true;
    case K::CrashLeader: {
      const NodeId l = cluster.leader();
      if (l == kNoNode) return fail("cannot crash the leader: there is no leader at " + format_time(cluster.now()));
      cluster.crash(l);
      return true;
    }
    case K::Restart:
      if (!check_node(s.node)) return fail("unknown node " + node_name(s.node) + has);
      if (cluster.up(s.node)) return fail("cannot restart " + node_name(s.node) + ": it is up (crash it first)");
      cluster.restart(s.node);
      return true;
    case K::Partition: {
      uint32_t seen = 0;
      for (const auto& g : s.groups) {
        for (NodeId n : g) {
          if (!check_node(n)) return fail("unknown node " + node_name(n) + has);
          if (seen & (1u << n)) return fail(node_name(n) + " appears twice in the partition");
          seen |= 1u << n;
        }
      }
      cluster.partition(s.groups);
      return true;
    }
    case K::Cut:
      if (!check_node(s.node) || !check_node(s.node2)) return fail("unknown node" + has);
      if (s.node == s.node2) return fail("cannot cut a node from itself");
      cluster.cut(s.node, s.node2, s.one_way);
      return true;
    case K::Uncut:
      if (!check_node(s.node) || !check_node(s.node2)) return fail("unknown node" + has);
      if (s.node == s.node2) return fail("cannot restore a link from a node to itself");
      cluster.uncut(s.node, s.node2, s.one_way);
      return true;
    case K::SetElectionTimeout: case K::SetHeartbeat: case K::SetNoop: case K::SetAppendMax: {
      Timing t = cluster.config().timing;
      if (s.kind == K::SetElectionTimeout) { t.election_timeout_min_us = s.us; t.election_timeout_max_us = s.us2; }
      if (s.kind == K::SetHeartbeat) t.heartbeat_interval_us = s.us;
      if (s.kind == K::SetNoop) t.noop_on_election = s.flag;
      if (s.kind == K::SetAppendMax) t.append_entries_max = static_cast<uint32_t>(s.number);
      if (t.election_timeout_min_us <= 0 || t.election_timeout_min_us > t.election_timeout_max_us) {
        return fail("the election timeout's minimum must be above 0 and at most its maximum");
      }
      if (t.heartbeat_interval_us <= 0) return fail("the heartbeat interval must be longer than 0");
      if (t.append_entries_max < 1) return fail("append_max must be at least 1");
      cluster.set_timing(t);
      return true;
    }
    case K::Heal:
      cluster.heal();
      return true;
    case K::Timeout:
      if (!check_node(s.node)) return fail("unknown node " + node_name(s.node) + has);
      if (!cluster.up(s.node)) return fail("cannot time out " + node_name(s.node) + ": it is down");
      if (cluster.node(s.node).role() == Role::Leader) {
        return fail("cannot time out " + node_name(s.node) + ": it is the leader, and a leader has no election timer");
      }
      cluster.timeout(s.node);
      return true;
    case K::ClientOp:
      if (s.via != kNoNode && !check_node(s.via)) return fail("unknown node " + node_name(s.via) + has);
      cluster.submit(s.cmd, s.via);
      return true;
    case K::Clients: {
      Workload w = s.workload;
      w.until_us = s.us == kTimeNever || s.us > kTimeNever - cluster.now() ? kTimeNever : cluster.now() + s.us;
      cluster.set_workload(w);
      return true;
    }
    case K::DropMessage:
      if (!cluster.drop_message(s.number)) return fail("cannot drop message " + std::to_string(s.number) + ": it is not in flight");
      return true;
    case K::DuplicateMessage:
      if (!cluster.duplicate_message(s.number)) return fail("cannot duplicate message " + std::to_string(s.number) + ": it is not in flight");
      return true;
    case K::DelayMessage:
      if (s.us < 0) return fail("cannot delay a message by a negative time");
      if (!cluster.delay_message(s.number, s.us)) return fail("cannot delay message " + std::to_string(s.number) + ": it is not in flight");
      return true;
    case K::SetLatency: {
      if (s.us < 0 || s.us > s.us2) return fail("the latency's minimum is above its maximum");
      NetworkConfig net = cluster.network().config();
      net.latency_min_us = s.us;
      net.latency_max_us = s.us2;
      cluster.set_network(net);
      return true;
    }
    case K::SetLoss: case K::SetDuplicate: {
      if (!(s.prob >= 0 && s.prob <= 1)) return fail("a probability is between 0 and 1");
      NetworkConfig net = cluster.network().config();
      (s.kind == K::SetLoss ? net.loss : net.duplicate) = s.prob;
      cluster.set_network(net);
      return true;
    }
  }
  return fail("unknown statement");
}

bool evaluate_check(const Cluster& cluster, const Statement& s, std::string& found) {
  using K = Statement::Kind;
  auto valid = [&](NodeId n) {
    if (n >= 0 && n < cluster.size()) return true;
    found = "no node " + node_name(n) + " (the cluster has " + std::to_string(cluster.size()) + " nodes)";
    return false;
  };
  const NodeId leader = cluster.leader();
  switch (s.kind) {
    case K::ExpectLeader:
      if (leader != kNoNode) return true;
      found = "no leader (" + roles_text(cluster) + ")";
      return false;
    case K::ExpectLeaderIs:
      if (!valid(s.node2)) return false;
      if (leader == s.node2) return true;
      found = leader == kNoNode ? "no leader (" + roles_text(cluster) + ")"
                                : node_name(leader) + " is leader in term " + std::to_string(cluster.node(leader).current_term()) +
                                      " (" + roles_text(cluster) + ")";
      return false;
    case K::ExpectNoLeader:
      if (leader == kNoNode) return true;
      found = node_name(leader) + " is leader in term " + std::to_string(cluster.node(leader).current_term());
      return false;
    case K::ExpectTerm: {
      if (!valid(s.node)) return false;
      const Term t = cluster.node(s.node).current_term();
      if (compare(t, s.cmp, s.number)) return true;
      found = node_name(s.node) + "'s term is " + std::to_string(t);
      return false;
    }
    case K::ExpectCommit: {
      if (!valid(s.node)) return false;
      const LogIndex c = cluster.node(s.node).commit_index();
      if (compare(c, s.cmp, s.number)) return true;
      found = node_name(s.node) + "'s commitIndex is " + std::to_string(c) + (cluster.up(s.node) ? "" : " (it is down)");
      return false;
    }
    case K::ExpectLog: {
      if (!valid(s.node)) return false;
      const Log& log = cluster.node(s.node).log();
      bool equal = log.last_index() == s.terms.size();
      for (LogIndex i = 1; equal && i <= log.last_index(); ++i) equal = log.term_at(i) == s.terms[i - 1];
      if (equal) return true;
      found = node_name(s.node) + "'s log is " + log_text(log);
      return false;
    }
    case K::ExpectValue: {
      if (leader == kNoNode) {
        found = "no leader to read " + s.key + " from (" + roles_text(cluster) + ")";
        return false;
      }
      const std::optional<std::string> v = cluster.node(leader).kv().get(s.key);
      if (v == s.value) return true;
      found = s.key + " = " + value_text(v) + " on the leader " + node_name(leader);
      return false;
    }
    case K::ExpectRole: {
      if (!valid(s.node)) return false;
      if (!cluster.up(s.node)) {
        found = node_name(s.node) + " is down";
        return false;
      }
      const Node& n = cluster.node(s.node);
      if (n.role() == s.role) return true;
      found = node_name(s.node) + " is " + role_name(n.role()) + " in term " + std::to_string(n.current_term());
      return false;
    }
    case K::ExpectDown:
    case K::ExpectUp: {
      if (!valid(s.node)) return false;
      const bool want_up = s.kind == K::ExpectUp;
      if (cluster.up(s.node) == want_up) return true;
      found = node_name(s.node) + " is " + (cluster.up(s.node) ? "up" : "down");
      return false;
    }
    default:
      found = "not a check";
      return false;
  }
}

std::string format_statement(const Statement& s) {
  using K = Statement::Kind;
  auto n = [](NodeId id) { return node_name(id); };
  switch (s.kind) {
    case K::Nodes: return "nodes " + std::to_string(s.number);
    case K::Seed: return "seed " + std::to_string(s.number);
    case K::ElectionTimeout: case K::SetElectionTimeout: return "election_timeout " + duration_text(s.us) + " " + duration_text(s.us2);
    case K::Heartbeat: case K::SetHeartbeat: return "heartbeat " + duration_text(s.us);
    case K::Latency: case K::SetLatency: return "latency " + duration_text(s.us) + " " + duration_text(s.us2);
    case K::Loss: case K::SetLoss: return "loss " + format_double(s.prob);
    case K::Duplicate: case K::SetDuplicate: return "duplicate " + format_double(s.prob);
    case K::Noop: case K::SetNoop: return std::string("noop ") + (s.flag ? "on" : "off");
    case K::AppendMax: case K::SetAppendMax: return "append_max " + std::to_string(s.number);
    case K::PresetTerm: return "term " + n(s.node) + " " + std::to_string(s.number);
    case K::PresetLog: return "log " + n(s.node) + (s.terms.empty() ? "" : " " + terms_text(s.terms));
    case K::PresetVote: return "voted " + n(s.node) + " " + n(s.node2);
    case K::Run: return "run " + duration_text(s.us);
    case K::Crash: return "crash " + n(s.node);
    case K::CrashLeader: return "crash leader";
    case K::Restart: return "restart " + n(s.node);
    case K::Partition: {
      std::string out = "partition";
      for (size_t g = 0; g < s.groups.size(); ++g) {
        if (g > 0) out += " |";
        for (NodeId id : s.groups[g]) out += " " + n(id);
      }
      return out;
    }
    case K::Cut: return "cut " + n(s.node) + (s.one_way ? " -> " : " ") + n(s.node2);
    case K::Uncut: return "uncut " + n(s.node) + (s.one_way ? " -> " : " ") + n(s.node2);
    case K::Heal: return "heal";
    case K::Timeout: return "timeout " + n(s.node);
    case K::ClientOp: {
      std::string out = op_name(s.cmd.op);
      out += " " + s.cmd.key;
      if (s.cmd.op == Op::Cas) out += " " + s.cmd.expect;
      if (s.cmd.op == Op::Put || s.cmd.op == Op::Append || s.cmd.op == Op::Cas) out += " " + s.cmd.value;
      if (s.via != kNoNode) out += " via " + n(s.via);
      return out;
    }
    case K::Clients: {
      std::string out = "clients " + std::to_string(s.workload.clients) + " rate " + format_double(s.workload.rate_per_s) + "/s";
      if (s.us != kTimeNever) out += " for " + duration_text(s.us);
      if (s.workload.keys != Workload{}.keys) out += " keys " + std::to_string(s.workload.keys);
      return out;
    }
    case K::DropMessage: return "drop " + std::to_string(s.number);
    case K::DuplicateMessage: return "dup " + std::to_string(s.number);
    case K::DelayMessage: return "delay " + std::to_string(s.number) + " " + duration_text(s.us);
    case K::ExpectLeader: return "expect leader";
    case K::ExpectLeaderIs: return "expect leader " + n(s.node2);
    case K::ExpectNoLeader: return "expect no leader";
    case K::ExpectTerm: return "expect term " + n(s.node) + " " + cmp_text(s.cmp) + " " + std::to_string(s.number);
    case K::ExpectCommit: return "expect commit " + n(s.node) + " " + cmp_text(s.cmp) + " " + std::to_string(s.number);
    case K::ExpectLog: return "expect log " + n(s.node) + (s.terms.empty() ? "" : " " + terms_text(s.terms));
    case K::ExpectValue: return "expect value " + s.key + " " + value_text(s.value);
    case K::ExpectRole: return "expect role " + n(s.node) + " " + role_name(s.role);
    case K::ExpectDown: return "expect down " + n(s.node);
    case K::ExpectUp: return "expect up " + n(s.node);
  }
  return "# ?";
}

std::string format_header(const ClusterConfig& c) {
  std::string out;
  out += "nodes " + std::to_string(c.nodes) + "\n";
  out += "seed " + std::to_string(c.seed) + "\n";
  out += "election_timeout " + duration_text(c.timing.election_timeout_min_us) + " " + duration_text(c.timing.election_timeout_max_us) + "\n";
  out += "heartbeat " + duration_text(c.timing.heartbeat_interval_us) + "\n";
  out += "latency " + duration_text(c.network.latency_min_us) + " " + duration_text(c.network.latency_max_us) + "\n";
  out += "loss " + format_double(c.network.loss) + "\n";
  out += "duplicate " + format_double(c.network.duplicate) + "\n";
  out += std::string("noop ") + (c.timing.noop_on_election ? "on" : "off") + "\n";
  if (c.timing.append_entries_max != ClusterConfig{}.timing.append_entries_max) out += "append_max " + std::to_string(c.timing.append_entries_max) + "\n";
  return out;
}

std::string format_scenario(const Scenario& scenario) {
  std::string out;
  if (!scenario.title.empty()) out += "# title: " + scenario.title + "\n";
  size_t p = 0;
  while (p < scenario.description.size()) {
    size_t q = scenario.description.find("\n\n", p);
    if (q == std::string::npos) q = scenario.description.size();
    std::string_view para(scenario.description.data() + p, q - p);
    if (p > 0) out += "#\n";
    out += "# ";
    out += para;
    out += "\n";
    p = q + 2;
  }
  if (!out.empty()) out += "\n";
  out += format_header(scenario.config);
  for (const Statement& s : scenario.statements) out += format_statement(s) + "\n";
  return out;
}

std::vector<HistoryOp> client_history(const std::vector<ClientOpRecord>& ops) {
  std::vector<HistoryOp> history;
  history.reserve(ops.size());
  for (const ClientOpRecord& r : ops) {
    if (r.returned && !r.ok && r.definite) continue;  // surely never applied: not part of the history
    HistoryOp h;
    h.client = r.client;
    h.req = r.req;
    h.kind = kv_kind(r.cmd.op);
    h.key = r.cmd.key;
    h.value = r.cmd.value;
    h.expect = r.cmd.expect;
    h.invoke_us = r.invoke_us;
    h.returned = r.returned && r.ok;  // a failed, indefinite op may or may not have taken effect
    if (h.returned) {
      h.return_us = r.return_us;
      h.result = r.value;
      h.cas_swapped = r.cas_swapped;
    }
    history.push_back(std::move(h));
  }
  return history;
}

std::vector<InitialDisk> initial_disks(const Scenario& scenario) {
  std::vector<InitialDisk> disks;
  for (const Statement& s : scenario.statements) {
    if (!is_initial_state(s.kind)) continue;
    disks.resize(static_cast<size_t>(scenario.config.nodes));
    InitialDisk& d = disks[static_cast<size_t>(s.node)];  // the parser checked the node numbers
    if (s.kind == Statement::Kind::PresetTerm) d.term = s.number;
    if (s.kind == Statement::Kind::PresetVote) d.voted_for = s.node2;
    if (s.kind == Statement::Kind::PresetLog) d.log = s.terms;
  }
  return disks;
}

ScenarioRunner::ScenarioRunner(const ClusterConfig& config, std::string file, std::optional<Cluster>* keep,
                               const std::vector<InitialDisk>& disks)
    : file_(std::move(file)), slot_(keep ? keep : &local_) {
  slot_->emplace(config, disks);
}

void ScenarioRunner::fail(ScenarioResult::Failure kind, int line, std::string property, const std::string& message) {
  result_.ok = false;
  result_.kind = kind;
  result_.line = line;
  result_.property = std::move(property);
  result_.failure = file_ + ":" + std::to_string(line) + ": " + message;
}

void ScenarioRunner::violated(int line) {
  const Violation& v = cluster().checker().violation();
  fail(ScenarioResult::Failure::Invariant, line, v.property, v.property + " violated at " + format_time(v.t) + ": " + v.message);
}

bool ScenarioRunner::apply(const Statement& s) {
  if (!result_.ok) return false;
  Cluster& c = cluster();
  last_line_ = s.line;
  if (is_initial_state(s.kind)) return true;  // the constructor's disks hold it
  std::string error;
  if (!apply_statement(c, s, &error)) {
    fail(ScenarioResult::Failure::Action, s.line, "", error);
    return false;
  }
  if (!c.ok()) {
    violated(s.line);
    return false;
  }
  if (is_check(s.kind)) {
    std::string found;
    if (!evaluate_check(c, s, found)) {
      const std::string what = format_statement(s).substr(7);  // without "expect "
      fail(ScenarioResult::Failure::Check, s.line, what, "expected " + what + ", found " + found + " (at " + format_time(c.now()) + ")");
      return false;
    }
    ++result_.checks_passed;
  }
  return true;
}

const ScenarioResult& ScenarioRunner::finish() {
  if (!result_.ok) return result_;
  const Cluster& c = cluster();
  if (!c.ok()) {
    violated(last_line_);
    return result_;
  }
  const std::vector<HistoryOp> history = client_history(c.client_ops());
  result_.ops_checked = history.size();
  const LinearizabilityResult lin = check_linearizable(history);
  result_.linearizability_gave_up = lin.gave_up;
  if (!lin.ok && !lin.gave_up) {
    fail(ScenarioResult::Failure::Linearizability, last_line_, "Linearizability",
         "the client history is not linearizable (key " + lin.key + "): " + lin.explanation);
  }
  return result_;
}

ScenarioResult run_scenario(const Scenario& scenario, std::optional<Cluster>* keep) {
  ScenarioRunner runner(scenario.config, scenario.file, keep, initial_disks(scenario));
  for (const Statement& s : scenario.statements) {
    if (!runner.apply(s)) return runner.result();
  }
  return runner.finish();
}

}  // namespace raft::sim
