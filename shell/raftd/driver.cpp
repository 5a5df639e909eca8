#include "shell/raftd/driver.h"

#include <unistd.h>

#include <boost/asio/post.hpp>
#include <cstdio>

#include "core/wire/codec.h"

namespace raft::raftd {

namespace asio = boost::asio;

Driver::Driver(asio::io_context& io, const Options& opt, int cluster_size, std::string name, Transport& transport)
    : io_(io),
      opt_(opt),
      cluster_size_(cluster_size),
      name_(std::move(name)),
      transport_(transport),
      timer_(io),
      sweep_(io),
      start_(std::chrono::steady_clock::now()) {}

Driver::~Driver() = default;

void Driver::log(const std::string& line) const { std::fprintf(stderr, "raftd %s: %s\n", name_.c_str(), line.c_str()); }

Time Driver::now() const {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start_).count();
}

std::string Driver::open() {
  WalRecovery rec;
  Storage disk;
  if (std::string e = wal_.open(opt_.dir, disk, &rec); !e.empty()) return e;
  wal_.set_fdatasync(opt_.fsync);
  log("recovered " + std::to_string(rec.records) + " records (" + std::to_string(rec.bytes) + " bytes" +
      (rec.torn_bytes ? ", cut a torn tail of " + std::to_string(rec.torn_bytes) + " bytes" : std::string()) +
      "): term " + std::to_string(disk.current_term) + ", log through " + std::to_string(disk.log.last_index()));
  Config c;
  c.id = opt_.id - 1;
  c.cluster_size = cluster_size_;
  c.seed = opt_.seed * 1000 + static_cast<uint64_t>(opt_.id);
  c.timing.snapshot_every = opt_.snapshot_every;
  c.timing.snapshot_chunk_bytes = opt_.snapshot_chunk_bytes;
  c.timing.append_entries_bytes_max = 4u << 20;  // well under a peer queue (16 MB) and a frame (64 MB)
  c.timing.election_timeout_min_us = static_cast<Time>(opt_.election_timeout_min_ms) * 1000;
  c.timing.election_timeout_max_us = static_cast<Time>(opt_.election_timeout_max_ms) * 1000;
  node_ = std::make_unique<Node>(c, std::move(disk), now());
  // A client id per process start, so sequence numbers never repeat for the state machine's
  // at-most-once sessions after a restart.
  client_ = static_cast<ClientId>((static_cast<uint64_t>(std::chrono::system_clock::now().time_since_epoch().count()) ^
                                   (static_cast<uint64_t>(getpid()) << 16)) &
                                  0x7fffffff) |
            1;
  held_frames_.assign(static_cast<size_t>(cluster_size_), std::string());
  // Message ids go on from the clock, not from 0, so a restarted server never reuses one its
  // earlier run sent (a merged event stream pairs sends and delivers by id): fewer than one
  // message per microsecond is sent.
  messages_sent_ = static_cast<uint64_t>(EventStream::stamp());
  return "";
}

void Driver::start() {
  schedule();
  sweep();
}

void Driver::schedule() {
  const Time wait = std::max<Time>(node_->deadline() - now(), 0);
  timer_.expires_after(std::chrono::microseconds(wait));
  timer_.async_wait([this](boost::system::error_code e) {
    if (e) return;  // rescheduled
    if (now() >= node_->deadline()) {
      node_->tick(now());
      after_step();
    } else {
      schedule();
    }
  });
}

void Driver::step(const Message& m, uint64_t id) {
  if (m.to != node_->id() || m.from < 0 || m.from >= static_cast<NodeId>(cluster_size_) || m.from == m.to) {
    log("ignoring a message from s" + std::to_string(m.from + 1) + " to s" + std::to_string(m.to + 1));
    return;
  }
  if (blocked_ & (1u << m.from)) {  // a partition (raftctl partition): lost on the way in
    if (events_.active()) {
      events_.add(sim::TraceEvent::drop(EventStream::stamp(), id, m, sim::DropReason::Partition));
      events_.publish();
    }
    return;
  }
  if (events_.active()) events_.add(sim::TraceEvent::deliver(EventStream::stamp(), id, m));
  node_->step(now(), m);
  after_step();
}

