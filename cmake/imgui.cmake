# Dear ImGui 1.86, built once as its own static library from Debian's source package.
set(IMGUI_SOURCES
  ${RAFTLAB_IMGUI_DIR}/imgui.cpp
  ${RAFTLAB_IMGUI_DIR}/imgui_draw.cpp
  ${RAFTLAB_IMGUI_DIR}/imgui_tables.cpp
  ${RAFTLAB_IMGUI_DIR}/imgui_widgets.cpp)
add_library(imgui STATIC ${IMGUI_SOURCES})
target_include_directories(imgui SYSTEM PUBLIC ${RAFTLAB_IMGUI_DIR})
target_compile_definitions(imgui PUBLIC IMGUI_DISABLE_OBSOLETE_FUNCTIONS)
target_compile_options(imgui PRIVATE -w)  # third-party code: its warnings are not ours to fix
if(EMSCRIPTEN)
  # The page ships without ImGui's own debug tools (metrics window, stack tool): no panel opens them.
  target_compile_definitions(imgui PUBLIC IMGUI_DISABLE_FILE_FUNCTIONS IMGUI_DISABLE_METRICS_WINDOW)
endif()

# Platform/renderer backends: only the shell links these.
add_library(imgui_backends STATIC
  ${RAFTLAB_IMGUI_DIR}/backends/imgui_impl_glfw.cpp
  ${RAFTLAB_IMGUI_DIR}/backends/imgui_impl_opengl3.cpp)
target_include_directories(imgui_backends SYSTEM PUBLIC ${RAFTLAB_IMGUI_DIR}/backends)
target_link_libraries(imgui_backends PUBLIC imgui)
if(EMSCRIPTEN)
  target_compile_options(imgui_backends PUBLIC -sUSE_GLFW=3)
  target_link_options(imgui_backends PUBLIC -sUSE_GLFW=3 -sMAX_WEBGL_VERSION=2 -sMIN_WEBGL_VERSION=2)
else()
  find_package(PkgConfig QUIET)
  find_package(OpenGL QUIET)
  if(PkgConfig_FOUND)
    pkg_check_modules(GLFW3 QUIET glfw3)
  endif()
  if(NOT GLFW3_FOUND OR NOT OPENGL_FOUND)
    message(FATAL_ERROR "GLFW/OpenGL development files missing. Run: sudo apt-get install libglfw3-dev libgl-dev pkg-config")
  endif()
  target_include_directories(imgui_backends SYSTEM PUBLIC ${GLFW3_INCLUDE_DIRS})
  target_link_libraries(imgui_backends PUBLIC ${GLFW3_LIBRARIES} OpenGL::GL ${CMAKE_DL_LIBS})
endif()
