// raftctl lab (issue 10): the lab's way into a live local cluster. One WebSocket per page on
// ws://127.0.0.1:PORT/lab carries, out, every server's event stream merged (a Follower per page,
// so each page gets every server's hello and state first), and, in, the page's control calls,
// which raftctl can carry out because it owns the processes: crash (SIGKILL), restart, pause,
// resume, partition, heal, and client commands (put, get, del, cas) with their invoke and return
// lines in the trace format.
//
// Control calls (one JSON object per message; "id" is echoed in the answer):
//   {"cmd":"crash"|"restart"|"pause"|"resume","node":"s2","id":1}
//   {"cmd":"partition","groups":[["s1"],["s2","s3"]],"id":2}   {"cmd":"heal","id":3}
//   {"cmd":"put","key":"x","value":"1","id":4}   get/del {"key"}   cas {"key","from","to"}
// Answers: {"t":..,"ev":"control","id":N,"ok":true|false,"text":"..."}; a partition or heal done
// also adds its trace line ({"ev":"partition","groups":[..]} or {"ev":"heal"}) to the page's stream.
#include <signal.h>

#include "shell/raftctl/follow.h"
#include "shell/raftctl/raftctl.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <cstdio>
#include <deque>
#include <memory>
#include <thread>

namespace raft::raftctl {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

constexpr size_t kPageQueueBytesMax = 64u << 20;  // a page further behind than this is let go
constexpr size_t kControlBytesMax = 1u << 20;

std::string line(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace) + "\n"; }

class Page;

class Lab {
 public:
  Lab(const Cluster& c, int port) : c_(c), port_(port), acceptor_(*io_), signals_(*io_, SIGINT, SIGTERM) {}
  int run();
  asio::io_context& io() { return *io_; }
  const Cluster& cluster() const { return c_; }
  // Runs `work` on its own thread (it may wait on the cluster) and `done` back on the loop.
  // The loop is shared with such threads, so one still waiting on the cluster when raftctl lab
  // stops posts to a loop that is stopped but not destroyed.
  void background(std::function<json()> work, std::function<void(json)> done) {
    std::thread([io = io_, work = std::move(work), done = std::move(done)]() mutable {
      json result = work();
      asio::post(*io, [result = std::move(result), done = std::move(done)]() mutable { done(std::move(result)); });
    }).detach();
  }

 private:
  void accept();
  Cluster c_;
  int port_;
  std::shared_ptr<asio::io_context> io_ = std::make_shared<asio::io_context>();
  tcp::acceptor acceptor_;
  asio::signal_set signals_;
};

// One page: the merged stream out, control calls in.
class Page : public std::enable_shared_from_this<Page> {
 public:
  Page(tcp::socket s, Lab& lab) : ws_(std::move(s)), lab_(lab) {}
  void start(http::request<http::string_body> req) {
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    ws_.read_message_max(kControlBytesMax);
    ws_.text(true);
    auto self = shared_from_this();
    ws_.async_accept(req, [self](beast::error_code e) {
      if (e) return;
      self->push(line({{"t", Follower::stamp()}, {"ev", "attach"}, {"servers", self->lab_.cluster().n}}));
      std::weak_ptr<Page> weak = self;
      self->follower_ = std::make_shared<Follower>(self->lab_.io(), self->lab_.cluster(), [weak](int, std::string_view lines) {
        if (auto p = weak.lock()) p->push(std::string(lines));
      });
      self->follower_->start();
      self->read();
    });
  }
  void push(std::string lines) {
    if (closed_) return;
    if (queued_ + lines.size() > kPageQueueBytesMax) return close();
    queued_ += lines.size();
    queue_.push_back(std::move(lines));
    if (!writing_) write();
  }

