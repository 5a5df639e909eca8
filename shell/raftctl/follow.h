// Follows every server's /events stream (raftd's JSON Lines trace, issue 10): one WebSocket per
// server on one Asio loop, connected again whenever it drops. A server whose process died gets a
// "crash" line stamped when its stream ended, so a reader sees it go down; when it is back, its
// stream opens with a "hello" and its state again.
#pragma once

#include <utility>  // before Asio: Boost 1.74's awaitable.hpp uses std::exchange without it (GCC 12)

#include <boost/asio/io_context.hpp>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "shell/raftctl/raftctl.h"

namespace raft::raftctl {

// Made with std::make_shared: its handlers keep it alive until they have run (stop() cancels them).
class Follower : public std::enable_shared_from_this<Follower> {
 public:
  // Whole lines, each ending in '\n', from server `i` (1-based).
  using Sink = std::function<void(int i, std::string_view lines)>;
  Follower(boost::asio::io_context& io, const Cluster& c, Sink sink);
  ~Follower();
  void start();
  void stop();
  // Servers whose stream is open now.
  int connected() const;

  // Microseconds of CLOCK_MONOTONIC, as raftd stamps its events.
  static int64_t stamp();

 private:
  struct Conn;
  void connect(size_t k);
  void read(size_t k);
  void lost(size_t k);

  boost::asio::io_context& io_;
  Cluster c_;
  Sink sink_;
  std::vector<std::unique_ptr<Conn>> conns_;
  bool stopped_ = false;
};

}  // namespace raft::raftctl
