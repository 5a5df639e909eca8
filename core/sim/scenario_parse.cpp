// The scenario parser: lines, comments and the order of statement classes. What each statement's
// arguments look like is in the statement table (statement_table.cpp).
//
//   file      := leading comments (`# title: ...`, then the description), then one statement per
//                line; `#` starts a comment anywhere
//   header    := nodes N | seed N | a setting                          (before the first action/check)
//   setting   := election_timeout D D | heartbeat D | latency D D | loss P | duplicate P | noop on|off
//              | append_max N              (in the header: the start; after the first action: a change)
//   initial   := term sN T | log sN T... | voted sN sM               (before the first action/check)
//   action    := run D | crash sN | crash leader | restart sN | partition G | G ... | cut sN [->] sM
//              | uncut sN [->] sM | heal | timeout sN | put K V | get K | append K V | cas K V V
//              | delete K  [via sN] | clients N [rate R/s] [for D] [keys N] | drop ID | dup ID | delay ID D
//   check     := expect leader [sN] | expect no leader | expect term sN CMP T | expect commit sN CMP I
//              | expect log sN T... | expect value K V|none | expect role sN ROLE | expect down sN
//              | expect up sN
#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/sim/scenario.h"
#include "core/sim/statement_table.h"

namespace raft::sim {
namespace {

using detail::LineReader;
using detail::StatementSpec;

// A limit on everything a file can ask for.
constexpr size_t kTextBytesMax = 4u << 20;
constexpr size_t kLineBytesMax = 4096;
constexpr size_t kStatementsMax = 100'000;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

bool printable(std::string_view s) {
  for (char ch : s) {
    const auto u = static_cast<unsigned char>(ch);
    if (u < 0x20 || u == 0x7f) return false;
  }
  return true;
}

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

// Whether the line's first tokens spell `keyword` (one of its '|' alternatives); sets `words`.
bool keyword_matches(std::string_view keyword, const std::vector<std::string_view>& tokens, size_t& words) {
  while (!keyword.empty()) {
    const size_t bar = keyword.find('|');
    std::string_view alt = keyword.substr(0, bar);
    keyword = bar == std::string_view::npos ? std::string_view{} : keyword.substr(bar + 1);
    size_t n = 0;
    bool ok = true;
    while (!alt.empty() && ok) {
      const size_t sp = alt.find(' ');
      const std::string_view word = alt.substr(0, sp);
      alt = sp == std::string_view::npos ? std::string_view{} : alt.substr(sp + 1);
      ok = n < tokens.size() && tokens[n] == word;
      ++n;
    }
    if (ok) {
      words = n;
      return true;
    }
  }
  return false;
}

// The parseable row whose keyword matches the most leading tokens, or nullptr.
const StatementSpec* find_row(const std::vector<std::string_view>& tokens, size_t& words) {
  const StatementSpec* best = nullptr;
  words = 0;
  for (const StatementSpec& spec : detail::statement_specs()) {
    size_t n = 0;
    if (spec.parse != nullptr && keyword_matches(spec.keyword, tokens, n) && n > words) {
      best = &spec;
      words = n;
    }
  }
  return best;
}

// The one multi-word keyword that the line starts to spell but does not finish ("open 1s",
// "expect no leadr"), for a precise message; nullptr if there is none or several.
const StatementSpec* near_row(const std::vector<std::string_view>& tokens) {
  const StatementSpec* best = nullptr;
  size_t best_words = 0;
  bool unique = false;
  for (const StatementSpec& spec : detail::statement_specs()) {
    if (spec.parse == nullptr || spec.keyword.find('|') != std::string_view::npos) continue;
    size_t matched = 0;
    std::string_view rest = spec.keyword;
    while (!rest.empty()) {
      const size_t sp = rest.find(' ');
      if (matched >= tokens.size() || tokens[matched] != rest.substr(0, sp)) break;
      ++matched;
      rest = sp == std::string_view::npos ? std::string_view{} : rest.substr(sp + 1);
    }
    if (matched == 0 || rest.empty()) continue;
    if (matched > best_words) {
      best = &spec;
      best_words = matched;
      unique = true;
    } else if (matched == best_words) {
      unique = false;
    }
  }
  return unique ? best : nullptr;
}

// "leader, no leader, term, ..." from the check rows, for the unknown-check message.
std::string check_words() {
  std::string out;
  for (const StatementSpec& spec : detail::statement_specs()) {
    if (spec.cls != StatementClass::Check || spec.parse == nullptr) continue;
    if (!out.empty()) out += ", ";
    out += spec.keyword.substr(std::string_view("expect ").size());
  }
  return out;
}

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
      return error(1, "the file is too large (" + std::to_string(text.size()) + " bytes; scenarios are limited to " +
                          std::to_string(kTextBytesMax) + ")");
    }
    bool leading = true;  // still in the comment block before the first statement
    bool description_open = true;
    int number = 0;
    size_t pos = 0;
    while (pos <= text.size()) {
      size_t end = text.find('\n', pos);
      if (end == std::string_view::npos) end = text.size();
      const std::string_view raw = text.substr(pos, end - pos);
      pos = end + 1;
      line_ = ++number;
      if (raw.size() > kLineBytesMax) {
        return error(line_, "the line is too long (" + std::to_string(raw.size()) + " characters; at most " +
                                std::to_string(kLineBytesMax) + ")");
      }
      const size_t hash = raw.find('#');
      std::vector<std::string_view> tokens = split_tokens(raw.substr(0, hash));
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
        return error(line_, "too many statements (at most " + std::to_string(kStatementsMax) + ")");
      }
      if (!statement(std::move(tokens))) return error(error_line_ != 0 ? error_line_ : line_, std::move(error_));
      if (end == text.size()) break;
    }
    if (!ended_presets_ && !end_presets()) return error(error_line_ != 0 ? error_line_ : line_, std::move(error_));
    while (out_.description.size() >= 2 && out_.description.ends_with("\n\n")) out_.description.resize(out_.description.size() - 2);
    if (out_.title.empty() && std::string_view(out_.file).ends_with(".raft")) {  // a file's name; not "shared link"
      std::string_view name = out_.file;
      const size_t slash = name.find_last_of("/\\");
      if (slash != std::string_view::npos) name.remove_prefix(slash + 1);
      if (name.ends_with(".raft")) name.remove_suffix(5);
      out_.title = std::string(name);
    }
    return std::nullopt;
  }

 private:
  ParseError error(int line, std::string message) const { return ParseError{out_.file, line, std::move(message)}; }
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

  bool statement(std::vector<std::string_view> tokens) {
    const std::string kw(tokens[0]);
    size_t words = 0;
    const StatementSpec* spec = find_row(tokens, words);
    if (spec == nullptr) {
      if (const StatementSpec* near = near_row(tokens)) {  // "expect no leadr"
        const size_t at = static_cast<size_t>(std::count(near->keyword.begin(), near->keyword.end(), ' '));
        return fail("expected '" + std::string(near->keyword) + "'" + (at < tokens.size() ? ", got " + shown(tokens[at]) : ""));
      }
      if (kw == "expect") {
        const std::string what = tokens.size() > 1 ? "unknown check " + shown(tokens[1]) : "expected a check after 'expect'";
        return fail(what + " (checks: " + check_words() + ")");
      }
      return fail("unknown statement " + shown(kw) +
                  " (expected a header like 'nodes 5', initial state like 'term s1 2', an action like 'run 2s' "
                  "or a check like 'expect leader')");
    }
    const StatementClass cls = spec->cls;
    if (seen_action_ != 0 && cls == StatementClass::Header) {
      return fail("'" + kw + "' is a header statement: it must come before the first action or check (line " +
                  std::to_string(seen_action_) + ")");
    }
    if (seen_action_ != 0 && cls == StatementClass::Initial) {
      return fail("initial state ('" + kw + "') must come before the first action or check (line " +
                  std::to_string(seen_action_) + ")");
    }
    if ((cls == StatementClass::Action || cls == StatementClass::Check) && !begin_action()) return false;

    LineReader reader(std::move(tokens), words, std::min(kNodesMax, out_.config.nodes + added_), line_);
    reader.set_first_node_line(first_node_line_);
    Statement s;
    const bool ok = spec->parse(reader, s);
    first_node_line_ = reader.first_node_line();
    if (!ok) return fail(reader.error());
    s.line = line_;
    const StatementSpec& made = detail::spec_of(s);
    if (seen_action_ == 0 && (made.cls == StatementClass::Header || made.cls == StatementClass::Setting)) {
      made.fold(s, out_.config);  // the starting configuration
      return true;
    }
    if (made.cls == StatementClass::Initial) note_preset(s);
    if (const auto* a = s.as<stmt::AddServer>()) {
      // Servers are numbered in the order they join and ids are never reused, so each `add`
      // names the next one; later lines may then name it.
      const int next = out_.config.nodes + added_;
      if (next >= kNodesMax) return fail("cannot add " + node_name(a->node) + ": a cluster has at most " + std::to_string(kNodesMax) + " servers");
      if (a->node != next) {
        return fail("'add' starts the next new server, " + node_name(next) + ", not " + node_name(a->node) +
                    " (servers are numbered in the order they join; a removed server's id is never reused)");
      }
      ++added_;
    }
    out_.statements.push_back(std::move(s));
    return true;
  }

  bool begin_action() {
    if (!ended_presets_ && !end_presets()) return false;
    if (seen_action_ == 0) seen_action_ = line_;
    return true;
  }

  void note_preset(const Statement& s) {
    if (const auto* t = s.as<stmt::PresetTerm>()) {
      Preset& p = presets_[static_cast<size_t>(t->node)];
      p.has_term = true;
      p.term = t->term;
      p.term_line = line_;
    } else if (const auto* l = s.as<stmt::PresetLog>()) {
      Preset& p = presets_[static_cast<size_t>(l->node)];
      p.has_log = true;
      p.log = l->terms;
      p.log_line = line_;
    } else if (const auto* v = s.as<stmt::PresetVote>()) {
      Preset& p = presets_[static_cast<size_t>(v->node)];
      p.has_vote = true;
      p.vote_line = line_;
    }
  }

  // The initial state as a whole must be one Raft could reach: currentTerm >= every term in the
  // log, a vote belongs to a term >= 1, and the logs obey the Log Matching Property (§5.3).
  bool end_presets() {
    ended_presets_ = true;
    if (!lease_needs_check_quorum(out_.config.timing).empty()) {
      return fail("the header sets 'read_mode lease' without 'checkquorum on': " + lease_needs_check_quorum(out_.config.timing));
    }
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

  Scenario& out_;
  std::string error_;
  int line_ = 0;
  int error_line_ = 0;        // for errors found after the line that caused them
  int seen_action_ = 0;       // line of the first action or check, 0 before
  int first_node_line_ = 0;   // first line that named a node
  int added_ = 0;             // servers started by `add` lines so far (s(nodes+1), s(nodes+2), ...)
  bool ended_presets_ = false;
  std::vector<Preset> presets_ = std::vector<Preset>(kNodesMax);
};

}  // namespace

