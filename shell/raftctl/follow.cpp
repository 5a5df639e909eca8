#include "shell/raftctl/follow.h"

#include <signal.h>
#include <time.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <cstdio>

namespace raft::raftctl {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

constexpr auto kRetry = std::chrono::milliseconds(200);

struct Follower::Conn {
  explicit Conn(asio::io_context& io) : retry(io) {}
  std::unique_ptr<websocket::stream<beast::tcp_stream>> ws;
  beast::flat_buffer buf;
  asio::steady_timer retry;
  bool open = false;
  bool crashed = false;  // a "crash" line was sent since the stream was last open
};

Follower::Follower(asio::io_context& io, const Cluster& c, Sink sink) : io_(io), c_(c), sink_(std::move(sink)) {
  for (int i = 0; i < c.n; ++i) conns_.push_back(std::make_unique<Conn>(io));
}

Follower::~Follower() { stop(); }

int64_t Follower::stamp() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000 + ts.tv_nsec / 1000;
}

void Follower::start() {
  for (size_t k = 0; k < conns_.size(); ++k) connect(k);
}

void Follower::stop() {
  stopped_ = true;
  for (auto& c : conns_) {
    c->retry.cancel();
    if (c->ws) beast::get_lowest_layer(*c->ws).close();
  }
}

int Follower::connected() const {
  int n = 0;
  for (const auto& c : conns_) n += c->open ? 1 : 0;
  return n;
}

void Follower::connect(size_t k) {
  if (stopped_) return;
  Conn& c = *conns_[k];
  c.ws = std::make_unique<websocket::stream<beast::tcp_stream>>(io_);
  c.buf.clear();
  auto& lowest = beast::get_lowest_layer(*c.ws);
  lowest.expires_after(std::chrono::seconds(2));
  const int port = c_.http_port(static_cast<int>(k) + 1);
  lowest.async_connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(port)),
                       [this, self = shared_from_this(), k, port](beast::error_code e) {
    if (stopped_) return;
    if (e) return lost(k);
    Conn& cn = *conns_[k];
    beast::get_lowest_layer(*cn.ws).expires_never();
    cn.ws->set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
    cn.ws->read_message_max(64u << 20);
    cn.ws->async_handshake("127.0.0.1:" + std::to_string(port), "/events", [this, self, k](beast::error_code e2) {
      if (stopped_) return;
      if (e2) return lost(k);
      Conn& up = *conns_[k];
      up.open = true;
      up.crashed = false;
      read(k);
    });
  });
}

void Follower::read(size_t k) {
  Conn& c = *conns_[k];
  c.ws->async_read(c.buf, [this, self = shared_from_this(), k](beast::error_code e, size_t) {
    if (stopped_) return;
    if (e) return lost(k);
    Conn& cn = *conns_[k];
    const auto data = cn.buf.cdata();
    sink_(static_cast<int>(k) + 1, std::string_view(static_cast<const char*>(data.data()), data.size()));
    cn.buf.consume(cn.buf.size());
    read(k);
  });
}

// The stream ended or never opened: if the server's process is gone, say it crashed (once), and
// try again shortly either way (a restarted server listens again after its log is replayed).
void Follower::lost(size_t k) {
  if (stopped_) return;
  Conn& c = *conns_[k];
  c.open = false;
  const int i = static_cast<int>(k) + 1;
  if (!c.crashed && !alive(pid_of(c_, i))) {
    c.crashed = true;
    const std::string line = "{\"t\":" + std::to_string(stamp()) + ",\"ev\":\"crash\",\"node\":\"s" + std::to_string(i) + "\"}\n";
    sink_(i, line);
  }
  c.retry.expires_after(kRetry);
  c.retry.async_wait([this, self = shared_from_this(), k](beast::error_code e) {
    if (!e) connect(k);
  });
}

}  // namespace raft::raftctl

namespace raft::raftctl {

// raftctl events: every server's stream, merged as it arrives, to stdout or a file, until Ctrl-C
// or `seconds` (0: no limit). Lines from one server keep their order; between servers, arrival
// order (sort by "t" for time order).
int events(const Cluster& c, double seconds, const std::string& out_path) {
  FILE* out = stdout;
  if (!out_path.empty() && !(out = std::fopen(out_path.c_str(), "w"))) die("cannot write " + out_path);
  asio::io_context io;
  uint64_t lines = 0;
  auto f = std::make_shared<Follower>(io, c, [&](int, std::string_view text) {
    std::fwrite(text.data(), 1, text.size(), out);
    for (char ch : text) lines += ch == '\n' ? 1 : 0;
    std::fflush(out);
  });
  asio::signal_set signals(io, SIGINT, SIGTERM);
  asio::steady_timer limit(io);
  const auto finish = [&] {
    f->stop();
    signals.cancel();
    limit.cancel();
  };
  signals.async_wait([&](beast::error_code e, int) {
    if (!e) finish();
  });
  if (seconds > 0) {
    limit.expires_after(std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(seconds)));
    limit.async_wait([&](beast::error_code e) {
      if (!e) finish();
    });
  }
  f->start();
  io.run();
  if (out != stdout) {
    std::fclose(out);
    std::fprintf(stderr, "%llu lines in %s\n", static_cast<unsigned long long>(lines), out_path.c_str());
  }
  return 0;
}

}  // namespace raft::raftctl
