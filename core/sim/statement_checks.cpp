// The statement table's rows for the checks (`expect ...`): what a scenario asserts about the
// cluster at a moment. The table itself is in statement_table.cpp.
#include <string>

#include "core/sim/statement_table.h"
#include "core/sim/text.h"

namespace raft::sim::detail {

bool parse_expect_leader(LineReader& r, Statement& out) {
  if (r.done()) {
    out = stmt::ExpectLeader{};
    return true;
  }
  stmt::ExpectLeaderIs e;
  if (!r.node(e.node, "expect leader")) return false;
  out = e;
  return r.end("'expect leader'");
}
void print_expect_leader_is(const Statement& s, std::string& out) { print_node(out, s.get<stmt::ExpectLeaderIs>().node); }

bool parse_expect_no_leader(LineReader& r, Statement& out) {
  out = stmt::ExpectNoLeader{};
  return r.end("'expect no leader'");
}

bool parse_expect_term(LineReader& r, Statement& out) {
  stmt::ExpectTerm e;
  if (!r.node(e.node, "expect term") || !r.cmp(e.cmp) || !r.integer(e.term, 0, kTermMax, "a term")) return false;
  out = e;
  return r.end("the number");
}
void print_expect_term(const Statement& s, std::string& out) {
  const auto& e = s.get<stmt::ExpectTerm>();
  print_node(out, e.node);
  out += std::string(" ") + cmp_text(e.cmp) + ' ' + std::to_string(e.term);
}

bool parse_expect_commit(LineReader& r, Statement& out) {
  stmt::ExpectCommit e;
  if (!r.node(e.node, "expect commit") || !r.cmp(e.cmp) || !r.integer(e.index, 0, kIndexMax, "a log index")) return false;
  out = e;
  return r.end("the number");
}
void print_expect_commit(const Statement& s, std::string& out) {
  const auto& e = s.get<stmt::ExpectCommit>();
  print_node(out, e.node);
  out += std::string(" ") + cmp_text(e.cmp) + ' ' + std::to_string(e.index);
}

bool parse_expect_log(LineReader& r, Statement& out) {
  stmt::ExpectLog e;
  if (!r.node(e.node, "expect log") || !r.term_list(e.terms, false)) return false;
  out = std::move(e);
  return r.end("the log");
}
void print_expect_log(const Statement& s, std::string& out) {
  print_node(out, s.get<stmt::ExpectLog>().node);
  print_terms(out, s.get<stmt::ExpectLog>().terms);
}

bool parse_expect_value(LineReader& r, Statement& out) {
  stmt::ExpectValue e;
  const std::string like = " (like 'expect value x 1' or 'expect value x none')";
  std::string value;
  if (!r.word(e.key, "a key" + like, kKeyBytesMax, true) || !r.word(value, "a value" + like, kValueBytesMax, true)) return false;
  if (value != "none") e.value = std::move(value);
  out = std::move(e);
  return r.end("the value");
}
void print_expect_value(const Statement& s, std::string& out) {
  const auto& e = s.get<stmt::ExpectValue>();
  out += ' ' + e.key + ' ' + (e.value ? *e.value : "none");
}

bool parse_expect_role(LineReader& r, Statement& out) {
  stmt::ExpectRole e;
  if (!r.node(e.node, "expect role")) return false;
  const std::string_view role = r.next();
  if (role == "follower") e.role = Role::Follower;
  else if (role == "candidate") e.role = Role::Candidate;
  else if (role == "leader") e.role = Role::Leader;
  else return r.fail("expected a role (follower, candidate or leader)" + (role.empty() ? std::string() : ", got " + shown(role)));
  out = e;
  return r.end("the role");
}
void print_expect_role(const Statement& s, std::string& out) {
  print_node(out, s.get<stmt::ExpectRole>().node);
  out += std::string(" ") + role_name(s.get<stmt::ExpectRole>().role);
}

bool parse_expect_down(LineReader& r, Statement& out) { return parse_on_node<stmt::ExpectDown>(r, out, "expect down"); }
bool parse_expect_up(LineReader& r, Statement& out) { return parse_on_node<stmt::ExpectUp>(r, out, "expect up"); }


// The rest of the line is the property's name, as the checker writes it.
bool parse_expect_violation(LineReader& r, Statement& out) {
  stmt::ExpectViolation e;
  while (!r.done()) e.property += (e.property.empty() ? "" : " ") + std::string(r.next());
  if (e.property.empty()) return r.fail("expected the violated property after 'expect violation' (like 'expect violation Election Safety')");
  out = std::move(e);
  return true;
}
void print_expect_violation(const Statement& s, std::string& out) { out += ' ' + s.get<stmt::ExpectViolation>().property; }

}  // namespace raft::sim::detail
