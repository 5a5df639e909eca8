// The desktop app's connection to `raftctl lab` (issue 10): one WebSocket, on a thread of its own
// (Boost.Beast), so that the frame loop never waits on the network. The page's is in JavaScript
// (web/attach.cpp); both hand what arrives to viz::App::attach_text.
#pragma once

#include <memory>
#include <string>

namespace raft::shell {

class AttachClient {
 public:
  // Connects to `url` (ws://HOST:PORT/PATH) in the background.
  explicit AttachClient(const std::string& url);
  ~AttachClient();  // closes the connection and joins the thread
  AttachClient(const AttachClient&) = delete;
  AttachClient& operator=(const AttachClient&) = delete;

  // What arrived since the last call. Once the connection has ended, `closed` is true and `why`
  // says how (after the last text).
  std::string take_text(bool& closed, std::string& why);
  // Sends one message (a control call) once the connection is open; dropped after it ended.
  void send(std::string text);

  // "" or why `url` is not a WebSocket URL this client can open.
  static std::string check_url(const std::string& url);

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace raft::shell
