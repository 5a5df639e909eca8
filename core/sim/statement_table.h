// The table of statement kinds (internal to core/sim): one row per alternative of
// Statement::Variant, in the same order, holding the keyword, the class, how to parse the
// arguments, how to print them, and for header and setting rows how they fold into a config and read
// back from one. The parser, the classifiers and the printer all read this table.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/sim/statement.h"

namespace raft::sim::detail {

// One line's tokens, with the value parsers the rows use. Each names what it expected and what it
// got, so a row's parse function reads as the statement's grammar.
class LineReader {
 public:
  LineReader(std::vector<std::string_view> tokens, size_t keyword_words, int nodes, int line)
      : tokens_(std::move(tokens)), i_(keyword_words), nodes_(nodes), line_(line) {}

  // The keyword as written (a row may accept several: "put|get|...").
  std::string_view keyword() const { return tokens_.empty() ? std::string_view{} : tokens_[0]; }
  bool done() const { return i_ >= tokens_.size(); }
  std::string_view peek() const { return done() ? std::string_view{} : tokens_[i_]; }
  std::string_view next() { return done() ? std::string_view{} : tokens_[i_++]; }
  // Splits the remaining tokens around `sep` ("s1->s2" -> "s1" "->" "s2").
  void split_around(std::string_view sep);

  bool node(NodeId& n, std::string_view after);
  // A server that may not exist yet (`add s6`): any of s1..s15.
  bool new_node(NodeId& n, std::string_view after);
  bool duration(Time& us, std::string_view after);
  bool integer(uint64_t& v, uint64_t lo, uint64_t hi, std::string_view what);
  bool probability(double& p, std::string_view after);
  bool on_off(bool& on, std::string_view after);
  bool term_list(std::vector<Term>& terms, bool non_decreasing);
  bool cmp(Cmp& out);
  bool word(std::string& out, std::string_view what, size_t max_bytes, bool allow_none);
  // The line must end here; `what` names what came last ("the node").
  bool end(std::string_view what);

  bool fail(std::string message);
  const std::string& error() const { return error_; }
  int line() const { return line_; }
  int nodes() const { return nodes_; }
  int first_node_line() const { return first_node_line_; }  // 0 if no node was named yet
  void set_first_node_line(int line) { first_node_line_ = line; }

