// raftd's /events stream: the project's trace lines, a new reader's state first, nothing rendered
// while nobody reads.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "core/sim/trace_event.h"
#include "shell/raftd/events.h"

using raft::Config;
using raft::Message;
using raft::MessageType;
using raft::Node;
using raft::Storage;
using raft::raftd::EventStream;

namespace {
// The lines without their clock stamps.
std::string unstamped(std::string lines) {
  for (size_t at; (at = lines.find("\"t\":")) != std::string::npos;) {
    size_t end = at + 4;
    while (end < lines.size() && lines[end] >= '0' && lines[end] <= '9') ++end;
    REQUIRE(end > at + 4);
    REQUIRE(lines[end] == ',');
    lines.erase(at, end + 1 - at);
  }
  return lines;
}
}  // namespace

TEST_CASE("events: a reader first gets hello and the node's state, then what it does") {
  Config c;
  c.id = 1;
  c.cluster_size = 3;
  Node node(c, Storage{}, 0);
  EventStream events;
  CHECK_FALSE(events.active());
  std::vector<std::string> got;
  events.subscribe(node, 3, [&](const std::string& lines) { got.push_back(lines); });
  CHECK(events.active());
  REQUIRE(got.size() == 1);
  CHECK(unstamped(got[0]) ==
        "{\"ev\":\"hello\",\"node\":\"s2\",\"servers\":3}\n"
        "{\"ev\":\"term\",\"node\":\"s2\",\"term\":0}\n"
        "{\"ev\":\"config\",\"node\":\"s2\",\"index\":0,\"voters\":[\"s1\",\"s2\",\"s3\"],\"learners\":[]}\n"
        "{\"ev\":\"commit\",\"node\":\"s2\",\"index\":0}\n"
        "{\"ev\":\"role\",\"node\":\"s2\",\"term\":0,\"role\":\"follower\"}\n");
  // A message's id crosses the wire; its send and its deliver name it alike.
  Message m;
  m.reset(MessageType::RequestVote, 0, 1, 4);
  const uint64_t id = EventStream::message_id(0, 7);
  CHECK(id == ((uint64_t{1} << 40) | 7));
  events.add(raft::sim::TraceEvent::deliver(EventStream::stamp(), id, m));
  CHECK(got.size() == 1);  // held until the step is durable
  events.publish();
  REQUIRE(got.size() == 2);
  CHECK(unstamped(got[1]) ==
        "{\"ev\":\"deliver\",\"id\":1099511627783,\"from\":\"s1\",\"to\":\"s2\",\"type\":\"RequestVote\",\"term\":4,"
        "\"lastLogIndex\":0,\"lastLogTerm\":0}\n");
}

TEST_CASE("events: stamps are CLOCK_MONOTONIC microseconds and never go back") {
  const raft::Time a = EventStream::stamp(), b = EventStream::stamp();
  CHECK(a > 0);
  CHECK(b >= a);
}

TEST_CASE("events: a reader that unsubscribes while lines are handed out does not break the others") {
  Config c;
  c.cluster_size = 3;
  Node node(c, Storage{}, 0);
  EventStream events;
  int first = 0, second = 0, h1 = 0;
  h1 = events.subscribe(node, 3, [&](const std::string&) {
    if (++first == 2) events.unsubscribe(h1);
  });
  events.subscribe(node, 3, [&](const std::string&) { ++second; });
  Message m;
  m.reset(MessageType::AppendEntries, 1, 0, 2);
  for (int i = 0; i < 3; ++i) {
    events.add(raft::sim::TraceEvent::send(EventStream::stamp(), EventStream::message_id(0, static_cast<uint64_t>(i)), m));
    events.publish();
  }
  CHECK(first == 2);   // its state, then one batch, then it left
  CHECK(second == 4);  // its state and three batches
}

TEST_CASE("events: long values are shown cut, so a reader's state stays small") {
  Config c;
  c.cluster_size = 3;
  Storage disk;
  disk.current_term = 1;
  raft::Command put;
  put.op = raft::Op::Put;
  put.key = "big";
  put.value = std::string(2000, 'v');
  disk.log.append(raft::Entry{1, put});
  Node node(c, std::move(disk), 0);
  EventStream events;
  std::string got;
  events.subscribe(node, 3, [&](const std::string& lines) { got += lines; });
  const std::string shown = "\"value\":\"" + std::string(64, 'v') + "...(2000 bytes)\"";
  CHECK(got.find(shown) != std::string::npos);
  CHECK(got.size() < 1000);
}
