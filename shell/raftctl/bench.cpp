// raftctl bench: write throughput and latency of a running cluster.
#include "shell/raftctl/raftctl.h"

#include <algorithm>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdio>
#include <functional>
#include <memory>
#include <vector>

namespace raft::raftctl {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

// bench: `clients` connections to the leader, each writing in a loop (one request in flight per
// client) for `seconds`; prints writes/s and latency percentiles.
int bench(const Cluster& c, int clients, double seconds) {
  const int l = leader(c);
  if (l == 0) die("no leader (raftctl status)");
  asio::io_context io;
  struct Client {
    std::unique_ptr<beast::tcp_stream> stream;
    beast::flat_buffer buf;
    http::request<http::string_body> req;
    http::response<http::string_body> res;
    uint64_t k = 0;
    Clock::time_point sent;
  };
  std::vector<Client> cs(static_cast<size_t>(clients));
  std::vector<double> lat;
  lat.reserve(1 << 20);
  uint64_t errors = 0;
  const auto start = Clock::now();
  const auto end = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  const tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(c.http_port(l)));
  std::function<void(size_t)> next;
  std::function<void(size_t)> connect = [&](size_t i) {
    Client& cl = cs[i];
    cl.stream = std::make_unique<beast::tcp_stream>(io);
    cl.stream->async_connect(ep, [&, i](beast::error_code e) {
      if (e) {
        ++errors;
        if (Clock::now() < end) connect(i);
        return;
      }
      next(i);
    });
  };
  next = [&](size_t i) {
    Client& cl = cs[i];
    if (Clock::now() >= end) return;
    cl.req = http::request<http::string_body>(http::verb::put, "/kv/bench-" + std::to_string(i) + "-" + std::to_string(cl.k % 100), 11);
    cl.req.set(http::field::host, "127.0.0.1");
    cl.req.body() = std::to_string(cl.k++);
    cl.req.keep_alive(true);
    cl.req.prepare_payload();
    cl.res = {};
    cl.sent = Clock::now();
    cl.stream->expires_after(std::chrono::seconds(10));
    http::async_write(*cl.stream, cl.req, [&, i](beast::error_code e, size_t) {
      if (e) {
        ++errors;
        return connect(i);
      }
      http::async_read(*cs[i].stream, cs[i].buf, cs[i].res, [&, i](beast::error_code e2, size_t) {
        if (e2 || cs[i].res.result_int() != 200) {
          ++errors;
          if (e2) return connect(i);
        } else {
          lat.push_back(std::chrono::duration<double, std::milli>(Clock::now() - cs[i].sent).count());
        }
        next(i);
      });
    });
  };
  for (size_t i = 0; i < cs.size(); ++i) connect(i);
  asio::steady_timer progress(io);
  std::function<void()> tick = [&] {
    progress.expires_after(std::chrono::seconds(1));
    progress.async_wait([&](beast::error_code e) {
      if (e || Clock::now() >= end) return;
      const double t = std::chrono::duration<double>(Clock::now() - start).count();
      std::fprintf(stderr, "\r  %4.0f s  %8zu writes  %8.0f writes/s", t, lat.size(), static_cast<double>(lat.size()) / t);
      tick();
    });
  };
  tick();
  io.run();
  std::fprintf(stderr, "\n");
  const double t = std::chrono::duration<double>(Clock::now() - start).count();
  std::sort(lat.begin(), lat.end());
  const auto pct = [&](double p) { return lat.empty() ? 0.0 : lat[std::min(lat.size() - 1, static_cast<size_t>(p * static_cast<double>(lat.size())))]; };
  std::printf("%d servers, %d clients, %.1f s: %zu writes, %.0f writes/s, p50 %.2f ms, p99 %.2f ms, %llu errors\n", c.n, clients, t,
              lat.size(), static_cast<double>(lat.size()) / t, pct(0.50), pct(0.99), static_cast<unsigned long long>(errors));
  return lat.empty() ? 1 : 0;
}

}  // namespace raft::raftctl
