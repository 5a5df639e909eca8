// The cluster view's tooltips and popup menus: what a node or a message in flight is, and what the
// user can do to it. Every choice becomes a recorded command (ui.act) applied after the frame.
#include <cinttypes>
#include <cstdio>

#include "viz/cluster_view.h"
#include "viz/draw.h"
#include "viz/words.h"

namespace raft::viz {

const char* role_word(const sim::Cluster& c, NodeId n) {
  if (c.gone(n)) return "removed";
  if (!c.up(n)) return "crashed";
  const Node& node = c.node(n);
  // Dissertation ch. 4: a follower may be a learner (§4.2.1) or in no configuration it knows of
  // (just started by an add, or an add its log has since lost).
  if (node.role() == Role::Follower && !node.configuration().is_voter(n)) {
    return node.configuration().is_learner(n) ? "learner" : "not a member";
  }
  // §4.2.2: a leader that removed itself leads (without counting itself) until the removal commits.
  if (node.role() == Role::Leader && !node.configuration().is_voter(n)) return "leader, leaving";
  return role_name(node.role());
}

namespace {

// Any client operation, typed as in a scenario file ("cas x 1 2"), sent to this server.
void typed_operation(Ui& ui, NodeId m) {
  ViewState& vs = ui.vs;
  ImGui::SetNextItemWidth(ImGui::CalcTextSize("append key value").x);
  const bool enter = ImGui::InputTextWithHint("##op", "put x 1", vs.op_text, sizeof vs.op_text, ImGuiInputTextFlags_EnterReturnsTrue);
  vs.track("Client op");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("put KEY VALUE, get KEY, append KEY TEXT, cas KEY FROM TO, delete KEY");
  ImGui::SameLine();
  const bool send = ImGui::SmallButton("Send");
  vs.track("Send op");
  if (send || enter) {
    sim::Statement s;
    if (auto err = sim::parse_statement(vs.op_text, ui.cluster().size(), s)) {
      vs.op_error = *err;
    } else if (const auto* op = s.as<sim::stmt::ClientOp>()) {
      sim::stmt::ClientOp via = *op;
      via.via = m;
      ui.act(via);
      vs.op_error.clear();
      ImGui::CloseCurrentPopup();
    } else {
      vs.op_error = "expected a client operation: put, get, append, cas or delete, like 'put x 1'";
    }
  }
  if (!vs.op_error.empty()) {
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + 320);
    ImGui::TextColored(to_vec4(color::kBad), "%s", vs.op_error.c_str());
    ImGui::PopTextWrapPos();
  }
}

}  // namespace

ImU32 role_color(const sim::Cluster& c, NodeId n) {
  if (!c.up(n) || c.gone(n)) return color::kTextDim;
  switch (c.node(n).role()) {
    case Role::Leader: return color::kLeader;
    case Role::Candidate: return color::kCandidate;
    case Role::Follower: return color::kFollower;
  }
  return color::kText;
}