 private:
  std::vector<std::string_view> tokens_;
  size_t i_ = 0;
  int nodes_;
  int line_;
  int first_node_line_ = 0;
  std::string error_;
};

struct StatementSpec {
  size_t index;                 // the alternative of Statement::Variant this row describes
  std::string_view keyword;     // "crash", "expect leader", "expect no leader"; "put|get|..." for alternatives
  StatementClass cls;
  // Parses the arguments after the keyword; nullptr when another row's parser produces this kind
  // (`crash leader` is read by the `crash` row's neighbour, `expect leader s2` by `expect leader`).
  bool (*parse)(LineReader& r, Statement& out);
  void (*print_args)(const Statement& s, std::string& out);  // appends " s1 s2" after the keyword
  // Header and setting rows only: apply to a config, and read back from one (false: the value is
  // the default and is not printed).
  void (*fold)(const Statement& s, ClusterConfig& config);
  bool (*from_config)(const ClusterConfig& config, Statement& out);
};

// The rows of `prevote on|off` and the other switches of kTimingSwitches (one template for all).
template <class T>
struct SwitchRow {
  static bool parse(LineReader& r, Statement& out) {
    T t;
    if (!r.on_off(t.on, T::spec().keyword)) return false;
    out = t;
    return r.end(T::spec().keyword);
  }
  static void print(const Statement& s, std::string& out) { out += s.get<T>().on ? " on" : " off"; }
  static void fold(const Statement& s, ClusterConfig& c) { c.timing.*(T::spec().field) = s.get<T>().on; }
  static bool of(const ClusterConfig& c, Statement& out) {  // printed only when on (default off)
    out = T{c.timing.*(T::spec().field)};
    return c.timing.*(T::spec().field);
  }
};

std::span<const StatementSpec> statement_specs();
const StatementSpec& spec_of(const Statement& s);

// Limits on what a file can ask for, shared by the rows and the file parser.
inline constexpr uint64_t kTermMax = 1'000'000'000;
inline constexpr uint64_t kIndexMax = 1'000'000'000;

// ---- argument shapes shared by the rows' files ----
inline constexpr size_t kKeyBytesMax = 64;
inline constexpr size_t kValueBytesMax = 256;

inline void print_node(std::string& out, NodeId n) { out += ' ' + node_name(n); }
inline void print_terms(std::string& out, const std::vector<Term>& terms) {
  for (Term t : terms) out += ' ' + std::to_string(t);
}
inline const char* cmp_text(Cmp c) { return c == Cmp::Eq ? "=" : c == Cmp::Ge ? ">=" : "<="; }

template <class T>
bool parse_on_node(LineReader& r, Statement& out, std::string_view kw) {
  T t;
  if (!r.node(t.node, kw)) return false;
  out = t;
  return r.end("the node");
}
template <class T>
void print_on_node(const Statement& s, std::string& out) { print_node(out, s.get<T>().node); }

// `expect voters s1 s2 s3`, `expect learners s6` (none: `expect learners none`), in id order.
template <class T>
bool parse_node_set(LineReader& r, Statement& out) {
  T t;
  if (r.peek() == "none") {
    r.next();
    out = t;
    return r.end("'none'");
  }
  uint32_t seen = 0;
  while (!r.done()) {
    NodeId n = kNoNode;
    if (!r.new_node(n, "expect")) return false;
    if (seen & (1u << n)) return r.fail(node_name(n) + " appears twice");
    seen |= 1u << n;
  }
  if (seen == 0) return r.fail("expected servers like 's1 s2 s3' (or 'none')");
  for (NodeId n = 0; n < kNodesMax; ++n) {
    if (seen & (1u << n)) t.nodes.push_back(n);
  }
  out = std::move(t);
  return true;
}
template <class T>
void print_node_set(const Statement& s, std::string& out) {
  const auto& nodes = s.get<T>().nodes;
  if (nodes.empty()) out += " none";
  for (NodeId n : nodes) print_node(out, n);
}

// The rows of the checks (statement_checks.cpp): expect leader, term, commit, log, value, role,
// down/up, violation.
bool parse_expect_leader(LineReader& r, Statement& out);
void print_expect_leader_is(const Statement& s, std::string& out);
bool parse_expect_no_leader(LineReader& r, Statement& out);
bool parse_expect_term(LineReader& r, Statement& out);
void print_expect_term(const Statement& s, std::string& out);
bool parse_expect_commit(LineReader& r, Statement& out);
void print_expect_commit(const Statement& s, std::string& out);
bool parse_expect_log(LineReader& r, Statement& out);
void print_expect_log(const Statement& s, std::string& out);
bool parse_expect_value(LineReader& r, Statement& out);
void print_expect_value(const Statement& s, std::string& out);
bool parse_expect_role(LineReader& r, Statement& out);
void print_expect_role(const Statement& s, std::string& out);
bool parse_expect_down(LineReader& r, Statement& out);
bool parse_expect_up(LineReader& r, Statement& out);
bool parse_expect_violation(LineReader& r, Statement& out);
void print_expect_violation(const Statement& s, std::string& out);

// The rows of §7 log compaction (statement_snapshot.cpp): snapshot_every, snapshot_chunk,
// snapshot sN, expect snapshot.
bool parse_snapshot_every(LineReader& r, Statement& out);
void print_snapshot_every(const Statement& s, std::string& out);
void fold_snapshot_every(const Statement& s, ClusterConfig& c);
bool snapshot_every_of(const ClusterConfig& c, Statement& out);
bool parse_snapshot_chunk(LineReader& r, Statement& out);
void print_snapshot_chunk(const Statement& s, std::string& out);
void fold_snapshot_chunk(const Statement& s, ClusterConfig& c);
bool snapshot_chunk_of(const ClusterConfig& c, Statement& out);
bool parse_take_snapshot(LineReader& r, Statement& out);
void print_take_snapshot(const Statement& s, std::string& out);
bool parse_expect_snapshot(LineReader& r, Statement& out);
void print_expect_snapshot(const Statement& s, std::string& out);
inline constexpr size_t kLogEntriesMax = 10'000;

}  // namespace raft::sim::detail
