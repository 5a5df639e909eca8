// The cluster view's two files share this: cluster_view.cpp draws the canvas (links, messages,
// nodes, banners, the legend) and handles clicks on it; cluster_menus.cpp holds the tooltips and
// the popups that act on a node or a message.
#pragma once

#include "viz/panels.h"

namespace raft::viz {

// "removed" for a server shut down after its removal, "crashed" for a down one, "learner" or
// "not a member" for a follower that does not vote, else its role.
const char* role_word(const sim::Cluster& c, NodeId n);
ImU32 role_color(const sim::Cluster& c, NodeId n);

void message_tooltip(const sim::InFlight& f);
void node_tooltip(const sim::Cluster& c, NodeId n, bool picking);

// The popups opened by a click on a node (vs.menu_node) or a message (vs.menu_message); each
// closes itself when its target is gone.
void draw_node_menu(Ui& ui);
void draw_message_menu(Ui& ui);
// Menu items for membership changes (dissertation ch. 4): "Remove sN" and "Add a server".
void membership_items(Ui& ui, NodeId n);
void add_server_item(Ui& ui);

}  // namespace raft::viz