void message_tooltip(const sim::InFlight& f) {
  const Message& m = f.msg;
  char a[16], b[16];
  ImGui::BeginTooltip();
  ImGui::PushStyleColor(ImGuiCol_Text, to_vec4(message_color(m)));
  ImGui::Text("%s", message_type_name(m.type));
  ImGui::PopStyleColor();
  ImGui::SameLine();
  ImGui::TextDisabled("%s -> %s   message #%" PRIu64 "%s", node_name(m.from).c_str(), node_name(m.to).c_str(), f.id,
                      f.duplicate_copy ? " (network duplicate)" : "");
  ImGui::Separator();
  ImGui::Text("term          %" PRIu64, m.term);
  switch (m.type) {
    case MessageType::RequestVote:
    case MessageType::PreVote:
      ImGui::Text("candidateId   %s", node_name(m.from).c_str());
      ImGui::Text("lastLogIndex  %" PRIu64, m.last_log_index);
      ImGui::Text("lastLogTerm   %" PRIu64, m.last_log_term);
      if (m.type == MessageType::PreVote) ImGui::TextDisabled("a pre-vote (section 9.6): changes no term and no vote");
      if (m.transfer) ImGui::TextDisabled("a leadership-transfer campaign (section 3.10)");
      break;
    case MessageType::RequestVoteResponse:
    case MessageType::PreVoteResponse:
      ImGui::Text("voteGranted   %s", m.vote_granted ? "true" : "false");
      break;
    case MessageType::TimeoutNow:
      ImGui::TextDisabled("the leader hands over (section 3.10): start an election now");
      break;
    case MessageType::AppendEntries:
      ImGui::Text("leaderId      %s", node_name(m.from).c_str());
      ImGui::Text("prevLogIndex  %" PRIu64, m.prev_log_index);
      ImGui::Text("prevLogTerm   %" PRIu64, m.prev_log_term);
      if (m.entries.empty()) {
        ImGui::Text("entries[]     none (a heartbeat)");
      } else {
        ImGui::Text("entries[]     %zu (indexes %" PRIu64 "..%" PRIu64 ")", m.entries.size(), m.prev_log_index + 1,
                    m.prev_log_index + m.entries.size());
        char cmd[120];
        for (size_t i = 0; i < m.entries.size() && i < 4; ++i) {
          describe_command(cmd, sizeof cmd, *m.entries[i].cmd);
          ImGui::TextDisabled("  [%" PRIu64 "] term %" PRIu64 ": %s", m.prev_log_index + 1 + i, m.entries[i].term, cmd);
        }
        if (m.entries.size() > 4) ImGui::TextDisabled("  ... and %zu more", m.entries.size() - 4);
      }
      ImGui::Text("leaderCommit  %" PRIu64, m.leader_commit);
      break;
    case MessageType::AppendEntriesResponse:
      ImGui::Text("success       %s", m.success ? "true" : "false");
      if (m.success) {
        ImGui::Text("matchIndex    %" PRIu64, m.match_index);
      } else {
        ImGui::Text("conflictIndex %" PRIu64 " (hint: where the leader should retry)", m.conflict_index);
        ImGui::Text("conflictTerm  %" PRIu64, m.conflict_term);
      }
      break;
    case MessageType::InstallSnapshot:
      ImGui::Text("leaderId           %s", node_name(m.from).c_str());
      ImGui::Text("lastIncludedIndex  %" PRIu64, m.last_included_index);
      ImGui::Text("lastIncludedTerm   %" PRIu64, m.last_included_term);
      ImGui::Text("offset             %" PRIu64, m.offset);
      ImGui::Text("data[]             %zu bytes (of %" PRIu64 ")", m.data.size(), m.snapshot_bytes);
      ImGui::Text("done               %s", m.done ? "true" : "false");
      ImGui::ProgressBar(m.snapshot_bytes == 0 ? 0.0f
                                               : static_cast<float>(m.offset + m.data.size()) / static_cast<float>(m.snapshot_bytes),
                         ImVec2(220, 0));
      break;
    case MessageType::InstallSnapshotResponse:
      ImGui::Text("lastIncludedIndex  %" PRIu64, m.last_included_index);
      ImGui::Text("answers offset     %" PRIu64, m.offset);
      if (m.installed) {
        ImGui::Text("installed          true (matchIndex %" PRIu64 ")", m.match_index);
      } else {
        ImGui::Text("next offset        %" PRIu64 " (the follower holds this many bytes)", m.next_offset);
      }
      break;
  }
  format_time(a, sizeof a, f.sent_at);
  format_time(b, sizeof b, f.deliver_at);
  ImGui::TextDisabled("sent at %s, %s %s", a, f.fate == sim::DropReason::None ? "arrives at" : "was due at", b);
  if (f.fate != sim::DropReason::None) {
    ImGui::PushStyleColor(ImGuiCol_Text, to_vec4(color::kBad));
    ImGui::Text("Will not arrive: %s.", drop_reason_words(f.fate));
    ImGui::PopStyleColor();
  }
  ImGui::TextDisabled("Click to drop, duplicate or delay it.");
  ImGui::EndTooltip();
}

void node_tooltip(const sim::Cluster& c, NodeId n, bool picking) {
  const Node& node = c.node(n);
  ImGui::BeginTooltip();
  ImGui::PushStyleColor(ImGuiCol_Text, to_vec4(role_color(c, n)));
  ImGui::Text("%s  %s", node_name(n).c_str(), role_word(c, n));
  ImGui::PopStyleColor();
  ImGui::Separator();
  ImGui::Text("currentTerm  %" PRIu64, node.current_term());
  if (node.voted_for() == kNoNode) {
    ImGui::Text("votedFor     null");
  } else {
    ImGui::Text("votedFor     %s", node_name(node.voted_for()).c_str());
  }
  ImGui::Text("log          %" PRIu64 " entries (last term %" PRIu64 ")", node.log().last_index(), node.log().last_term());
  if (c.up(n)) {
    ImGui::Text("commitIndex  %" PRIu64, node.commit_index());
    ImGui::Text("lastApplied  %" PRIu64, node.last_applied());
  }
  ImGui::TextDisabled(picking ? "Click to pick it for the group (or unpick it)."
                              : "Click for actions; the inspector shows everything.");
  ImGui::EndTooltip();
}

