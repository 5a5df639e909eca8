// The native backend: a desktop OpenGL 3.0 window and a `while` loop. A finished frame may be
// saved as a PNG (--screenshot), and the Share menu's requests go to the clipboard and to files.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "shell/attach_client.h"
#include "shell/backend.h"
#include "shell/png.h"
#include "viz/app.h"

#include <GLFW/glfw3.h>

namespace raft::shell {

namespace {

Options g_opt;
bool g_screenshot_ok = true;
std::unique_ptr<AttachClient> g_attach;  // a live cluster's connection (issue 10)

void attach(viz::App& a, const std::string& url) {
  g_attach.reset();
  if (const std::string err = AttachClient::check_url(url); !err.empty()) {
    a.toast(err);
    return;
  }
  a.attach_begin(url);
  g_attach = std::make_unique<AttachClient>(url);
}

// After each frame: what arrived goes to the App, its control calls go out.
void pump_attach(viz::App& a) {
  if (!g_attach) return;
  if (!a.attach_live()) {  // the user opened something else
    g_attach.reset();
    return;
  }
  bool closed = false;
  std::string why;
  const std::string text = g_attach->take_text(closed, why);
  if (!text.empty()) a.attach_text(text);
  for (std::string c = a.take_control_call(); !c.empty(); c = a.take_control_call()) g_attach->send(std::move(c));
  if (closed) {
    a.attach_end(why);
    g_attach.reset();
  }
}

// At exit, a line a test can read: what the attached session showed last.
void report_attached(const viz::App& a) {
  if (!a.attached()) return;
  const sim::Cluster& c = a.lab().cluster();
  const NodeId l = c.leader();
  int up = 0;
  for (NodeId n = 0; n < c.size(); ++n) up += c.up(n) ? 1 : 0;
  std::printf("raftlab: attached to %s: %d servers, %d up, leader %s, %zu records, checker %s\n", a.attach_where().c_str(),
              c.size(), up, l == kNoNode ? "none" : node_name(l).c_str(), a.lab().recording().size(),
              !c.ok() ? "VIOLATED" : c.checking() ? "OK" : "stopped");
}

bool save_screenshot(GLFWwindow* window, const std::string& path, long frames_done) {
  int w = 0, h = 0;
  glfwGetFramebufferSize(window, &w, &h);
  std::vector<uint8_t> rgba(static_cast<size_t>(w) * static_cast<size_t>(h) * 4);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadPixels(0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, rgba.data());
  if (glGetError() != GL_NO_ERROR) {
    std::fprintf(stderr, "raftlab: glReadPixels failed\n");
    return false;
  }
  if (!write_png(path, w, h, rgba)) {
    std::fprintf(stderr, "raftlab: cannot write %s\n", path.c_str());
    return false;
  }
  std::printf("raftlab: wrote %s (%dx%d, %ld frames)\n", path.c_str(), w, h, frames_done);
  return true;
}

bool write_text_file(const char* path, const std::string& text) {
  FILE* f = std::fopen(path, "wb");
  if (!f) return false;
  const bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  return std::fclose(f) == 0 && ok;
}

void save_text(viz::App& a, const char* path, const std::string& text) {
  if (write_text_file(path, text)) {
    std::printf("raftlab: wrote %s\n", path);
    a.toast(std::string("Wrote ") + path + " in the current directory.");
  } else {
    std::fprintf(stderr, "raftlab: cannot write %s\n", path);
    a.toast(std::string("Could not write ") + path + " in the current directory.");
  }
}

void handle_shell_request(GLFWwindow* window, viz::App& a) {
  switch (a.take_shell_request()) {
    case viz::ShellRequest::None: break;
    case viz::ShellRequest::CopyShareLink:
      // No URL on the desktop: the clipboard gets the session as scenario text (the web page's
      // share payload), which loads with --scenario-style text anywhere.
      glfwSetClipboardString(window, a.scenario_text().c_str());
      std::printf("raftlab: copied the session (scenario text) to the clipboard\n");
      a.toast("The session is on the clipboard as scenario text (paste it into a .raft file, or the page's Open).");
      break;
    case viz::ShellRequest::DownloadTrace: save_text(a, "raftlab-trace.jsonl", a.trace_jsonl()); break;
    case viz::ShellRequest::DownloadScenario: save_text(a, "raftlab-session.raft", a.scenario_text()); break;
    case viz::ShellRequest::OpenScenarioFile: break;  // not offered on the desktop (set_can_open_files)
    case viz::ShellRequest::Attach: attach(a, a.attach_url()); break;
    case viz::ShellRequest::Detach:
      g_attach.reset();
      a.attach_end("detached");
      break;
  }
}

}  // namespace

namespace backend {

ContextSpec prepare(const Options& opt) {
  g_opt = opt;
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
  if (opt.frames > 0) glfwWindowHint(GLFW_RESIZABLE, GLFW_FALSE);
  return ContextSpec{"#version 130", opt.width, opt.height};
}

void fail(Failure f) {
  switch (f) {
    case Failure::WindowSystem:
      std::fprintf(stderr, "raftlab: cannot initialize GLFW (no display? under CI run: xvfb-run -a raftlab ...)\n");
      break;
    case Failure::Window: std::fprintf(stderr, "raftlab: cannot create an OpenGL 3.0 window\n"); break;
  }
}

// GLFW reports the cursor in window coordinates, which are the display units here.
Viewport viewport(GLFWwindow* window) {
  Viewport v;
  int ww = 0, wh = 0;
  glfwGetWindowSize(window, &ww, &wh);
  glfwGetFramebufferSize(window, &v.fb_w, &v.fb_h);
  v.display_w = ww > 0 ? ww : 1;
  v.display_h = wh > 0 ? wh : 1;
  v.font_scale = ww > 0 && v.fb_w > 0 ? static_cast<float>(v.fb_w) / static_cast<float>(ww) : 1.0f;
  // Where window coordinates are pixels (X11, Windows), a HiDPI screen's scale is the app's to apply.
  if (v.fb_w == ww) {
    float sx = 1, sy = 1;
    glfwGetWindowContentScale(window, &sx, &sy);
    v.device_scale = sx;
  }
  return v;
}

void finish_frame(GLFWwindow* window, viz::App& app, long frames_done) {
  if (!g_opt.screenshot.empty() && frames_done == g_opt.frames)
    g_screenshot_ok = save_screenshot(window, g_opt.screenshot, frames_done);
  glfwSwapBuffers(window);
  if (frames_done == 1) {
    app.set_can_attach(true);
    if (!g_opt.attach.empty()) attach(app, g_opt.attach);
  }
  handle_shell_request(window, app);
  pump_attach(app);
}

int loop(GLFWwindow* window, const Options& opt, void (*frame)()) {
  for (long n = 0; !glfwWindowShouldClose(window);) {
    frame();
    if (opt.frames > 0 && ++n >= opt.frames) break;
  }
  report_attached(app());
  g_attach.reset();
  shutdown(window);
  return g_screenshot_ok ? 0 : 1;
}

}  // namespace backend
}  // namespace raft::shell
