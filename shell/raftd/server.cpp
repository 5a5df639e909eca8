// raftd's TCP and HTTP transport: peers exchange core/wire frames over TCP, clients speak HTTP
// (Boost.Beast). The node itself is driven by Driver (driver.h), shared with the Maelstrom mode.
#include "shell/raftd/server.h"

#include <utility>  // before Asio: Boost 1.74's awaitable.hpp uses std::exchange without it (GCC 12)

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <deque>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>

#include "core/raft/node.h"
#include "core/wire/codec.h"
#include "shell/raftd/driver.h"

namespace raft::raftd {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using json = nlohmann::json;

namespace {

constexpr size_t kHttpBodyBytesMax = 1 << 20;
constexpr size_t kKeyBytesMax = 64;
constexpr size_t kPeerQueueBytesMax = 16u << 20;  // past this a slow peer's messages are dropped (Raft retries)
constexpr size_t kEventsQueueBytesMax = 32u << 20;  // an /events reader further behind than this is let go
constexpr auto kReconnectDelay = std::chrono::milliseconds(100);

std::string endpoint_text(const Endpoint& e) { return e.host + ":" + std::to_string(e.port); }

// JSON text of `j`; bytes that are not UTF-8 (a client's value or path) become U+FFFD instead of
// throwing.
std::string text(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace) + "\n"; }

// Keys are 1..64 bytes of letters, digits and . _ - (they travel in URLs and logs as they are).
std::string key_problem(std::string_view key) {
  if (key.empty()) return "the key is empty";
  if (key.size() > kKeyBytesMax) return "the key is " + std::to_string(key.size()) + " bytes, at most 64";
  for (char c : key) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!ok) return "the key may hold letters, digits, '.', '_' and '-' only";
  }
  return "";
}

class Server;

// An outgoing connection to one peer: connects (again) on demand, writes frames in order.
class PeerLink {
 public:
  PeerLink(asio::io_context& io, Endpoint to) : io_(io), to_(std::move(to)), socket_(io), retry_(io) {}
  void send(std::string frame) {
    // Lost, as on any network, when a slow peer's queue is full; a frame larger than the whole queue
    // still goes when the queue is empty, or it would be lost every time.
    if (queued_ + frame.size() > kPeerQueueBytesMax && !queue_.empty()) return;
    queued_ += frame.size();
    queue_.push_back(std::move(frame));
    if (!connected_) connect();
    else if (!writing_) write();
  }

 private:
  void connect() {
    if (connecting_) return;
    connecting_ = true;
    tcp::resolver resolver(io_);
    boost::system::error_code ec;
    auto results = resolver.resolve(to_.host, std::to_string(to_.port), ec);
    if (ec) return retry();
    asio::async_connect(socket_, results, [this](boost::system::error_code e, const tcp::endpoint&) {
      connecting_ = false;
      if (e) return retry();
      boost::system::error_code ignored;
      socket_.set_option(tcp::no_delay(true), ignored);
      connected_ = true;
      write();
    });
  }
  void retry() {
    connecting_ = true;
    // Messages waiting for a dead peer are dropped: Raft resends what matters.
    queue_.clear();
    queued_ = 0;
    retry_.expires_after(kReconnectDelay);
    retry_.async_wait([this](boost::system::error_code e) {
      connecting_ = false;
      if (!e && !queue_.empty()) connect();
    });
  }
  void write() {
    if (queue_.empty()) return;
    writing_ = true;
    asio::async_write(socket_, asio::buffer(queue_.front()), [this](boost::system::error_code e, size_t) {
      writing_ = false;
      if (e) {
        connected_ = false;
        boost::system::error_code ignored;
        socket_.close(ignored);
        socket_ = tcp::socket(io_);
        return retry();
      }
      queued_ -= queue_.front().size();
      queue_.pop_front();
      write();
    });
  }

  asio::io_context& io_;
  Endpoint to_;
  tcp::socket socket_;
  asio::steady_timer retry_;
  std::deque<std::string> queue_;
  size_t queued_ = 0;
  bool connected_ = false, connecting_ = false, writing_ = false;
};

class HttpConn;
class EventsSession;

class Server : public Transport {
 public:
  explicit Server(const Options& opt)
      : opt_(opt),
        io_(1),
        driver_(io_, opt, static_cast<int>(opt.peers.size()), "s" + std::to_string(opt.id), *this),
        raft_acceptor_(io_),
        http_acceptor_(io_),
        signals_(io_, SIGINT, SIGTERM) {}

