// The page's JavaScript API, in three parts that share this header:
//   api.cpp    commands and queries with their argument checks, and the Embind table
//   share.cpp  the URL hash kept in step with the session, share links, file downloads
//   state.cpp  the session as one plain JS object (state())
// Every call acts on the one App the page shows (raft::shell::app()), between frames, and only
// through its public methods.
#pragma once

#include <emscripten/val.h>

#include <string>

namespace raft::viz {
class App;
}

namespace raft::web {

viz::App& app();
// How a JS value reads in an error message: strings quoted, everything else as String(v) would.
std::string describe(const emscripten::val& v);

// state.cpp
emscripten::val state();
std::string trace_hash();  // 16 hex digits

// share.cpp
std::string share_url();
void apply_url_hash();     // opens the session in the address bar's hash, if it changed
double frame_count();
void download_trace();
void download_scenario();

// attach.cpp: the WebSocket to raftctl lab (issue 10).
std::string attach(const std::string& url);  // "" or why not
void detach();
void attach_after_frame(viz::App& app);       // sends the App's control calls

// Called by the shell's Emscripten backend: before the first frame (a share link in the URL opens
// its session) and after every frame (shell requests; the URL hash follows App::revision()).
void start(viz::App& app);
void after_frame(viz::App& app);

}  // namespace raft::web
