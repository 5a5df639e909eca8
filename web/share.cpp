// The URL hash holds the session as scenario text (App::scenario_text()), so the address bar is
// always a share link: a page opened with a hash replays that session, and the hash is rewritten
// after any frame in which App::revision() moved. Also the files the Share menu offers.
#include <emscripten.h>
#include <emscripten/val.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "viz/app.h"
#include "viz/tour.h"
#include "web/web.h"

namespace raft::web {

namespace {

using emscripten::val;

struct ShareSync {
  std::string last_hash;   // the hash this page wrote or loaded last (decoded)
  uint64_t revision = 0;   // App::revision() the hash was written for
  uint64_t progress = 0;   // TourState::progress_serial last stored
  float ui_zoom = 1;       // App::ui_zoom() last stored
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

// While the tour is open the address bar names its step (#tour=2.3), readable as written.
EM_JS(void, js_set_raw_url_hash, (const char* h), {
  var s = '#' + UTF8ToString(h);
  if (location.hash === s) return;
  try { history.replaceState(null, "", s); } catch (e) { location.replace(s); }
});

std::string tour_hash(const viz::TourState& t) {
  return "tour=" + std::to_string(t.chapter + 1) + "." + std::to_string(t.step + 1);
}

// Exercise progress in the browser's local storage (absent or refused, e.g. some file:// pages:
// progress lasts for the visit only).
EM_JS(char*, js_load_progress, (), {
  var v = "";
  try { v = localStorage.getItem("raftlab.exercises") || ""; } catch (e) { }
  var n = lengthBytesUTF8(v) + 1;
  var p = _malloc(n);
  stringToUTF8(v, p, n);
  return p;
});
EM_JS(void, js_store_progress, (const char* ids), {
  try { localStorage.setItem("raftlab.exercises", UTF8ToString(ids)); } catch (e) { }
});

// The UI zoom (Ctrl +/-, Settings) in local storage, for the next visit; 0 if none is stored.
EM_JS(double, js_load_ui_zoom, (), {
  var v = null;
  try { v = localStorage.getItem("raftlab.uiZoom"); } catch (e) { }
  var z = parseFloat(v);
  return isFinite(z) ? z : 0;
});
EM_JS(void, js_store_ui_zoom, (double zoom), {
  try { localStorage.setItem("raftlab.uiZoom", String(zoom)); } catch (e) { }
});

// Ids are stored one per line ("01-roles-and-terms/1"); anything else in the value is ignored.
std::vector<std::string> load_progress() {
  char* p = js_load_progress();
  const std::string v(p);
  std::free(p);
  std::vector<std::string> ids;
  size_t pos = 0;
  while (pos < v.size()) {
    size_t end = v.find('\n', pos);
    if (end == std::string::npos) end = v.size();
    if (end > pos && end - pos <= 128) ids.push_back(v.substr(pos, end - pos));
    pos = end + 1;
  }
  return ids;
}

void store_progress(const viz::TourState& t) {
  std::string v;
  for (const std::string& id : t.done) v += id + "\n";
  js_store_progress(v.c_str());
}

// "tour=2.3" -> chapter 2, step 3 (from 1); false if it is not that shape.
bool parse_tour_hash(const std::string& h, int& chapter, int& step) {
  if (h.rfind("tour=", 0) != 0) return false;
  const std::string rest = h.substr(5);
  const size_t dot = rest.find('.');
  const std::string c = rest.substr(0, dot), s = dot == std::string::npos ? "1" : rest.substr(dot + 1);
  const auto number = [](const std::string& x, int& out) {
    if (x.empty() || x.size() > 4 || x.find_first_not_of("0123456789") != std::string::npos) return false;
    out = std::stoi(x);
    return true;
  };
  return number(c, chapter) && number(s, step);
}

// Puts the share link in the address bar and on the clipboard.
void copy_share_link(viz::App& a) {
  write_url_hash(a.scenario_text());
  js_copy_text(share_url().c_str());
}

// The browser's file chooser; the chosen file's text goes to openScenarioFile (api.cpp).
EM_JS(void, js_open_file, (), {
  var input = document.createElement('input');
  input.type = 'file';
  input.accept = '.raft,.jsonl,text/plain,application/x-ndjson';
  input.onchange = function() {
    var f = input.files && input.files[0];
    if (!f) return;
    // A recording (issue 10) by its name; anything else is read as a scenario.
    var recording = /[.](jsonl|ndjson)$/i.test(f.name);
    f.text().then(function(t) { recording ? Module['openRecording'](t) : Module['openScenarioFile'](t, f.name); });
  };
  input.click();
});

}  // namespace

void apply_url_hash() {
  const std::string h = url_hash();
  if (h.empty() || h == sync.last_hash) return;
  sync.last_hash = h;
  std::string error;
  if (h.rfind("attach=", 0) == 0) {  // #attach=ws://127.0.0.1:7000/lab (issue 10)
    const std::string err = attach(h.substr(7));
    if (!err.empty()) app().open_default("This attach link could not be opened (" + err + "). Showing the default cluster instead.");
    return;
  }
  if (h.rfind("tour=", 0) == 0) {
    int chapter = 0, step = 0;
    const std::string err = parse_tour_hash(h, chapter, step) ? app().tour_go(chapter - 1, step - 1)
                                                               : "expected #tour=CHAPTER.STEP, like #tour=2.3";
    if (!err.empty()) app().open_default("This tour link could not be opened (" + err + "). Showing the default cluster instead.");
    return;
  }
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

void start(viz::App& a) {
  a.set_can_open_files(true);
  a.set_can_attach(true);
  a.set_exercises_done(load_progress());
  sync.progress = a.tour().progress_serial;
  if (const double z = js_load_ui_zoom(); z > 0) a.set_ui_zoom(static_cast<float>(z));  // clamped there
  sync.ui_zoom = a.ui_zoom();
  apply_url_hash();
  EM_ASM({
    window.addEventListener('hashchange', function() { Module['applyUrlHash'](); });
  });
}

void after_frame(viz::App& a) {
  ++sync.frames;
  switch (a.take_shell_request()) {
    case viz::ShellRequest::None: break;
    case viz::ShellRequest::CopyShareLink:
      copy_share_link(a);
      a.toast("Share link copied. It is in the address bar too: it opens this run at the moment shown.");
      break;
    case viz::ShellRequest::DownloadTrace:
      download_trace();
      a.toast("Downloading raftlab-trace.jsonl (the trace up to the moment shown).");
      break;
    case viz::ShellRequest::DownloadScenario:
      download_scenario();
      a.toast("Downloading raftlab-session.raft (this session as a scenario file).");
      break;
    case viz::ShellRequest::OpenScenarioFile: js_open_file(); break;
    case viz::ShellRequest::Attach: {
      const std::string err = attach(a.attach_url());
      if (!err.empty()) a.toast(err);
      break;
    }
    case viz::ShellRequest::Detach: detach(); break;
  }
  attach_after_frame(a);
  if (a.tour().progress_serial != sync.progress) {
    sync.progress = a.tour().progress_serial;
    store_progress(a.tour());
  }
  if (a.ui_zoom() != sync.ui_zoom) {
    sync.ui_zoom = a.ui_zoom();
    js_store_ui_zoom(sync.ui_zoom);
  }
  if (a.revision() == sync.revision) return;
  sync.revision = a.revision();
  if (sync.frames == 1) return;  // the session the page opened with: a fresh page keeps a clean URL
  if (a.attached()) {
    // A live session is not a scenario: the address bar names what it is attached to (a recording
    // opened from a file has no link).
    if (a.attach_live()) {
      sync.last_hash = "attach=" + a.attach_where();
      js_set_raw_url_hash(sync.last_hash.c_str());
    }
    return;
  }
  if (a.tour().active) {
    sync.last_hash = tour_hash(a.tour());
    js_set_raw_url_hash(sync.last_hash.c_str());
    return;
  }
  write_url_hash(a.scenario_text());
}

}  // namespace raft::web
