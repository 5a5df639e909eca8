// Tests for core/sim/linearizability: hand-built histories with a known verdict, plus generated ones.
#include "core/sim/linearizability.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace raft::sim {
namespace {

using Value = std::optional<std::string>;

// Builds a history; each op gets the next request id (1, 2, ...) and client = request id.
struct HistoryBuilder {
  std::vector<HistoryOp> ops;

  HistoryOp& add(KvOpKind kind, const std::string& key, int64_t invoke_us, int64_t return_us, Value result) {
    HistoryOp op;
    op.req = ops.size() + 1;
    op.client = static_cast<uint32_t>(op.req);
    op.kind = kind;
    op.key = key;
    op.invoke_us = invoke_us;
    op.returned = true;
    op.return_us = return_us;
    op.result = std::move(result);
    ops.push_back(op);
    return ops.back();
  }
  HistoryOp& put(const std::string& key, const std::string& value, int64_t t0, int64_t t1) {
    HistoryOp& op = add(KvOpKind::Put, key, t0, t1, value);
    op.value = value;
    return op;
  }
  HistoryOp& get(const std::string& key, Value result, int64_t t0, int64_t t1) {
    return add(KvOpKind::Get, key, t0, t1, std::move(result));
  }
  HistoryOp& append(const std::string& key, const std::string& suffix, Value result, int64_t t0, int64_t t1) {
    HistoryOp& op = add(KvOpKind::Append, key, t0, t1, std::move(result));
    op.value = suffix;
    return op;
  }
  HistoryOp& cas(const std::string& key, const std::string& from, const std::string& to, bool swapped,
                 Value result, int64_t t0, int64_t t1) {
    HistoryOp& op = add(KvOpKind::Cas, key, t0, t1, std::move(result));
    op.expect = from;
    op.value = to;
    op.cas_swapped = swapped;
    return op;
  }
  HistoryOp& del(const std::string& key, int64_t t0, int64_t t1) {
    return add(KvOpKind::Delete, key, t0, t1, std::nullopt);
  }
  // An op that never returned: no return time, no outputs.
  HistoryOp& pending(HistoryOp& op) {
    op.returned = false;
    op.return_us = 0;
    op.result.reset();
    op.cas_swapped = false;
    return op;
  }
};

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST_CASE("empty history is linearizable") {
  const LinearizabilityResult r = check_linearizable({});
  CHECK(r.linearizable());
  CHECK_FALSE(r.undecided());
  CHECK(r.key.empty());
  CHECK(r.explanation.empty());
  CHECK(r.states_explored == 0);
}

TEST_CASE("sequential put and get") {
  HistoryBuilder h;
  h.get("x", std::nullopt, 0, 10);
  h.put("x", "1", 20, 30);
  h.get("x", "1", 40, 50);
  h.put("x", "2", 60, 70);
  h.get("x", "2", 80, 90);
  const LinearizabilityResult r = check_linearizable(h.ops);
  CHECK(r.linearizable());
  CHECK_FALSE(r.undecided());
  CHECK(r.states_explored == 5);  // one state per op: no backtracking
}

TEST_CASE("a stale read after a completed write is rejected") {
  HistoryBuilder h;
  h.put("x", "1", 0, 10);
  h.put("x", "2", 20, 30);
  h.get("x", "1", 40, 50);  // req 3
  const LinearizabilityResult r = check_linearizable(h.ops);
  CHECK(r.refuted());
  CHECK_FALSE(r.undecided());
  CHECK(r.key == "x");
  INFO(r.explanation);
  CHECK(contains(r.explanation, "Key \"x\" is not linearizable"));
  CHECK(contains(r.explanation, "get(x) returned \"1\" (req 3, client 3, t=40..50us)"));
  CHECK(contains(r.explanation, "x was \"2\" (last changed by put(x, \"2\"), req 2)"));
}

TEST_CASE("the smallest failing sub-history keeps the writes its reads saw, and drops the rest") {
  HistoryBuilder h;
  h.put("x", "1", 0, 10);             // 0
  h.put("x", "2", 20, 30);            // 1
  h.get("x", std::string("1"), 40, 50);  // 2: stale, after put x 2 completed
  h.put("y", "5", 0, 5);              // 3: another key
  h.get("x", std::string("2"), 32, 34);  // 4: fine, and not needed to show the violation
  REQUIRE(check_linearizable(h.ops).refuted());
  CHECK(shrink_refutation(h.ops, "x") == std::vector<size_t>{0, 1, 2});
  CHECK(shrink_refutation(h.ops, "y").empty());  // y is linearizable
  CHECK(shrink_refutation(h.ops, "x", 2).empty());  // more ops than allowed to search
}

TEST_CASE("a read concurrent with a write may see either value") {
  for (const Value& seen : {Value("1"), Value("2")}) {
    CAPTURE(*seen);
    HistoryBuilder h;
    h.put("x", "1", 0, 10);
    h.put("x", "2", 20, 40);
    h.get("x", seen, 25, 35);
    h.get("x", "2", 50, 60);
    CHECK(check_linearizable(h.ops).linearizable());
  }
  SUBCASE("but not a value nobody wrote") {
    HistoryBuilder h;
    h.put("x", "1", 0, 10);
    h.put("x", "2", 20, 40);
    h.get("x", "3", 25, 35);
    const LinearizabilityResult r = check_linearizable(h.ops);
    CHECK(r.refuted());
    CHECK(r.key == "x");
    CHECK(contains(r.explanation, "get(x) returned \"3\" (req 3, client 3, t=25..35us), but no operation on x "
                                  "ever wrote \"3\"."));
  }
  SUBCASE("nor go back to the old value after seeing the new one") {
    HistoryBuilder h;
    h.put("x", "1", 0, 10);
    h.put("x", "2", 20, 100);
    h.get("x", "2", 30, 40);
    h.get("x", "1", 50, 60);  // req 4
    const LinearizabilityResult r = check_linearizable(h.ops);
    CHECK(r.refuted());
    CHECK(contains(r.explanation, "req 4"));
  }
}

TEST_CASE("an op invoked at the instant another returns counts as concurrent") {
  HistoryBuilder h;
  h.put("x", "1", 0, 10);
  h.get("x", std::nullopt, 10, 20);  // may take effect before the put
  CHECK(check_linearizable(h.ops).linearizable());

  HistoryBuilder later;
  later.put("x", "1", 0, 10);
  later.get("x", std::nullopt, 11, 20);
  CHECK(check_linearizable(later.ops).refuted());
}

TEST_CASE("an unreturned put that must have taken effect") {
  HistoryBuilder h;
  h.pending(h.put("x", "1", 0, 0));
  h.get("x", std::nullopt, 5, 8);  // before it took effect
  h.get("x", "1", 10, 20);         // after
  h.get("x", "1", 30, 40);
  const LinearizabilityResult r = check_linearizable(h.ops);
  CHECK(r.linearizable());
  CHECK_FALSE(r.undecided());

  SUBCASE("but not before it was invoked") {
    HistoryBuilder early;
    early.get("x", "1", 0, 10);
    early.pending(early.put("x", "1", 20, 0));
    const LinearizabilityResult e = check_linearizable(early.ops);
    CHECK(e.refuted());
    CHECK(e.key == "x");
    CHECK(contains(e.explanation, "get(x) returned \"1\" (req 1"));
    CHECK(contains(e.explanation, "No operation can take effect before it, and x starts absent."));
  }
}

TEST_CASE("an unreturned put that never took effect") {
  HistoryBuilder h;
  h.put("x", "1", 0, 10);
  h.pending(h.put("x", "2", 20, 0));
  h.get("x", "1", 30, 40);
  h.get("x", "1", 50, 60);
  CHECK(check_linearizable(h.ops).linearizable());

  SUBCASE("once seen, its effect cannot be undone") {
    HistoryBuilder seen;
    seen.put("x", "1", 0, 10);
    seen.pending(seen.put("x", "2", 20, 0));
    seen.get("x", "2", 30, 40);
    seen.get("x", "1", 50, 60);  // req 4
    const LinearizabilityResult r = check_linearizable(seen.ops);
    CHECK(r.refuted());
    CHECK(contains(r.explanation, "get(x) returned \"1\" (req 4"));
  }
  SUBCASE("an unreturned get constrains nothing") {
    HistoryBuilder g;
    g.put("x", "1", 0, 10);
    g.pending(g.get("x", "zzz", 20, 0));
    CHECK(check_linearizable(g.ops).linearizable());
  }
}

TEST_CASE("append semantics") {
  HistoryBuilder h;
  h.append("x", "a", "a", 0, 10);  // an absent key reads as ""
  h.append("x", "b", "ab", 20, 30);
  h.get("x", "ab", 40, 50);
  CHECK(check_linearizable(h.ops).linearizable());

  SUBCASE("a result that skips an append is rejected") {
    HistoryBuilder bad;
    bad.append("x", "a", "a", 0, 10);
    bad.append("x", "b", "ab", 20, 30);
    bad.append("x", "c", "ac", 40, 50);  // req 3
    const LinearizabilityResult r = check_linearizable(bad.ops);
    CHECK(r.refuted());
    CHECK(contains(r.explanation, "append(x, \"c\") returned \"ac\" (req 3"));
    CHECK(contains(r.explanation, "x was \"ab\""));
  }
  SUBCASE("a result not ending in the appended text is rejected outright") {
    HistoryBuilder bad;
    bad.append("x", "a", "b", 0, 10);
    const LinearizabilityResult r = check_linearizable(bad.ops);
    CHECK(r.refuted());
    CHECK(contains(r.explanation, "always ends with the appended text"));
  }
  SUBCASE("concurrent appends in either order") {
    HistoryBuilder c;
    c.append("x", "a", "a", 0, 30);
    c.append("x", "b", "ab", 10, 20);  // finishes first but took effect second
    c.get("x", "ab", 40, 50);
    CHECK(check_linearizable(c.ops).linearizable());
  }
  SUBCASE("an unreturned append that took effect") {
    HistoryBuilder u;
    u.put("x", "p", 0, 10);
    u.pending(u.append("x", "q", std::nullopt, 20, 0));
    u.append("x", "r", "pqr", 30, 40);
    CHECK(check_linearizable(u.ops).linearizable());
  }
}

TEST_CASE("cas semantics") {
  HistoryBuilder h;
  h.cas("x", "a", "b", false, std::nullopt, 0, 10);  // absent key: no swap
  h.put("x", "a", 20, 30);
  h.cas("x", "a", "b", true, "b", 40, 50);
  h.cas("x", "a", "c", false, "b", 60, 70);
  h.get("x", "b", 80, 90);
  CHECK(check_linearizable(h.ops).linearizable());

  SUBCASE("a wrong cas_swapped flag is rejected") {
    HistoryBuilder bad;
    bad.put("x", "a", 0, 10);
    bad.cas("x", "a", "b", false, "b", 20, 30);  // value was "a", so it must have swapped
    const LinearizabilityResult r = check_linearizable(bad.ops);
    CHECK(r.refuted());
    CHECK(r.key == "x");
    CHECK(contains(r.explanation, "cas(x, \"a\" -> \"b\") did not swap and returned \"b\" (req 2"));
  }
  SUBCASE("a swap reported against the wrong value is rejected") {
    HistoryBuilder bad;
    bad.put("x", "z", 0, 10);
    bad.cas("x", "a", "b", true, "b", 20, 30);
    CHECK(check_linearizable(bad.ops).refuted());
  }
  SUBCASE("a 'no swap' that returns the expected value is rejected outright") {
    HistoryBuilder bad;
    bad.put("x", "a", 0, 10);
    bad.cas("x", "a", "b", false, "a", 20, 30);
    const LinearizabilityResult r = check_linearizable(bad.ops);
    CHECK(r.refuted());
    CHECK(contains(r.explanation, "should have swapped"));
  }
  SUBCASE("two racing cas ops: only one may swap") {
    HistoryBuilder race;
    race.put("x", "a", 0, 10);
    race.cas("x", "a", "b", true, "b", 20, 40);
    race.cas("x", "a", "c", true, "c", 25, 35);
    CHECK(check_linearizable(race.ops).refuted());

    HistoryBuilder fair;
    fair.put("x", "a", 0, 10);
    fair.cas("x", "a", "b", true, "b", 20, 40);
    fair.cas("x", "a", "c", false, "b", 25, 35);
    CHECK(check_linearizable(fair.ops).linearizable());
  }
}

TEST_CASE("delete semantics") {
  HistoryBuilder h;
  h.put("x", "1", 0, 10);
  h.del("x", 20, 30);
  h.get("x", std::nullopt, 40, 50);
  h.append("x", "z", "z", 60, 70);
  CHECK(check_linearizable(h.ops).linearizable());

  SUBCASE("reading the old value after a completed delete is rejected") {
    HistoryBuilder bad;
    bad.put("x", "1", 0, 10);
    bad.del("x", 20, 30);
    bad.get("x", "1", 40, 50);
    const LinearizabilityResult r = check_linearizable(bad.ops);
    CHECK(r.refuted());
    CHECK(contains(r.explanation, "x was absent (last changed by delete(x), req 2)"));
  }
  SUBCASE("a delete that returns a value is rejected outright") {
    HistoryBuilder bad;
    bad.del("x", 0, 10).result = "1";
    const LinearizabilityResult r = check_linearizable(bad.ops);
    CHECK(r.refuted());
    CHECK(contains(r.explanation, "delete(x) returned \"1\""));
  }
  SUBCASE("absent differs from the empty string") {
    HistoryBuilder e;
    e.put("x", "", 0, 10);
    e.get("x", std::nullopt, 20, 30);
    CHECK(check_linearizable(e.ops).refuted());
  }
}

TEST_CASE("with two keys only the bad one is reported") {
  HistoryBuilder h;
  h.put("b", "1", 0, 10);
  h.put("a", "1", 5, 15);
  h.put("b", "2", 20, 30);
  h.get("a", "1", 25, 35);
  h.get("b", "1", 40, 50);  // stale
  const LinearizabilityResult r = check_linearizable(h.ops);
  CHECK(r.refuted());
  CHECK(r.key == "b");
  CHECK(contains(r.explanation, "Key \"b\""));

  SUBCASE("with both bad, the first key in sorted order is reported") {
    h.get("a", "9", 60, 70);
    const LinearizabilityResult both = check_linearizable(h.ops);
    CHECK(both.refuted());
    CHECK(both.key == "a");
  }
}

// A random single-key history that is linearizable by construction: each op takes effect at a distinct
// instant and its interval is stretched around that instant.
std::vector<HistoryOp> generate_linearizable(uint64_t seed, int ops_count, int64_t stretch_us) {
  std::mt19937_64 rng(seed);
  HistoryBuilder h;
  Value value;
  for (int i = 0; i < ops_count; ++i) {
    const int64_t at = 100 * int64_t{i};
    const int64_t t0 = at - static_cast<int64_t>(rng() % static_cast<uint64_t>(stretch_us + 1));
    const int64_t t1 = at + static_cast<int64_t>(rng() % static_cast<uint64_t>(stretch_us + 1));
    const std::string arg = std::to_string(rng() % 4);
    switch (rng() % 5) {
      case 0: h.put("k", arg, t0, t1); value = arg; break;
      case 1: h.get("k", value, t0, t1); break;
      case 2: value = value.value_or("") + arg; h.append("k", arg, value, t0, t1); break;
      case 3: {
        const bool swap = value == arg;
        if (swap) value = arg + "!";
        h.cas("k", arg, arg + "!", swap, value, t0, t1);
        break;
      }
      default: h.del("k", t0, t1); value.reset(); break;
    }
  }
  return h.ops;
}

TEST_CASE("a long sequential history is accepted quickly") {
  HistoryBuilder h;
  for (int i = 0; i < 5000; ++i) {
    const int64_t t = 10 * int64_t{i};
    if (i % 2 == 0) {
      h.put("x", std::to_string(i), t, t + 5);
    } else {
      h.get("x", std::to_string(i - 1), t, t + 5);
    }
  }
  const LinearizabilityResult r = check_linearizable(h.ops);
  CHECK(r.linearizable());
  CHECK_FALSE(r.undecided());
  CHECK(r.states_explored == 5000);

  SUBCASE("with every op kind") {
    const LinearizabilityResult g = check_linearizable(generate_linearizable(7, 5000, 0));
    CHECK(g.linearizable());
    CHECK_FALSE(g.undecided());
    CHECK(g.states_explored == 5000);
  }
  SUBCASE("with unreturned puts mixed in") {
    for (int i = 0; i < 50; ++i) h.pending(h.put("x", "lost" + std::to_string(i), 1000 * int64_t{i} + 3, 0));
    const LinearizabilityResult p = check_linearizable(h.ops);
    CHECK(p.linearizable());
    CHECK_FALSE(p.undecided());
  }
}

TEST_CASE("generated concurrent histories") {
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    CAPTURE(seed);
    std::vector<HistoryOp> ops = generate_linearizable(seed, 300, 250);  // up to ~5 ops overlap
    const LinearizabilityResult r = check_linearizable(ops);
    CHECK(r.linearizable());
    CHECK_FALSE(r.undecided());
    size_t get_index = 0;
    while (ops[get_index].kind != KvOpKind::Get) ++get_index;
    {
      // A read of a value never written.
      std::vector<HistoryOp> thin_air = ops;
      thin_air[get_index].result = "never written";
      const LinearizabilityResult bad = check_linearizable(thin_air);
      CHECK(bad.refuted());
      CHECK(contains(bad.explanation, "ever wrote \"never written\""));
    }
    {
      // A read of a value written only after the read returned.
      HistoryOp last = ops.back();
      last.kind = KvOpKind::Put;
      last.req = ops.size() + 1;
      last.value = "future";
      last.result = "future";
      last.invoke_us = last.return_us + 1000;
      last.return_us = last.invoke_us + 10;
      ops.push_back(last);
      ops[get_index].result = "future";
      const LinearizabilityResult bad = check_linearizable(ops);
      CHECK(bad.refuted());
      CHECK(contains(bad.explanation, "get(k) returned \"future\" (req " + std::to_string(ops[get_index].req)));
      CHECK(contains(bad.explanation, "no order of the overlapping operations on k produces that"));
    }
  }
}

