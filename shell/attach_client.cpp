#include "shell/attach_client.h"

#include <utility>  // before Asio (Boost 1.74 with GCC 12)

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <deque>
#include <mutex>
#include <thread>

namespace raft::shell {

namespace {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

struct Url {
  std::string host, port, path;
};

bool parse_url(const std::string& url, Url& out) {
  if (url.rfind("ws://", 0) != 0) return false;
  const std::string rest = url.substr(5);
  const size_t slash = rest.find('/');
  const std::string hostport = rest.substr(0, slash);
  out.path = slash == std::string::npos ? "/" : rest.substr(slash);
  const size_t colon = hostport.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == hostport.size()) return false;
  out.host = hostport.substr(0, colon);
  out.port = hostport.substr(colon + 1);
  return out.port.find_first_not_of("0123456789") == std::string::npos && out.port.size() <= 5;
}
}  // namespace

struct AttachClient::Impl : std::enable_shared_from_this<Impl> {
  asio::io_context io;
  tcp::resolver resolver{io};
  websocket::stream<beast::tcp_stream> ws{io};
  beast::flat_buffer buf;
  Url url;
  std::mutex m;                 // guards text, closed, why
  std::string text;
  bool closed = false;
  std::string why;
  bool open = false;            // loop thread only, from here down
  std::deque<std::string> out;  // to send, in order
  bool writing = false;
  std::thread thread;

  void end(const std::string& reason) {
    std::lock_guard<std::mutex> lock(m);
    if (closed) return;
    closed = true;
    why = reason;
  }
  void start() {
    auto self = shared_from_this();
    resolver.async_resolve(url.host, url.port, [self](beast::error_code e, tcp::resolver::results_type r) {
      if (e) return self->end("cannot resolve " + self->url.host + ": " + e.message());
      beast::get_lowest_layer(self->ws).expires_after(std::chrono::seconds(5));
      beast::get_lowest_layer(self->ws).async_connect(r, [self](beast::error_code e2, const tcp::endpoint&) {
        if (e2) return self->end("no answer from " + self->url.host + ":" + self->url.port + " (" + e2.message() + ")");
        beast::get_lowest_layer(self->ws).expires_never();
        self->ws.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
        self->ws.read_message_max(64u << 20);
        self->ws.async_handshake(self->url.host + ":" + self->url.port, self->url.path, [self](beast::error_code e3) {
          if (e3) return self->end("the WebSocket handshake failed: " + e3.message());
          self->open = true;
          self->flush();
          self->read();
        });
      });
    });
  }
  void read() {
    auto self = shared_from_this();
    ws.async_read(buf, [self](beast::error_code e, size_t) {
      if (e) return self->end(e == websocket::error::closed ? "closed" : e.message());
      const auto data = self->buf.cdata();
      {
        std::lock_guard<std::mutex> lock(self->m);
        self->text.append(static_cast<const char*>(data.data()), data.size());
      }
      self->buf.consume(self->buf.size());
      self->read();
    });
  }
  void flush() {
    if (!open || writing || out.empty()) return;
    writing = true;
    ws.text(true);
    auto self = shared_from_this();
    ws.async_write(asio::buffer(out.front()), [self](beast::error_code e, size_t) {
      self->writing = false;
      self->out.pop_front();
      if (e) return self->end(e.message());
      self->flush();
    });
  }
};

std::string AttachClient::check_url(const std::string& url) {
  Url u;
  return parse_url(url, u) ? "" : "expected a WebSocket URL such as ws://127.0.0.1:7000/lab, got \"" + url.substr(0, 100) + "\"";
}

AttachClient::AttachClient(const std::string& url) : impl_(std::make_shared<Impl>()) {
  if (!parse_url(url, impl_->url)) {
    impl_->end(check_url(url));
    return;
  }
  impl_->start();
  impl_->thread = std::thread([impl = impl_] { impl->io.run(); });
}

AttachClient::~AttachClient() {
  if (!impl_->thread.joinable()) return;
  asio::post(impl_->io, [impl = impl_] {
    beast::error_code ignored;
    beast::get_lowest_layer(impl->ws).socket().close(ignored);
    impl->resolver.cancel();
  });
  impl_->thread.join();
}

std::string AttachClient::take_text(bool& closed, std::string& why) {
  std::lock_guard<std::mutex> lock(impl_->m);
  std::string t;
  t.swap(impl_->text);
  closed = impl_->closed;
  why = impl_->why;
  return t;
}

void AttachClient::send(std::string text) {
  if (!impl_->thread.joinable()) return;
  asio::post(impl_->io, [impl = impl_, text = std::move(text)]() mutable {
    impl->out.push_back(std::move(text));
    impl->flush();
  });
}

}  // namespace raft::shell