  int run();
  void send(NodeId peer, std::string frames) override { links_[static_cast<size_t>(peer)]->send(std::move(frames)); }
  void step(const Message& m, uint64_t id) { driver_.step(m, id); }
  void handle(std::shared_ptr<HttpConn> conn, http::request<http::string_body>& req);
  void log(const std::string& line) const { driver_.log(line); }
  // A WebSocket reader of /events: gets the node's state, then its events as they happen.
  int subscribe(const std::weak_ptr<EventsSession>& session);
  std::weak_ptr<void> events_token() const { return driver_.events_token(); }
  void unsubscribe(int handle) { driver_.events().unsubscribe(handle); }

 private:
  void accept_peers();
  void accept_http();
  void accept_later(std::function<void()> again, const boost::system::error_code& e);
  void propose(std::shared_ptr<HttpConn> conn, Command c, const std::string& key);
  http::response<http::string_body> not_leader(const http::request<http::string_body>& req) const;
  std::string status_json() const;
  std::string block(const std::string& body);
  std::string metrics_text() const;

  Options opt_;
  asio::io_context io_;
  Driver driver_;
  tcp::acceptor raft_acceptor_, http_acceptor_;
  asio::signal_set signals_;
  std::vector<std::unique_ptr<PeerLink>> links_;
  uint64_t requests_ = 0;
};

// One HTTP connection: reads requests (1 MB at most), answers each, keeps the connection for the next.
class HttpConn : public std::enable_shared_from_this<HttpConn> {
 public:
  HttpConn(tcp::socket socket, Server& server) : stream_(std::move(socket)), server_(server) {}
  void start() { read(); }
  void reply(http::status status, std::string body, const char* type = "application/json") {
    auto res = std::make_shared<http::response<http::string_body>>(status, version_);
    res->set(http::field::server, "raftd");
    res->set(http::field::content_type, type);
    res->keep_alive(keep_alive_);
    res->body() = std::move(body);
    res->prepare_payload();
    send(res);
  }
  void send(std::shared_ptr<http::response<http::string_body>> res) {
    auto self = shared_from_this();
    http::async_write(stream_, *res, [self, res](beast::error_code e, size_t) {
      if (e || !res->keep_alive()) {
        beast::error_code ignored;
        self->stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
        return;
      }
      self->read();
    });
  }
  void error(http::status status, const std::string& message) { reply(status, text(json{{"error", message}})); }

 private:
  void read() {
    parser_.emplace();
    parser_->body_limit(kHttpBodyBytesMax);  // buffer_ may already hold the next pipelined request
    stream_.expires_after(std::chrono::seconds(60));  // an idle or stalled client is let go
    auto self = shared_from_this();
    http::async_read(stream_, buffer_, *parser_, [self](beast::error_code e, size_t) {
      if (e == http::error::end_of_stream || e == asio::error::eof) return;
      if (e == http::error::body_limit) {
        self->keep_alive_ = false;
        return self->error(http::status::payload_too_large, "the body is over 1 MB");
      }
      if (e) {
        self->keep_alive_ = false;
        if (e == asio::error::connection_reset || e == asio::error::operation_aborted) return;
        return self->error(http::status::bad_request, "not an HTTP request: " + e.message());
      }
      http::request<http::string_body> req = self->parser_->release();
      self->version_ = req.version();
      self->keep_alive_ = req.keep_alive();
      if (websocket::is_upgrade(req)) return self->upgrade(std::move(req));
      self->server_.handle(self, req);
    });
  }

  void upgrade(http::request<http::string_body> req);

  beast::tcp_stream stream_;
  Server& server_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  unsigned version_ = 11;
  bool keep_alive_ = true;
};