 private:
  void close() {
    if (closed_) return;
    closed_ = true;
    if (follower_) follower_->stop();
    queue_.clear();
    queued_ = 0;
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().close(ignored);
  }
  void write() {
    if (queue_.empty() || closed_) return;
    writing_ = true;
    auto self = shared_from_this();
    ws_.async_write(asio::buffer(queue_.front()), [self](beast::error_code e, size_t) {
      self->writing_ = false;
      if (e) return self->close();
      if (self->queue_.empty()) return;
      self->queued_ -= self->queue_.front().size();
      self->queue_.pop_front();
      self->write();
    });
  }
  void read() {
    auto self = shared_from_this();
    ws_.async_read(in_, [self](beast::error_code e, size_t) {
      if (e) return self->close();
      const std::string text = beast::buffers_to_string(self->in_.data());
      self->in_.consume(self->in_.size());
      self->control(text);
      self->read();
    });
  }
  void answer(const json& id, bool ok, const std::string& text) {
    push(line({{"t", Follower::stamp()}, {"ev", "control"}, {"id", id}, {"ok", ok}, {"text", text}}));
  }
  void control(const std::string& text);

  websocket::stream<beast::tcp_stream> ws_;
  Lab& lab_;
  std::shared_ptr<Follower> follower_;
  beast::flat_buffer in_;
  std::deque<std::string> queue_;
  size_t queued_ = 0;
  bool writing_ = false, closed_ = false;
  uint64_t next_req_ = 1;
};

// "s2" -> 2, or 0.
int server_of(const Cluster& c, const json& j) {
  if (!j.is_string()) return 0;
  const std::string s = j.get<std::string>();
  if (s.size() < 2 || s.size() > 3 || s[0] != 's' || s.find_first_not_of("0123456789", 1) != std::string::npos) return 0;
  const int i = std::stoi(s.substr(1));
  return i >= 1 && i <= c.n ? i : 0;
}