TEST_CASE("a search over budget gives up without a verdict") {
  HistoryBuilder h;
  for (int i = 0; i < 100; ++i) h.put("x", std::to_string(i), 10 * int64_t{i}, 10 * int64_t{i} + 5);
  h.put("y", "1", 0, 5);
  const LinearizabilityResult r = check_linearizable(h.ops, 10);
  CHECK(r.verdict == LinearizabilityVerdict::Undecided);
  CHECK(r.undecided());
  CHECK_FALSE(r.linearizable());
  CHECK_FALSE(r.refuted());
  CHECK(r.key == "x");
  CHECK(r.undecided_keys == std::vector<std::string>{"x"});
  CHECK(r.states_explored == 11);  // 10 on x, then y proven with 1
  CHECK(r.explanation ==
        "Key \"x\": gave up after exploring 10 states, so linearizability was neither proven nor refuted (raise states_max).");
  CHECK(std::string(to_string(r.verdict)) == "undecided");

  SUBCASE("a refuted key fails the check whatever another key gave: key a over budget, key b refuted") {
    HistoryBuilder ab;
    for (int i = 0; i < 100; ++i) ab.put("a", std::to_string(i), 10 * int64_t{i}, 10 * int64_t{i} + 5);
    ab.put("b", "1", 0, 5);
    ab.put("b", "2", 10, 15);
    ab.get("b", "1", 20, 25);  // req 103: a stale read, refuted in two states
    const LinearizabilityResult f = check_linearizable(ab.ops, 10);
    CHECK(f.verdict == LinearizabilityVerdict::Refuted);
    CHECK(f.refuted());
    CHECK(f.key == "b");
    CHECK(f.undecided_keys == std::vector<std::string>{"a"});  // still listed
    CHECK(contains(f.explanation, "Key \"b\" is not linearizable: get(b) returned \"1\" (req 103"));
    CHECK(std::string(to_string(f.verdict)) == "not linearizable");
  }
  SUBCASE("the order of keys does not matter: a refuted key before an undecided one") {
    h.get("w", "never", 0, 5);
    const LinearizabilityResult f = check_linearizable(h.ops, 10);
    CHECK(f.refuted());
    CHECK(f.key == "w");
    CHECK(f.undecided_keys == std::vector<std::string>{"x"});
  }
}

}  // namespace
}  // namespace raft::sim