// A WebSocket reader of /events. Each batch of lines is one text message; a reader that falls
// more than 32 MB behind is closed ("falling behind") rather than let the server's memory grow.
// What it sends is ignored (control calls go through raftctl, which can kill and restart).
class EventsSession : public std::enable_shared_from_this<EventsSession> {
 public:
  EventsSession(tcp::socket socket, Server& server) : ws_(std::move(socket)), server_(server) {}
  ~EventsSession() { close(); }
  void start(http::request<http::string_body> req) {
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& res) { res.set(http::field::server, "raftd"); }));
    ws_.text(true);
    auto self = shared_from_this();
    ws_.async_accept(req, [self](beast::error_code e) {
      if (e) return;
      self->token_ = self->server_.events_token();
      self->handle_ = self->server_.subscribe(self);
      self->read();
    });
  }
  void push(const std::string& lines) {
    if (closed_) return;
    if (queued_ + lines.size() > kEventsQueueBytesMax && !queue_.empty()) {  // a first batch (the state) always goes
      close();
      auto self = shared_from_this();
      ws_.async_close(websocket::close_reason(websocket::close_code::policy_error, "falling behind"), [self](beast::error_code) {});
      return;
    }
    queued_ += lines.size();
    queue_.push_back(lines);
    if (!writing_) write();
  }

 private:
  void close() {
    if (handle_ != 0 && !token_.expired()) server_.unsubscribe(handle_);  // expired: the server is gone
    handle_ = 0;
    closed_ = true;
    queue_.clear();
    queued_ = 0;
  }
  void read() {
    auto self = shared_from_this();
    ws_.async_read(in_, [self](beast::error_code e, size_t) {
      if (e) return self->close();
      self->in_.consume(self->in_.size());
      self->read();
    });
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

  websocket::stream<beast::tcp_stream> ws_;
  Server& server_;
  beast::flat_buffer in_;
  std::deque<std::string> queue_;
  size_t queued_ = 0;
  bool writing_ = false;
  bool closed_ = false;
  int handle_ = 0;
  std::weak_ptr<void> token_;
};

void HttpConn::upgrade(http::request<http::string_body> req) {
  if (req.target() != "/events") {
    keep_alive_ = false;
    return error(http::status::not_found, "WebSocket only on /events, not " + std::string(req.target()));
  }
  std::make_shared<EventsSession>(stream_.release_socket(), server_)->start(std::move(req));
}

int Server::subscribe(const std::weak_ptr<EventsSession>& session) {
  return driver_.events().subscribe(driver_.node(), driver_.cluster_size(), [session](const std::string& lines) {
    if (auto s = session.lock()) s->push(lines);
  });
}

// One incoming peer connection: frames in, steps out.
class PeerConn : public std::enable_shared_from_this<PeerConn> {
 public:
  PeerConn(tcp::socket socket, Server& server) : socket_(std::move(socket)), server_(server) {}
  void read() {
    auto self = shared_from_this();
    socket_.async_read_some(asio::buffer(buf_), [self](boost::system::error_code e, size_t n) {
      if (e) return;
      self->frames_.feed(std::string_view(self->buf_.data(), n));
      Message m;
      std::string error;
      uint64_t id = 0;
      for (;;) {
        const auto r = self->frames_.next(m, error, &id);
        if (r == wire::FrameReader::Result::NeedMore) break;
        if (r == wire::FrameReader::Result::Error) {
          self->server_.log("dropping a peer connection: " + error);
          return;  // the socket closes with the last reference
        }
        self->server_.step(m, id);
      }
      self->read();
    });
  }

 private:
  tcp::socket socket_;
  Server& server_;
  std::array<char, 1 << 16> buf_{};
  wire::FrameReader frames_;
};

int Server::run() {
  if (std::string e = driver_.open(); !e.empty()) {
    log("cannot start: " + e);
    return 1;
  }
  for (size_t i = 0; i < opt_.peers.size(); ++i) links_.push_back(std::make_unique<PeerLink>(io_, opt_.peers[i]));
  boost::system::error_code ec;
  const auto listen = [&](tcp::acceptor& a, const Endpoint& e, const char* what) {
    const tcp::endpoint ep(asio::ip::make_address(e.host, ec), e.port);
    if (ec) return what + std::string(" address ") + endpoint_text(e) + ": " + ec.message();
    a.open(ep.protocol(), ec);
    if (!ec) a.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) a.bind(ep, ec);
    if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
    return ec ? std::string("cannot listen on ") + endpoint_text(e) + " (" + what + "): " + ec.message() : std::string();
  };
  for (const auto& [acceptor, ep, what] :
       {std::tuple<tcp::acceptor*, Endpoint, const char*>{&raft_acceptor_, opt_.peers[static_cast<size_t>(opt_.id - 1)], "peers"},
        {&http_acceptor_, opt_.http[static_cast<size_t>(opt_.id - 1)], "HTTP"}}) {
    if (std::string e = listen(*acceptor, ep, what); !e.empty()) {
      log(e);
      return 1;
    }
  }
  log("serving: peers on " + endpoint_text(opt_.peers[static_cast<size_t>(opt_.id - 1)]) + ", HTTP on " +
      endpoint_text(opt_.http[static_cast<size_t>(opt_.id - 1)]));
  signals_.async_wait([this](boost::system::error_code, int) { io_.stop(); });
  accept_peers();
  accept_http();
  driver_.start();
  io_.run();
  return driver_.exit_code();
}