void Page::control(const std::string& text) {
  const json j = json::parse(text, nullptr, false);
  const Cluster& c = lab_.cluster();
  if (j.is_discarded() || !j.is_object() || !j.contains("cmd") || !j["cmd"].is_string()) {
    return answer(nullptr, false, "a control call is a JSON object with \"cmd\", e.g. {\"cmd\":\"crash\",\"node\":\"s1\"}");
  }
  const json id = j.contains("id") ? j["id"] : json(nullptr);
  const std::string cmd = j["cmd"].get<std::string>();
  if (cmd == "crash" || cmd == "restart" || cmd == "pause" || cmd == "resume") {
    const int i = server_of(c, j.contains("node") ? j["node"] : json());
    if (i == 0) return answer(id, false, cmd + ": \"node\" must be \"s1\"..\"s" + std::to_string(c.n) + "\"");
    const int pid = pid_of(c, i);
    const std::string s = "s" + std::to_string(i);
    if (cmd == "restart") {
      if (alive(pid)) return answer(id, false, s + " is running");
      if (std::string p = launch_problem(); !p.empty()) return answer(id, false, p);
      launch(c, i);
      return answer(id, true, "restarted " + s);
    }
    if (!alive(pid)) return answer(id, false, s + " is down");
    if (cmd == "crash" && paused(pid)) ::kill(pid, SIGCONT);  // a stopped process dies only once continued
    ::kill(pid, cmd == "crash" ? SIGKILL : cmd == "pause" ? SIGSTOP : SIGCONT);
    return answer(id, true, (cmd == "crash" ? "crashed " : cmd == "pause" ? "paused " : "resumed ") + s);
  }
  if (cmd == "partition" || cmd == "heal") {
    std::vector<int> group(static_cast<size_t>(c.n) + 1, 0);
    if (cmd == "partition") {
      if (!j.contains("groups") || !j["groups"].is_array() || j["groups"].size() < 2) {
        return answer(id, false, "partition: \"groups\" must be two or more lists of servers, e.g. [[\"s1\"],[\"s2\",\"s3\"]]");
      }
      int g = 0;
      for (const json& members : j["groups"]) {
        ++g;
        if (!members.is_array()) return answer(id, false, "partition: each group is a list of servers");
        for (const json& m : members) {
          const int i = server_of(c, m);
          if (i == 0) return answer(id, false, "partition: " + m.dump() + " is not a server s1..s" + std::to_string(c.n));
          if (group[static_cast<size_t>(i)] != 0) return answer(id, false, "partition: " + m.dump() + " is in two groups");
          group[static_cast<size_t>(i)] = g;
        }
      }
      for (int i = 1; i <= c.n; ++i) {
        if (group[static_cast<size_t>(i)] == 0) return answer(id, false, "partition: s" + std::to_string(i) + " is in no group");
      }
    }
    auto self = shared_from_this();
    lab_.background(
        [c, group, cmd] {
          std::string missed;
          for (int i = 1; i <= c.n; ++i) {
            json block = json::array();
            for (int k = 1; k <= c.n; ++k) {
              if (cmd == "partition" && group[static_cast<size_t>(k)] != group[static_cast<size_t>(i)]) block.push_back("s" + std::to_string(k));
            }
            if (request(c.http_port(i), http::verb::post, "/admin/partition", json{{"block", block}}.dump(), std::chrono::milliseconds(1000), 0)
                    .status != 200) {
              missed += " s" + std::to_string(i);
            }
          }
          return json{{"missed", missed}};
        },
        [self, id, cmd, groups = j.contains("groups") ? j["groups"] : json()](json r) {
          const std::string missed = r["missed"].get<std::string>();
          // The network's change as a trace line, so that the page draws the cut links.
          json change{{"t", Follower::stamp()}, {"ev", cmd}};
          if (cmd == "partition") change["groups"] = groups;
          self->push(line(change));
          self->answer(id, true, (cmd == "partition" ? "partitioned" : "healed") + (missed.empty() ? "" : "; not reached (down or paused):" + missed));
        });
    return;
  }
  if (cmd == "put" || cmd == "get" || cmd == "del" || cmd == "cas") {
    const auto str = [&](const char* k) { return j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : std::string(); };
    const std::string key = str("key");
    if (key.empty() || (cmd == "put" && !j.contains("value")) || (cmd == "cas" && (!j.contains("from") || !j.contains("to")))) {
      return answer(id, false, cmd + " needs " + (cmd == "put" ? "\"key\" and \"value\"" : cmd == "cas" ? "\"key\", \"from\" and \"to\"" : "\"key\""));
    }
    const uint64_t req = next_req_++;
    json inv{{"t", Follower::stamp()}, {"ev", "invoke"}, {"client", "page"}, {"req", req}, {"op", cmd == "del" ? "delete" : cmd}, {"key", key}};
    if (cmd == "put") inv["value"] = str("value");
    if (cmd == "cas") {
      inv["value"] = str("to");
      inv["expect"] = str("from");
    }
    push(line(inv));
    const http::verb verb = cmd == "put" ? http::verb::put : cmd == "get" ? http::verb::get : cmd == "del" ? http::verb::delete_ : http::verb::post;
    const std::string target = "/kv/" + key + (cmd == "cas" ? "/cas" : "");
    const std::string body = cmd == "put" ? str("value") : cmd == "cas" ? json{{"from", str("from")}, {"to", str("to")}}.dump() : "";
    auto self = shared_from_this();
    lab_.background(
        [c, verb, target, body] {
          // The first server that takes it (followers redirect); a server that took the command and
          // went silent is not asked again (the outcome is unknown). 7 s in all.
          const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(7);
          for (int i = 1; i <= c.n; ++i) {
            const int pid = pid_of(c, i);
            if (!alive(pid) || paused(pid)) continue;
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) break;
            const Reply r = request(c.http_port(i), verb, target, body, left);
            if (r.status == 0 && !r.sent) continue;
            if (r.status == 503 && (r.body.find("no leader known") != std::string::npos || r.body.find("did not take") != std::string::npos)) continue;
            return json{{"status", r.status}, {"body", r.body}};
          }
          return json{{"status", 503}, {"body", "{\"error\":\"no server took it (no leader?)\"}"}};
        },
        [self, id, req, cmd](json r) {
          const int status = r["status"].get<int>();
          const json reply = json::parse(r["body"].get<std::string>(), nullptr, false);
          json ret{{"t", Follower::stamp()}, {"ev", "return"}, {"req", req}, {"ok", status == 200 || (status == 404 && cmd == "get") || status == 409}};
          if (ret["ok"].get<bool>()) {
            ret["value"] = reply.is_object() && reply.contains("value") ? reply["value"] : json(nullptr);
            if (cmd == "cas") ret["swapped"] = status == 200;
          }
          self->push(line(ret));
          const std::string why =
              reply.is_object() && reply.contains("error") && reply["error"].is_string() ? reply["error"].get<std::string>() : "";
          self->answer(id, ret["ok"].get<bool>(), status == 0 ? "no answer: it may or may not have been applied" : why.empty() ? "done" : why);
        });
    return;
  }
  answer(id, false, "unknown control call '" + cmd + "' (crash, restart, pause, resume, partition, heal, put, get, del, cas)");
}

