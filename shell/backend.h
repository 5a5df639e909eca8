// The platform under the shared frame (shell/frame.cpp). One implementation per build, chosen by
// CMake: backend_glfw.cpp natively, backend_emscripten.cpp for the page. Both drive GLFW and
// ImGui's GLFW + OpenGL3 backends; they differ in the GL context, sizes, the loop and what a
// finished frame is for (a screenshot and files natively; the URL hash and downloads on the web).
#pragma once

#include "shell/shell.h"

struct GLFWwindow;

namespace raft::shell {

// This frame's sizes.
struct Viewport {
  double display_w = 1, display_h = 1;  // ImGui units: screen coordinates natively, CSS pixels on the web
  int fb_w = 1, fb_h = 1;               // the framebuffer, in pixels
  bool cursor_in_pixels = false;        // GLFW reports the cursor in framebuffer pixels (the web)
  float font_scale = 1;                 // framebuffer pixels per display unit
  float device_scale = 1;               // the screen's scale the window system leaves to the app (HiDPI X11)
};

// The GL context to ask for.
struct ContextSpec {
  const char* glsl_version;  // for ImGui_ImplOpenGL3_Init
  int width, height;         // the window's first size
};

enum class Failure { WindowSystem, Window };

namespace backend {

// Sets GLFW's window hints for this platform's GL context.
ContextSpec prepare(const Options& opt);
// Says why the app cannot start: on stderr natively, on the page on the web.
void fail(Failure f);
// Measures the window (the web also resizes the canvas' drawing buffer to it).
Viewport viewport(GLFWwindow* window);
// After the frame is rendered: show it, and do what only this platform can (screenshot, clipboard
// and files natively; URL hash, downloads and the page's first-frame callback on the web).
void finish_frame(GLFWwindow* window, viz::App& app, long frames_done);
// Calls frame() once per display refresh: natively until the window closes or the requested
// frames are done, then shuts down and returns the exit code; on the web it never returns.
int loop(GLFWwindow* window, const Options& opt, void (*frame)());

}  // namespace backend

// frame.cpp, for the backends: one frame, and the orderly shutdown after the last.
void frame();
void shutdown(GLFWwindow* window);

}  // namespace raft::shell