void Server::accept_peers() {
  raft_acceptor_.async_accept([this](boost::system::error_code e, tcp::socket s) {
    if (e == asio::error::operation_aborted) return;
    if (e) return accept_later([this] { accept_peers(); }, e);
    boost::system::error_code ignored;
    s.set_option(tcp::no_delay(true), ignored);
    std::make_shared<PeerConn>(std::move(s), *this)->read();
    accept_peers();
  });
}

void Server::accept_http() {
  http_acceptor_.async_accept([this](boost::system::error_code e, tcp::socket s) {
    if (e == asio::error::operation_aborted) return;
    if (e) return accept_later([this] { accept_http(); }, e);
    std::make_shared<HttpConn>(std::move(s), *this)->start();
    accept_http();
  });
}

// An accept that failed (out of file descriptors, say) is tried again in 100 ms, not at once: at
// once, it would fail again and spin the loop that serves everyone else.
void Server::accept_later(std::function<void()> again, const boost::system::error_code& e) {
  log("accept failed (" + e.message() + "); trying again in 100 ms");
  auto t = std::make_shared<asio::steady_timer>(io_, std::chrono::milliseconds(100));
  t->async_wait([t, again = std::move(again)](boost::system::error_code) { again(); });
}

http::response<http::string_body> Server::not_leader(const http::request<http::string_body>& req) const {
  const NodeId l = driver_.node().leader_id();
  if (l != kNoNode && l != driver_.node().id()) {
    http::response<http::string_body> res(http::status::temporary_redirect, req.version());
    const Endpoint& e = opt_.http[static_cast<size_t>(l)];
    res.set(http::field::location, "http://" + endpoint_text(e) + std::string(req.target()));
    res.set(http::field::content_type, "application/json");
    res.body() = text(json{{"error", "not the leader"}, {"leader", "s" + std::to_string(l + 1)}});
    res.prepare_payload();
    return res;
  }
  http::response<http::string_body> res(http::status::service_unavailable, req.version());
  res.set(http::field::content_type, "application/json");
  res.set(http::field::retry_after, "1");
  res.body() = text(json{{"error", "no leader known right now (an election is under way or this server is cut off)"}});
  res.prepare_payload();
  return res;
}

// The answer goes out once the command is applied (and the step that applied it is durable), or
// after opt.request_timeout_s with "may or may not have been applied".
void Server::propose(std::shared_ptr<HttpConn> conn, Command c, const std::string& key) {
  const Op op = c.op;
  const ProposeResult r = driver_.propose(std::move(c), [conn, op, key](const ClientReply* reply) {
    if (!reply) {
      return conn->error(http::status::service_unavailable,
                         "no answer in time (leadership changed?): the command may or may not have been applied");
    }
    const ApplyResult& a = reply->result;
    if (op == Op::Get && !a.value) {
      conn->error(http::status::not_found, "no key " + key);
    } else if (op == Op::Cas && !a.cas_swapped) {
      conn->reply(http::status::conflict, text(json{{"error", "the value is not 'from'"}, {"value", a.value ? json(*a.value) : json(nullptr)}}));
    } else {
      json body{{"key", key}, {"index", reply->index}};
      body["value"] = a.value ? json(*a.value) : json(nullptr);
      conn->reply(http::status::ok, text(body));
    }
  });
  if (!r.accepted) conn->error(http::status::service_unavailable, "the leader did not take the command (a transfer or change is under way)");
}

