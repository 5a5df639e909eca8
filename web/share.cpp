// The URL hash holds the session as scenario text (App::scenario_text()), so the address bar is
// always a share link: a page opened with a hash replays that session, and the hash is rewritten
// after any frame in which App::revision() moved. Also the files the Share menu offers.
#include <emscripten.h>
#include <emscripten/val.h>

#include <cstdint>
#include <cstdlib>
#include <string>

#include "viz/app.h"
#include "web/web.h"

namespace raft::web {

namespace {

using emscripten::val;

struct ShareSync {
  std::string last_hash;   // the hash this page wrote or loaded last (decoded)
  uint64_t revision = 0;   // App::revision() the hash was written for
  long frames = 0;
};
ShareSync sync;

EM_JS(char*, js_url_hash, (), {
  var h = location.hash.replace(/^#/, "");
  try { h = decodeURIComponent(h); } catch (e) { }
  var n = lengthBytesUTF8(h) + 1;
  var p = _malloc(n);
  stringToUTF8(h, p, n);
  return p;
});

std::string url_hash() {
  char* p = js_url_hash();
  std::string s(p);
  std::free(p);
  return s;
}

EM_JS(void, js_set_url_hash, (const char* payload), {
  var h = '#' + encodeURIComponent(UTF8ToString(payload));
  if (location.hash === h) return;
  try { history.replaceState(null, "", h); } catch (e) { location.replace(h); }
});

EM_JS(void, js_download, (const char* name, const char* text, const char* mime), {
  var blob = new Blob([UTF8ToString(text)], {type: UTF8ToString(mime)});
  var a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = UTF8ToString(name);
  document.body.appendChild(a);
  a.click();
  setTimeout(function() { URL.revokeObjectURL(a.href); a.remove(); }, 0);
});

// Where the browser allows it, the clipboard; the console otherwise.
EM_JS(void, js_copy_text, (const char* text), {
  var t = UTF8ToString(text);
  if (navigator.clipboard && navigator.clipboard.writeText) {
    navigator.clipboard.writeText(t).then(function() { console.log("Raft Lab: share link copied"); },
                                          function() { console.log("Raft Lab: share link: " + t); });
  } else {
    console.log("Raft Lab: share link: " + t);
  }
});

void write_url_hash(const std::string& payload) {
  sync.last_hash = payload;
  js_set_url_hash(payload.c_str());
}

// Puts the share link in the address bar and on the clipboard.
void copy_share_link(viz::App& a) {
  write_url_hash(a.scenario_text());
  js_copy_text(share_url().c_str());
}

}  // namespace

void apply_url_hash() {
  const std::string h = url_hash();
  if (h.empty() || h == sync.last_hash) return;
  sync.last_hash = h;
  std::string error;
  app().load_share_payload(h, &error);
}

std::string share_url() {
  const std::string payload = app().scenario_text();
  std::string base = val::global("location")["href"].as<std::string>();
  if (const size_t hash = base.find('#'); hash != std::string::npos) base.resize(hash);
  return base + "#" + val::global("encodeURIComponent")(payload).as<std::string>();
}

double frame_count() { return static_cast<double>(sync.frames); }

void download_trace() { js_download("raftlab-trace.jsonl", app().trace_jsonl().c_str(), "application/x-ndjson"); }
void download_scenario() { js_download("raftlab-session.raft", app().scenario_text().c_str(), "text/plain"); }

void start(viz::App&) {
  apply_url_hash();
  EM_ASM({
    window.addEventListener('hashchange', function() { Module['applyUrlHash'](); });
  });
}

void after_frame(viz::App& a) {
  ++sync.frames;
  switch (a.take_shell_request()) {
    case viz::ShellRequest::None: break;
    case viz::ShellRequest::CopyShareLink: copy_share_link(a); break;
    case viz::ShellRequest::DownloadTrace: download_trace(); break;
    case viz::ShellRequest::DownloadScenario: download_scenario(); break;
  }
  if (a.revision() == sync.revision) return;
  sync.revision = a.revision();
  if (sync.frames == 1) return;  // the session the page opened with: a fresh page keeps a clean URL
  write_url_hash(a.scenario_text());
}

}  // namespace raft::web
