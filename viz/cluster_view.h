// The cluster view's two files share this: cluster_view.cpp draws the canvas (links, messages,
// nodes, banners, the legend) and handles clicks on it; cluster_menus.cpp holds the tooltips and
// the popups that act on a node or a message.
#pragma once

#include "viz/panels.h"

namespace raft::viz {

// "crashed" for a down node, else its role.
const char* role_word(const sim::Cluster& c, NodeId n);
ImU32 role_color(const sim::Cluster& c, NodeId n);

void message_tooltip(const sim::InFlight& f);
void node_tooltip(const sim::Cluster& c, NodeId n, bool picking);

// The popups opened by a click on a node (vs.menu_node) or a message (vs.menu_message); each
// closes itself when its target is gone.
void draw_node_menu(Ui& ui);
void draw_message_menu(Ui& ui);

}  // namespace raft::viz