void Server::handle(std::shared_ptr<HttpConn> conn, http::request<http::string_body>& req) {
  ++requests_;
  const std::string target(req.target());
  const auto method = req.method();
  if (target == "/health") return conn->reply(http::status::ok, "ok\n", "text/plain");
  if (target == "/admin/partition" || target == "/admin/heal") {
    if (method != http::verb::post) return conn->error(http::status::method_not_allowed, target + " takes POST");
    const std::string err = block(target == "/admin/heal" ? "{\"block\":[]}" : req.body());
    if (!err.empty()) return conn->error(http::status::bad_request, err);
    return conn->reply(http::status::ok, status_json());
  }
  if (target == "/status") return conn->reply(http::status::ok, status_json());
  if (target == "/metrics") return conn->reply(http::status::ok, metrics_text(), "text/plain; version=0.0.4");
  if (target.rfind("/kv/", 0) != 0) return conn->error(http::status::not_found, "no such path: " + target + " (try /kv/KEY, /status, /health, /metrics)");
  std::string key = target.substr(4);
  bool cas = false;
  if (key.size() > 4 && key.compare(key.size() - 4, 4, "/cas") == 0) {
    key.resize(key.size() - 4);
    cas = true;
  }
  if (std::string p = key_problem(key); !p.empty()) return conn->error(http::status::bad_request, p);
  Command c;
  c.key = key;
  if (cas) {
    if (method != http::verb::post) return conn->error(http::status::method_not_allowed, "cas takes POST");
    const json body = json::parse(req.body(), nullptr, false);
    if (body.is_discarded() || !body.is_object() || !body.contains("from") || !body.contains("to") || !body["from"].is_string() ||
        !body["to"].is_string()) {
      return conn->error(http::status::bad_request, "cas takes a JSON body {\"from\": \"old\", \"to\": \"new\"} with string values");
    }
    c.op = Op::Cas;
    c.expect = body["from"].get<std::string>();
    c.value = body["to"].get<std::string>();
  } else if (method == http::verb::put) {
    c.op = Op::Put;
    c.value = req.body();
  } else if (method == http::verb::get) {
    c.op = Op::Get;
  } else if (method == http::verb::delete_) {
    c.op = Op::Delete;
  } else {
    return conn->error(http::status::method_not_allowed, "use GET, PUT or DELETE on /kv/KEY, or POST on /kv/KEY/cas");
  }
  if (c.value.size() > kHttpBodyBytesMax || c.expect.size() > kHttpBodyBytesMax) return conn->error(http::status::payload_too_large, "the value is over 1 MB");
  if (driver_.node().role() != Role::Leader) {
    auto res = std::make_shared<http::response<http::string_body>>(not_leader(req));
    res->keep_alive(req.keep_alive());
    return conn->send(res);
  }
  propose(conn, std::move(c), key);
}

// {"block": ["s2", "s3"]}: messages to and from these servers are lost from now on ([] heals).
std::string Server::block(const std::string& body) {
  const json j = json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("block") || !j["block"].is_array()) {
    return "expected a JSON body like {\"block\": [\"s2\", \"s3\"]}";
  }
  uint32_t mask = 0;
  for (const json& s : j["block"]) {
    const std::string name = s.is_string() ? s.get<std::string>() : std::string();
    int n = 0;
    if (name.size() >= 2 && name.size() <= 3 && name[0] == 's' && name.find_first_not_of("0123456789", 1) == std::string::npos) n = std::stoi(name.substr(1));
    if (n < 1 || n > static_cast<int>(opt_.peers.size()) || n == opt_.id) {
      return "cannot block '" + (s.is_string() ? name : s.dump(-1, ' ', false, json::error_handler_t::replace)) + "': expected another server, s1..s" + std::to_string(opt_.peers.size());
    }
    mask |= 1u << (n - 1);
  }
  if (mask != driver_.blocked()) log(mask == 0 ? "healed" : "blocking " + j["block"].dump(-1, ' ', false, json::error_handler_t::replace));
  driver_.set_blocked(mask);
  return "";
}

std::string Server::status_json() const {
  const Node& n = driver_.node();
  json s{{"id", "s" + std::to_string(opt_.id)},
         {"role", role_name(n.role())},
         {"term", n.current_term()},
         {"votedFor", n.voted_for() == kNoNode ? json(nullptr) : json("s" + std::to_string(n.voted_for() + 1))},
         {"leader", n.leader_id() == kNoNode ? json(nullptr) : json("s" + std::to_string(n.leader_id() + 1))},
         {"commitIndex", n.commit_index()},
         {"lastApplied", n.last_applied()},
         {"logLength", n.log().last_index()},
         {"snapshotIndex", n.log().snapshot_index()},
         {"walBytes", driver_.wal().bytes()},
         {"walSyncs", driver_.wal().syncs()},
         {"flushes", driver_.metrics().flushes}};
  json blocked = json::array();
  for (int p = 0; p < static_cast<int>(opt_.peers.size()); ++p) {
    if (driver_.blocked() & (1u << p)) blocked.push_back("s" + std::to_string(p + 1));
  }
  s["blocked"] = blocked;
  if (n.role() == Role::Leader) {
    json peers = json::object();
    for (NodeId p = 0; p < static_cast<NodeId>(opt_.peers.size()); ++p) {
      if (p == n.id()) continue;
      const Progress& pr = n.progress(p);
      peers["s" + std::to_string(p + 1)] = json{{"nextIndex", pr.next_index}, {"matchIndex", pr.match_index}};
    }
    s["peers"] = peers;
  }
  return text(s);
}