// Clock drift: the node's timers (election timeout, heartbeat, lease) run faster or slower than
// real time; the network does not.
void clock_menu(Ui& ui, NodeId m) {
  static constexpr struct {
    int permille;
    const char* label;
  } kRates[] = {{250, "0.25x (slow)"}, {500, "0.5x"}, {800, "0.8x"}, {1000, "1x (real time)"}, {1250, "1.25x"},
                {2000, "2x (fast)"}};
  const int now = ui.cluster().clock_rate_permille(m);
  char label[40];
  std::snprintf(label, sizeof label, "Clock rate: %gx", now / 1000.0);
  if (ImGui::BeginMenu(label)) {
    for (const auto& r : kRates) {
      if (ImGui::MenuItem(r.label, nullptr, r.permille == now)) ui.act(sim::make::clock_drift(m, r.permille));
    }
    ImGui::EndMenu();
  }
  ui.vs.track("Clock");
  if (ImGui::IsItemHovered()) {
    ImGui::SetTooltip("Clock drift: this server's timers run this much faster than real time. A lease (Settings > reads) "
                      "trusts clocks to agree.");
  }
}

// A menu item that applies `s`, validated exactly as the statement is (sim::can_apply): when it
// cannot apply it is disabled and its tooltip is the applier's sentence; else `help`, if any.
void statement_item(Ui& ui, const char* label, const sim::Statement& s, const char* track_key, const char* help) {
  std::string why;
  const bool can = sim::can_apply(ui.cluster(), s, &why);
  if (ImGui::MenuItem(label, nullptr, false, can)) ui.act(s);
  ui.vs.track(track_key);
  if (!ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) return;
  if (!can) ImGui::SetTooltip("%s", why.c_str());
  else if (help) ImGui::SetTooltip("%s", help);
}

// Dissertation ch. 4, one server at a time.
void membership_items(Ui& ui, NodeId m) {
  char label[64];
  std::snprintf(label, sizeof label, "Remove %s from the cluster", node_name(m).c_str());
  statement_item(ui, label, sim::make::remove_server(m), "Remove",
                 "The leader appends a configuration without it (section 4.2.2); it takes effect at once.");
  add_server_item(ui);
}

void add_server_item(Ui& ui) {
  char label[64];
  const NodeId next = static_cast<NodeId>(ui.cluster().size());
  std::snprintf(label, sizeof label, "Add a server (%s)", node_name(next).c_str());
  statement_item(ui, label, sim::make::add_server(next), "Add server",
                 "It starts empty and joins as a learner: it gets the log but does not vote until it has caught up "
                 "(section 4.2.1).");
}