ProposeResult Driver::propose(Command c, Done done) {
  c.client = client_;
  c.seq = ++seq_;
  const RequestSeq seq = c.seq;
  const ProposeResult r = node_->propose(now(), CommandRef(std::move(c)));
  if (r.accepted) {
    ++metrics_.proposals;
    const auto t = std::chrono::steady_clock::now();
    pending_[seq] = Pending{std::move(done), t, t + std::chrono::milliseconds(static_cast<int64_t>(opt_.request_timeout_s * 1000))};
  }
  after_step();
  return r;
}

// Group commit: a step's records are buffered and its messages and replies held; a flush posted
// behind the handlers already waiting (other peers' messages, other clients' requests) writes every
// buffered record with one fdatasync, and only then lets the held messages and replies go. So the
// persist-before-send rule holds for each step, and one disk flush serves many steps.
void Driver::after_step() {
  wal_.record(*node_, node_->events());
  for (const NodeEvent& e : node_->events()) {
    if (e.kind == NodeEvent::Kind::Install) log("installed the leader's snapshot through index " + std::to_string(e.index));
  }
  events_.node_events(*node_);
  for (const Message& m : node_->messages()) {
    const uint64_t id = EventStream::message_id(node_->id(), ++messages_sent_);
    // Lost on the way out to a blocked peer (raftctl partition), decided here once, so that the
    // event says what happens to the frame.
    const bool lost = (blocked_ & (1u << m.to)) != 0;
    if (!lost) wire::encode_frame(m, held_frames_[static_cast<size_t>(m.to)], id);
    if (events_.active()) {
      held_sends_.push_back(lost ? sim::TraceEvent::drop(0, id, m, sim::DropReason::Partition) : sim::TraceEvent::send(0, id, m));
    }
  }
  for (const ClientReply& r : node_->replies()) {
    if (r.client == client_) held_replies_.push_back(r);
  }
  if (node_->leader_id() != last_leader_) {
    last_leader_ = node_->leader_id();
    if (last_leader_ != kNoNode) ++metrics_.leader_changes;
  }
  node_->clear_output();
  schedule();
  if (!flush_posted_) {
    flush_posted_ = true;
    asio::post(io_, [this] { flush(); });
  }
}

void Driver::flush() {
  flush_posted_ = false;
  if (wal_.pending()) {
    if (std::string e = wal_.sync(); !e.empty()) {
      log("stopping: " + e);
      exit_code_ = 1;
      io_.stop();
      return;
    }
    ++metrics_.flushes;
  }
  for (size_t p = 0; p < held_frames_.size(); ++p) {
    if (held_frames_[p].empty()) continue;
    transport_.send(static_cast<NodeId>(p), std::move(held_frames_[p]));
    held_frames_[p].clear();
  }
  if (!held_sends_.empty()) {
    const Time t = EventStream::stamp();  // they leave now, the step being durable
    for (sim::TraceEvent& e : held_sends_) {
      e.t = t;
      events_.add(e);
    }
    held_sends_.clear();
  }
  events_.publish();
  // answer() calls back into transports, which may propose (and so append to held_replies_).
  std::vector<ClientReply> replies;
  replies.swap(held_replies_);
  for (const ClientReply& r : replies) answer(r);
}

void Driver::answer(const ClientReply& r) {
  auto it = pending_.find(r.seq);
  if (it == pending_.end()) return;
  Pending p = std::move(it->second);
  pending_.erase(it);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - p.started).count();
  size_t b = 0;
  while (b < std::size(kLatencyBuckets) && s > kLatencyBuckets[b]) ++b;
  ++metrics_.latency_counts[b];
  metrics_.latency_sum_s += s;
  p.done(&r);
}

// Requests not answered in time: the command may or may not be applied later.
void Driver::sweep() {
  sweep_.expires_after(std::chrono::milliseconds(100));
  sweep_.async_wait([this](boost::system::error_code e) {
    if (e) return;
    const auto t = std::chrono::steady_clock::now();
    for (auto it = pending_.begin(); it != pending_.end();) {
      if (it->second.deadline > t) {
        ++it;
        continue;
      }
      Done done = std::move(it->second.done);
      it = pending_.erase(it);
      done(nullptr);
    }
    sweep();
  });
}

}  // namespace raft::raftd
