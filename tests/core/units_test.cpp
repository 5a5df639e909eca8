// Unit tests for the small pieces: log, quorum, progress, key-value store, rng.
#include <doctest/doctest.h>

#include "core/raft/kv.h"
#include "core/raft/log.h"
#include "core/raft/progress.h"
#include "core/raft/quorum.h"
#include "core/raft/rng.h"

using namespace raft;

TEST_CASE("quorum: majority sizes and the majority match index") {
  CHECK(quorum_size(1) == 1);
  CHECK(quorum_size(2) == 2);
  CHECK(quorum_size(3) == 2);
  CHECK(quorum_size(4) == 3);
  CHECK(quorum_size(5) == 3);
  CHECK(quorum_size(15) == 8);
  const LogIndex a[] = {5, 1, 3};
  CHECK(majority_match_index(a, 3) == 3);
  const LogIndex b[] = {9, 9, 2, 2, 1};
  CHECK(majority_match_index(b, 5) == 2);
  const LogIndex c[] = {7, 7, 7, 2};
  CHECK(majority_match_index(c, 4) == 7);
  const LogIndex d[] = {4};
  CHECK(majority_match_index(d, 1) == 4);
}

TEST_CASE("log: indexes, terms, truncation and term searches") {
  Log log;
  CHECK(log.last_index() == 0);
  CHECK(log.last_term() == 0);
  CHECK(log.term_at(0) == 0);
  for (Term t : {1, 1, 4, 4, 4, 5}) log.append(Entry{static_cast<Term>(t), Command{}});
  CHECK(log.last_index() == 6);
  CHECK(log.last_term() == 5);
  CHECK(log.term_at(3) == 4);
  CHECK(log.first_index_of_term(4, 5) == 3);
  CHECK(log.first_index_of_term(1, 2) == 1);
  CHECK(log.last_index_of_term(4, 6) == 5);
  CHECK(log.last_index_of_term(2, 6) == 0);
  CHECK(log.last_index_of_term(1, 6) == 2);
  log.truncate_from(4);
  CHECK(log.last_index() == 3);
  CHECK(log.last_term() == 4);
}

TEST_CASE("progress: probe pauses after one send, replicate streams") {
  Progress p;
  p.next_index = 5;
  CHECK_FALSE(p.paused());
  p.probe_sent = true;
  CHECK(p.paused());
  p.match_index = 7;
  p.become_replicate();
  CHECK(p.mode == Progress::Mode::Replicate);
  CHECK(p.next_index == 8);
  CHECK_FALSE(p.paused());
  p.next_index = 20;
  p.become_probe();
  CHECK(p.mode == Progress::Mode::Probe);
  CHECK(p.next_index == 20);
}

TEST_CASE("kv: the five operations and at-most-once application per client request") {
  KvStore kv;
  auto cmd = [](Op op, RequestSeq seq, std::string key, std::string value = "", std::string expect = "") {
    Command c;
    c.op = op;
    c.client = 7;
    c.seq = seq;
    c.key = std::move(key);
    c.value = std::move(value);
    c.expect = std::move(expect);
    return c;
  };
  CHECK(kv.apply(cmd(Op::Put, 1, "x", "1")).value == std::optional<std::string>("1"));
  CHECK(kv.apply(cmd(Op::Append, 2, "x", "a")).value == std::optional<std::string>("1a"));
  ApplyResult dup = kv.apply(cmd(Op::Append, 2, "x", "a"));  // a retried request
  CHECK(dup.duplicate);
  CHECK(dup.value == std::optional<std::string>("1a"));
  CHECK(kv.get("x") == std::optional<std::string>("1a"));
  ApplyResult cas_fail = kv.apply(cmd(Op::Cas, 3, "x", "z", "1"));
  CHECK_FALSE(cas_fail.cas_swapped);
  CHECK(cas_fail.value == std::optional<std::string>("1a"));
  ApplyResult cas_ok = kv.apply(cmd(Op::Cas, 4, "x", "z", "1a"));
  CHECK(cas_ok.cas_swapped);
  CHECK(kv.apply(cmd(Op::Get, 5, "x")).value == std::optional<std::string>("z"));
  CHECK(kv.apply(cmd(Op::Delete, 6, "x")).value == std::nullopt);
  CHECK(kv.get("x") == std::nullopt);
  CHECK(kv.apply(cmd(Op::Cas, 7, "x", "q", "")).cas_swapped == false);  // absent is not ""
}

TEST_CASE("rng: seeded, reproducible, in range") {
  Rng a(42), b(42), c(43);
  for (int i = 0; i < 100; ++i) {
    const auto x = a.uniform(150, 300);
    CHECK(x == b.uniform(150, 300));
    CHECK(x >= 150);
    CHECK(x <= 300);
  }
  CHECK(a.next() != c.next());
  CHECK(Rng::derive(1, 2) == Rng::derive(1, 2));
  CHECK(Rng::derive(1, 2) != Rng::derive(1, 3));
}