void draw_node_menu(Ui& ui) {
  ViewState& vs = ui.vs;
  if (!ImGui::BeginPopup("node_menu")) {
    if (vs.menu_node != kNoNode && !ImGui::IsPopupOpen("node_menu")) vs.menu_node = kNoNode;
    return;
  }
  const sim::Cluster& c = ui.cluster();
  const int n = c.size();
  vs.track_window("node_menu");
  const NodeId m = vs.menu_node;
  if (m >= 0 && m < n && c.gone(m)) {
    ImGui::TextDisabled("%s  removed", node_name(m).c_str());
    ImGui::Separator();
    ImGui::TextUnformatted("It left the cluster for good and was shut down\n(chapter 4); its id is never used again.");
    if (ImGui::MenuItem("Inspect")) vs.selected = m;
    vs.track("Inspect");
  } else if (m >= 0 && m < n) {
    const bool up = c.up(m);
    ImGui::PushStyleColor(ImGuiCol_Text, to_vec4(role_color(c, m)));
    ImGui::Text("%s  %s, term %" PRIu64, node_name(m).c_str(), role_word(c, m), c.node(m).current_term());
    ImGui::PopStyleColor();
    ImGui::Separator();
    if (up) {
      if (ImGui::MenuItem("Crash")) ui.act(sim::make::crash(m));
      vs.track("Crash");
    } else {
      if (ImGui::MenuItem("Restart from disk")) ui.act(sim::make::restart(m));
      vs.track("Restart");
    }
    const bool can_timeout = up && c.node(m).role() != Role::Leader;
    if (ImGui::MenuItem("Force election timeout", nullptr, false, can_timeout)) ui.act(sim::make::timeout(m));
    vs.track("Timeout");
    if (ImGui::IsItemHovered() && !can_timeout) ImGui::SetTooltip(up ? "A leader has no election timer." : "It is down.");
    statement_item(ui, "Transfer leadership here", sim::make::transfer(m), "Transfer", nullptr);  // §3.10
    membership_items(ui, m);
    // §7 (Log compaction): snapshot the state machine now and drop the applied log prefix.
    const bool can_snapshot = up && c.node(m).last_applied() > c.node(m).log().snapshot_index();
    if (ImGui::MenuItem("Take a snapshot now", nullptr, false, can_snapshot)) ui.act(sim::make::take_snapshot(m));
    vs.track("Snapshot");
    if (ImGui::IsItemHovered() && !can_snapshot) {
      ImGui::SetTooltip(up ? "Nothing applied since its last snapshot." : "It is down.");
    }
    char label[48];
    std::snprintf(label, sizeof label, "Send a client request to %s", node_name(m).c_str());
    if (ImGui::MenuItem(label)) ui.act(sim::make::client_request(m, ++vs.requests));
    vs.track("Client request");
    std::snprintf(label, sizeof label, "Send a read to %s", node_name(m).c_str());
    if (ImGui::MenuItem(label)) ui.act(sim::make::client_read(m, vs.requests));
    vs.track("Client read");
    if (ImGui::IsItemHovered()) {
      ImGui::SetTooltip("Reads the key your latest request wrote. How the leader answers depends on Settings > reads.");
    }
    typed_operation(ui, m);
    clock_menu(ui, m);
    std::snprintf(label, sizeof label, "Isolate %s (partition it off)", node_name(m).c_str());
    if (ImGui::MenuItem(label, nullptr, false, n > 1)) ui.act(sim::make::isolate(m, n));
    vs.track("Isolate");
    if (ImGui::MenuItem("Pick for a partition group", nullptr, (vs.group_mask >> m) & 1u)) {
      vs.group_mask ^= 1u << m;
      vs.group_mode = true;
    }
    ImGui::Separator();
    if (ImGui::MenuItem("Inspect")) vs.selected = m;
    vs.track("Inspect");
  }
  ImGui::EndPopup();
}

void draw_message_menu(Ui& ui) {
  ViewState& vs = ui.vs;
  if (!ImGui::BeginPopup("message_menu")) {
    if (vs.menu_message != 0 && !ImGui::IsPopupOpen("message_menu")) vs.menu_message = 0;
    return;
  }
  vs.track_window("message_menu");
  bool found = false;
  ui.cluster().network().for_each_in_flight([&](const sim::InFlight& fl) {
    if (fl.id != vs.menu_message || found) return;
    found = true;
    const Message& m = fl.msg;
    char buf[16];
    ImGui::PushStyleColor(ImGuiCol_Text, to_vec4(message_color(m)));
    ImGui::Text("%s %s  %s -> %s  (#%" PRIu64 ")", message_type_name(m.type), message_label(m, buf, sizeof buf),
                node_name(m.from).c_str(), node_name(m.to).c_str(), fl.id);
    ImGui::PopStyleColor();
    ImGui::Separator();
    if (ImGui::MenuItem("Drop it")) ui.act(sim::make::drop_message(fl.id));
    vs.track("Drop");
    if (ImGui::MenuItem("Duplicate it")) ui.act(sim::make::duplicate_message(fl.id));
    vs.track("Duplicate");
    ImGui::SetNextItemWidth(140);
    ImGui::SliderInt("##delay", &vs.delay_ms, 1, 5000, "%d ms", ImGuiSliderFlags_Logarithmic);
    ImGui::SameLine();
    if (ImGui::Button("Delay it")) {
      ui.act(sim::make::delay_message(fl.id, static_cast<Time>(vs.delay_ms) * 1000));
      ImGui::CloseCurrentPopup();
    }
    vs.track("Delay");
  });
  if (!found) {
    ImGui::TextDisabled("Message #%" PRIu64 " is no longer in flight.", vs.menu_message);
  }
  ImGui::EndPopup();
}

}  // namespace raft::viz
