// The shell's one App: the window (or page) shows it, and the page's JavaScript API acts on it.
#pragma once

namespace raft::viz {
class App;
}

namespace raft::shell {

viz::App& app();

}  // namespace raft::shell