namespace detail {

void LineReader::split_around(std::string_view sep) {
  std::vector<std::string_view> out(tokens_.begin(), tokens_.begin() + static_cast<std::ptrdiff_t>(i_));
  for (size_t k = i_; k < tokens_.size(); ++k) {
    std::string_view t = tokens_[k];
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
  tokens_ = std::move(out);
}

bool LineReader::fail(std::string message) {
  error_ = std::move(message);
  return false;
}

bool LineReader::end(std::string_view what) {
  if (done()) return true;
  return fail("unexpected " + shown(peek()) + " after " + std::string(what));
}

bool LineReader::node(NodeId& n, std::string_view after) {
  const std::string_view t = next();
  if (t.empty()) return fail("expected a node name like s1 after '" + std::string(after) + "'");
  uint64_t k = 0;
  if (t.size() < 2 || t[0] != 's' || !parse_u64(t.substr(1), k)) return fail("expected a node name like s1, got " + shown(t));
  if (k < 1 || k > static_cast<uint64_t>(nodes_)) {
    const std::string has = nodes_ == 1 ? "1 node: s1" : std::to_string(nodes_) + " nodes: s1..s" + std::to_string(nodes_);
    return fail("unknown node " + std::string(t) + " (this scenario has " + has + ")");
  }
  n = static_cast<NodeId>(k - 1);
  if (first_node_line_ == 0) first_node_line_ = line_;
  return true;
}

bool LineReader::new_node(NodeId& n, std::string_view after) {
  const std::string_view t = next();
  if (t.empty()) return fail("expected a server name like s6 after '" + std::string(after) + "'");
  uint64_t k = 0;
  if (t.size() < 2 || t[0] != 's' || !parse_u64(t.substr(1), k)) return fail("expected a server name like s6, got " + shown(t));
  if (k < 1 || k > static_cast<uint64_t>(kNodesMax)) {
    return fail("no server " + std::string(t) + " (a cluster has at most " + std::to_string(kNodesMax) + " servers: s1..s" +
                std::to_string(kNodesMax) + ")");
  }
  n = static_cast<NodeId>(k - 1);
  if (first_node_line_ == 0) first_node_line_ = line_;
  return true;
}

bool LineReader::duration(Time& us, std::string_view after) {
  const std::string_view t = next();
  if (t.empty()) return fail("expected a duration like 2s, 150ms or 500us after '" + std::string(after) + "'");
  std::string message;
  if (!parse_duration(t, us, &message)) return fail(std::move(message));
  return true;
}

bool LineReader::integer(uint64_t& v, uint64_t lo, uint64_t hi, std::string_view what) {
  const std::string_view t = next();
  const std::string range = std::to_string(lo) + ".." + std::to_string(hi);
  if (t.empty()) return fail("expected " + std::string(what) + " (a whole number " + range + ")");
  if (!parse_u64(t, v)) return fail("expected " + std::string(what) + " (a whole number " + range + "), got " + shown(t));
  if (v < lo || v > hi) return fail(std::string(what) + " must be in " + range + ", got " + shown(t));
  return true;
}

bool LineReader::probability(double& p, std::string_view after) {
  const std::string_view t = next();
  const std::string like = "a probability between 0 and 1 like 0.1";
  if (t.empty()) return fail("expected " + like + " after '" + std::string(after) + "'");
  if (!parse_number(t, p) || p > 1.0) return fail("expected " + like + ", got " + shown(t));
  return true;
}

bool LineReader::on_off(bool& on, std::string_view after) {
  const std::string_view t = next();
  if (t == "on") on = true;
  else if (t == "off") on = false;
  else if (t.empty()) return fail("expected 'on' or 'off' after '" + std::string(after) + "'");
  else return fail("expected 'on' or 'off' after '" + std::string(after) + "', got " + shown(t));
  return true;
}

bool LineReader::term_list(std::vector<Term>& terms, bool non_decreasing) {
  while (!done()) {
    const std::string_view t = next();
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

bool LineReader::cmp(Cmp& out) {
  const std::string_view t = next();
  if (t == "=" || t == "==") out = Cmp::Eq;
  else if (t == ">=") out = Cmp::Ge;
  else if (t == "<=") out = Cmp::Le;
  else if (t.empty()) return fail("expected a comparison (=, >= or <=)");
  else return fail("expected a comparison (=, >= or <=), got " + shown(t));
  return true;
}

bool LineReader::word(std::string& out, std::string_view what, size_t max_bytes, bool allow_none) {
  const std::string_view t = next();
  if (t.empty()) return fail("expected " + std::string(what));
  if (!printable(t)) return fail(std::string(what) + " " + shown(t) + " contains a control character");
  if (t.size() > max_bytes) {
    return fail(std::string(what) + " " + shown(t) + " is too long (at most " + std::to_string(max_bytes) + " characters)");
  }
  if (!allow_none && t == "none") return fail("'none' means an absent value in checks; pick another value");
  out = std::string(t);
  return true;
}

}  // namespace detail

std::string ParseError::to_string() const {
  return line > 0 ? file + ":" + std::to_string(line) + ": " + message : file + ": " + message;
}

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

std::optional<std::string> parse_statement(std::string_view line, int nodes, Statement& out) {
  std::vector<std::string_view> tokens = split_tokens(line.substr(0, line.find('#')));
  if (tokens.empty()) return "expected a statement such as 'put x 1' or 'crash s2'";
  size_t words = 0;
  const StatementSpec* spec = find_row(tokens, words);
  if (spec == nullptr) return "unknown statement " + shown(tokens[0]);
  if (spec->cls == StatementClass::Header || spec->cls == StatementClass::Initial) {
    return "'" + std::string(tokens[0]) + "' can only stand at the start of a scenario";
  }
  LineReader reader(std::move(tokens), words, nodes, 1);
  Statement s;
  if (!spec->parse(reader, s)) return reader.error();
  out = std::move(s);
  return std::nullopt;
}

}  // namespace raft::sim
