// The page attached to a live cluster (issue 10): the WebSocket to `raftctl lab` lives in
// JavaScript; what it receives goes to App::attach_text, and the App's control calls go out after
// each frame. Opened by Settings' Attach, by #attach=ws://127.0.0.1:PORT/lab in the address bar,
// or by raft.attach(url). Recordings (.jsonl) open through the file chooser or raft.openRecording.
#include <emscripten.h>
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <string>

#include "viz/app.h"
#include "web/web.h"

namespace raft::web {

namespace {

using emscripten::val;

EM_JS(void, js_attach_open, (const char* url), {
  var u = UTF8ToString(url);
  if (Module.attachSocket) { try { Module.attachSocket.close(); } catch (e) { } }
  var ws;
  try {
    ws = new WebSocket(u);
  } catch (e) {
    setTimeout(function() { Module['attachEnd'](String(e.message || e)); }, 0);
    return;
  }
  Module.attachSocket = ws;
  ws.onmessage = function(m) { if (Module.attachSocket === ws) Module['attachText'](String(m.data)); };
  ws.onclose = function(ev) {
    if (Module.attachSocket !== ws) return;
    Module.attachSocket = null;
    Module['attachEnd'](ev.reason || (ev.wasClean ? "closed" : "no answer from " + u));
  };
});

EM_JS(void, js_attach_send, (const char* text), {
  var ws = Module.attachSocket;
  if (ws && ws.readyState === 1) ws.send(UTF8ToString(text));
});

EM_JS(void, js_attach_close, (), {
  var ws = Module.attachSocket;
  Module.attachSocket = null;
  if (ws) { try { ws.close(); } catch (e) { } }
});

EM_JS(int, js_attach_ready, (), {
  var ws = Module.attachSocket;
  return ws && ws.readyState === 1 ? 1 : 0;
});

// Control calls wait until the socket is open (the first frames after Attach).
void send_calls(viz::App& a) {
  if (!js_attach_ready()) return;
  for (std::string c = a.take_control_call(); !c.empty(); c = a.take_control_call()) js_attach_send(c.c_str());
}

void attach_text(val text) {
  if (text.isString()) app().attach_text(text.as<std::string>());
}

void attach_end(val why) { app().attach_end(why.isString() ? why.as<std::string>().substr(0, 200) : std::string()); }

std::string open_recording(val text) {
  if (!text.isString()) return "openRecording: expected the recording's text (JSON Lines) as a string";
  std::string error;
  if (!app().open_recording(text.as<std::string>(), &error)) return "openRecording: " + error;
  return "";
}

}  // namespace

std::string attach(const std::string& url) {
  // The lab attaches to what `raftctl lab` serves: a WebSocket URL.
  if (url.rfind("ws://", 0) != 0 && url.rfind("wss://", 0) != 0) {
    return "attach: expected a WebSocket URL such as ws://127.0.0.1:7000/lab, got \"" + url.substr(0, 100) + "\"";
  }
  js_attach_close();
  app().attach_begin(url);
  js_attach_open(url.c_str());
  return "";
}

void detach() {
  js_attach_close();
  app().attach_end("detached");
}

void attach_after_frame(viz::App& a) {
  if (a.attach_live()) {
    send_calls(a);
  } else {
    js_attach_close();  // the user opened something else, or a recording: the connection ends
  }
}

namespace {
std::string attach_js(val url) {
  if (!url.isString()) return "attach: expected a WebSocket URL string such as \"ws://127.0.0.1:7000/lab\", got " + describe(url);
  return attach(url.as<std::string>());
}
}  // namespace

EMSCRIPTEN_BINDINGS(raftlab_attach) {
  using emscripten::function;
  function("attach", &attach_js);
  function("detach", &detach);
  function("attachText", &attach_text);
  function("attachEnd", &attach_end);
  function("openRecording", &open_recording);
}

}  // namespace raft::web