// HTTP on the same port: the WebSocket upgrade on /lab, a line of help for anything else.
class Conn : public std::enable_shared_from_this<Conn> {
 public:
  Conn(tcp::socket s, Lab& lab) : stream_(std::move(s)), lab_(lab) {}
  void start() {
    stream_.expires_after(std::chrono::seconds(10));
    auto self = shared_from_this();
    http::async_read(stream_, buf_, req_, [self](beast::error_code e, size_t) {
      if (e) return;
      if (websocket::is_upgrade(self->req_) && self->req_.target() == "/lab") {
        self->stream_.expires_never();
        return std::make_shared<Page>(self->stream_.release_socket(), self->lab_)->start(std::move(self->req_));
      }
      auto res = std::make_shared<http::response<http::string_body>>(http::status::not_found, self->req_.version());
      res->set(http::field::content_type, "text/plain");
      res->body() = "raftctl lab: attach the page with #attach=ws://127.0.0.1:" + std::to_string(self->stream_.socket().local_endpoint().port()) +
                    "/lab (./dev serve serves the page)\n";
      res->keep_alive(false);
      res->prepare_payload();
      http::async_write(self->stream_, *res, [self, res](beast::error_code, size_t) {
        beast::error_code ignored;
        self->stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
      });
    });
  }

 private:
  beast::tcp_stream stream_;
  Lab& lab_;
  beast::flat_buffer buf_;
  http::request<http::string_body> req_;
};

void Lab::accept() {
  acceptor_.async_accept([this](beast::error_code e, tcp::socket s) {
    if (!e) std::make_shared<Conn>(std::move(s), *this)->start();
    if (e == asio::error::operation_aborted) return;
    if (e) {  // out of file descriptors, say: wait rather than spin
      auto t = std::make_shared<asio::steady_timer>(*io_, std::chrono::milliseconds(100));
      return t->async_wait([this, t](beast::error_code) { accept(); });
    }
    accept();
  });
}

int Lab::run() {
  beast::error_code ec;
  const tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(port_));
  acceptor_.open(ep.protocol(), ec);
  if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor_.bind(ep, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) die("cannot listen on 127.0.0.1:" + std::to_string(port_) + ": " + ec.message());
  std::printf("lab: ws://127.0.0.1:%d/lab\nopen the page with #attach=ws://127.0.0.1:%d/lab (./dev serve, then http://127.0.0.1:8080/#attach=ws://127.0.0.1:%d/lab)\n",
              port_, port_, port_);
  std::fflush(stdout);
  signals_.async_wait([this](beast::error_code, int) { io_->stop(); });
  accept();
  io_->run();
  return 0;
}

}  // namespace

int lab(const Cluster& c, int port) { return Lab(c, port).run(); }

}  // namespace raft::raftctl