std::string Server::metrics_text() const {
  const Node& n = driver_.node();
  std::string m;
  const auto line = [&m](const char* name, const char* type, const char* help, double v) {
    m += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n" + name + " " + std::to_string(v) + "\n";
  };
  line("raft_term", "gauge", "currentTerm", static_cast<double>(n.current_term()));
  line("raft_commit_index", "gauge", "commitIndex", static_cast<double>(n.commit_index()));
  line("raft_last_applied", "gauge", "lastApplied", static_cast<double>(n.last_applied()));
  line("raft_is_leader", "gauge", "1 while this server leads", n.role() == Role::Leader ? 1 : 0);
  line("raft_leader_changes_total", "counter", "times this server saw a new leader", static_cast<double>(driver_.metrics().leader_changes));
  line("raft_proposals_total", "counter", "client commands proposed on this server", static_cast<double>(driver_.metrics().proposals));
  line("raft_wal_syncs_total", "counter", "fdatasync calls on the write-ahead log", static_cast<double>(driver_.wal().syncs()));
  m += "# HELP raft_request_seconds time from a client command's arrival to its answer\n# TYPE raft_request_seconds histogram\n";
  const DriverMetrics& dm = driver_.metrics();
  uint64_t cumulative = 0;
  for (size_t b = 0; b < std::size(kLatencyBuckets); ++b) {
    cumulative += dm.latency_counts[b];
    m += "raft_request_seconds_bucket{le=\"" + std::to_string(kLatencyBuckets[b]) + "\"} " + std::to_string(cumulative) + "\n";
  }
  cumulative += dm.latency_counts[std::size(kLatencyBuckets)];
  m += "raft_request_seconds_bucket{le=\"+Inf\"} " + std::to_string(cumulative) + "\n";
  m += "raft_request_seconds_sum " + std::to_string(dm.latency_sum_s) + "\nraft_request_seconds_count " + std::to_string(cumulative) + "\n";
  return m;
}

}  // namespace

std::string parse_endpoints(const std::string& text, std::vector<Endpoint>& out) {
  out.clear();
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find(',', pos);
    if (end == std::string::npos) end = text.size();
    const std::string item = text.substr(pos, end - pos);
    const size_t colon = item.rfind(':');
    if (colon == std::string::npos || colon == 0) return "'" + item + "' is not host:port";
    const std::string port = item.substr(colon + 1);
    if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos || std::stoi(port) > 65535) {
      return "'" + item + "': the port must be a number up to 65535";
    }
    out.push_back(Endpoint{item.substr(0, colon), static_cast<uint16_t>(std::stoi(port))});
    pos = end + 1;
  }
  return "";
}

std::string check(const Options& opt) {
  if (opt.peers.empty()) return "--peers is missing (host:port of every server, s1 first)";
  if (opt.peers.size() > static_cast<size_t>(kNodesMax)) return "at most " + std::to_string(kNodesMax) + " servers";
  if (opt.http.size() != opt.peers.size()) {
    return "--http names " + std::to_string(opt.http.size()) + " servers and --peers " + std::to_string(opt.peers.size()) + "; give one of each per server";
  }
  if (opt.id < 1 || opt.id > static_cast<int>(opt.peers.size())) return "--id must be 1.." + std::to_string(opt.peers.size());
  if (opt.dir.empty()) return "--dir is missing (where this server keeps its log)";
  if (opt.election_timeout_min_ms < 10 || opt.election_timeout_max_ms < opt.election_timeout_min_ms || opt.election_timeout_max_ms > 60'000) {
    return "--election-timeout must be MIN-MAX milliseconds with 10 <= MIN <= MAX <= 60000";
  }
  return "";
}

int serve(const Options& opt) {
  Server s(opt);
  return s.run();
}

}  // namespace raft::raftd
