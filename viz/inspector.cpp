// The inspector: everything Figure 2 says a server keeps, for the node clicked, plus its key-value
// state machine and why it last refused a vote or an append, in words.
#include <bit>
#include <cstdarg>
#include <cinttypes>
#include <cstdio>

#include "core/raft/quorum.h"
#include "viz/cluster_view.h"
#include "viz/draw.h"
#include "viz/panels.h"
#include "viz/words.h"

namespace raft::viz {

namespace {

void row(const char* name, const char* hint, const char* fmt, ...) IM_FMTARGS(3);
void row(const char* name, const char* hint, const char* fmt, ...) {
  ImGui::TableNextRow();
  ImGui::TableNextColumn();
  ImGui::TextUnformatted(name);
  if (hint && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", hint);
  ImGui::TableNextColumn();
  va_list ap;
  va_start(ap, fmt);
  ImGui::PushTextWrapPos(0);  // long values (a 15-server voter list) wrap in their cell
  ImGui::TextV(fmt, ap);
  ImGui::PopTextWrapPos();
  va_end(ap);
}

void section(const char* title) {
  ImGui::Spacing();
  ImGui::PushStyleColor(ImGuiCol_Text, to_vec4(color::kAccent));
  ImGui::TextUnformatted(title);
  ImGui::PopStyleColor();
  ImGui::Separator();
}

// Names in a fixed column, values in the rest of the panel's width (wrapped there).
bool begin_kv_table(const char* id) {
  if (!ImGui::BeginTable(id, 2, ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_RowBg)) return false;
  ImGui::TableSetupColumn("k", ImGuiTableColumnFlags_WidthFixed, 130);
  ImGui::TableSetupColumn("v", ImGuiTableColumnFlags_WidthStretch);
  return true;
}

void idle_help(const Ui& ui) {
  const sim::Cluster& c = ui.cluster();
  ImGui::PushTextWrapPos(0);
  ImGui::TextDisabled("Click a server in the cluster view (or its row in the logs) to see its state as in Figure 2 "
                      "of the Raft paper: currentTerm, votedFor, log[], commitIndex, lastApplied and, on a leader, "
                      "nextIndex[] and matchIndex[].");
  ImGui::PopTextWrapPos();
  ImGui::Spacing();
  section("Cluster");
  if (begin_kv_table("##cluster_summary")) {
    const NodeId l = c.leader();
    if (l == kNoNode) row("leader", nullptr, "none right now");
    else row("leader", nullptr, "%s (term %" PRIu64 ")", node_name(l).c_str(), c.node(l).current_term());
    int up = 0;
    for (NodeId i = 0; i < c.size(); ++i) up += c.up(i) ? 1 : 0;
    int gone = 0;
    for (NodeId i = 0; i < c.size(); ++i) gone += c.gone(i) ? 1 : 0;
    if (gone == 0) row("servers up", nullptr, "%d of %d", up, c.size());
    else row("servers up", nullptr, "%d of %d (%d removed)", up, c.size() - gone, gone);
    // Dissertation ch. 4: decisions need a majority of the voters of the configuration in use.
    if (l != kNoNode) {
      const Configuration& k = c.node(l).configuration();
      row("voters", "servers whose votes and copies count (chapter 4)", "%s (majority %d)", node_names(k.voters).c_str(), k.quorum());
      if (k.learners != 0) row("learners", "receive the log but do not vote yet (section 4.2.1)", "%s", node_names(k.learners).c_str());
    }
    const sim::NetworkConfig& net = c.network().config();
    if (ui.lab.attached()) {
      // A live cluster's network and disk are real: TCP on 127.0.0.1, fsync (issue 10).
      row("servers", "real processes (raftd) whose event streams the page mirrors", "raftd on 127.0.0.1");
      if (!c.checking()) row("checker", nullptr, "stopped (see the notice)");
    } else {
      row("latency", nullptr, "%" PRId64 "-%" PRId64 " ms", net.latency_min_us / 1000, net.latency_max_us / 1000);
      row("loss / duplicates", nullptr, "%.0f%% / %.0f%%", net.loss * 100, net.duplicate * 100);
    }
    const sim::DiskConfig& disk = c.config().disk;
    if (disk.on()) {
      row("disk write", "each write to a server's disk takes this long (disk_latency); a server sends nothing that depends on it before",
          "%.1f-%.1f ms", static_cast<double>(disk.write_min_us) / 1000, static_cast<double>(disk.write_max_us) / 1000);
    }
    row("messages in flight", nullptr, "%zu", c.network().in_flight());
    row("client requests", nullptr, "%zu", c.client_ops().size());
    ImGui::EndTable();
  }
  if (ui.vs.show_legend && !ui.vs.legend_in_cluster_view) {
    section("Legend");
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const Rect area{p, ImVec2(p.x + ImGui::GetContentRegionAvail().x, p.y)};
    const bool busy = c.network().in_flight() > kBusyMessages;
    const float h = draw_legend(nullptr, ui.fonts, area, busy);
    draw_legend(ImGui::GetWindowDrawList(), ui.fonts, area, busy);
    ImGui::Dummy(ImVec2(area.width(), h));
  }
}

}  // namespace

void draw_inspector(Ui& ui, const Rect& r) {
  ViewState& vs = ui.vs;
  const sim::Cluster& c = ui.cluster();
  if (!begin_panel("Inspector", r, ui.vs)) {
    ImGui::End();
    return;
  }
  panel_heading("INSPECTOR");
  const NodeId n = vs.selected;
  if (n < 0 || n >= c.size()) {
    ImGui::Separator();
    idle_help(ui);
    ImGui::End();
    return;
  }
  const Node& node = c.node(n);
  const bool up = c.up(n);
  ImGui::SameLine();
  ImGui::PushStyleColor(ImGuiCol_Text, to_vec4(!up ? color::kTextDim
                                             : node.role() == Role::Leader ? color::kLeader
                                             : node.role() == Role::Candidate ? color::kCandidate
                                                                               : color::kText));
  ImGui::Text("%s  %s", node_name(n).c_str(), role_word(c, n));
  ImGui::PopStyleColor();
  ImGui::SameLine();
  const float close_w = ImGui::CalcTextSize("Close").x + 12;
  ImGui::SetCursorPosX(ImGui::GetWindowContentRegionMax().x - close_w);
  if (ImGui::SmallButton("Close")) vs.selected = kNoNode;
  ImGui::Separator();

  section("Persistent state (on disk, survives a crash)");
  if (begin_kv_table("##persistent")) {
    row("currentTerm", "latest term this server has seen", "%" PRIu64, node.current_term());
    if (node.voted_for() == kNoNode) row("votedFor", "candidate that received its vote in currentTerm", "null");
    else row("votedFor", "candidate that received its vote in currentTerm", "%s", node_name(node.voted_for()).c_str());
    row("log[]", "entries; each has a command and the term it was received in", "%" PRIu64 " entries, last term %" PRIu64,
        node.log().last_index(), node.log().last_term());
    // §7 (Log compaction), Figure 12: the snapshot replaces the log up to lastIncludedIndex.
    const Snapshot& snap = node.snapshot();
    if (snap.last_included_index > 0) {
      row("snapshot", "the state machine after lastIncludedIndex; the log before it is gone (section 7)",
          "lastIncludedIndex %" PRIu64 ", lastIncludedTerm %" PRIu64 ", %zu bytes", snap.last_included_index,
          snap.last_included_term, snap.size_bytes());
      row("", nullptr, "log[] holds %" PRIu64 "..%" PRIu64, node.log().first_index(), node.log().last_index());
    } else if (c.config().timing.snapshot_every > 0) {
      row("snapshot", "taken every snapshot_every applied entries (section 7)", "none yet");
    }
    ImGui::EndTable();
  }

  // Dissertation ch. 4 (§4.1): a server uses the latest configuration in its log, committed or not.
  section("Configuration (chapter 4)");
  if (c.gone(n)) {
    ImGui::TextWrapped("Removed: it left the cluster once a configuration without it was committed, and was shut down.");
  } else if (begin_kv_table("##configuration")) {
    const Configuration& k = node.configuration();
    row("voters", "their votes and copies count; a majority decides", "%s", node_names(k.voters).c_str());
    if (k.learners != 0) row("learners", "receive the log, do not vote until caught up (section 4.2.1)", "%s", node_names(k.learners).c_str());
    if (node.configuration_index() == 0) {
      row("from", "where this configuration comes from", node.log().snapshot_index() > 0 ? "its snapshot" : "the bootstrap");
    } else {
      row("from", "a configuration takes effect when appended, not when committed (section 4.1)", "log entry %" PRIu64 "%s",
          node.configuration_index(), node.configuration_committed() ? ", committed" : ", not yet committed");
    }
    if (up && node.role() == Role::Leader && node.deferred_configuration()) {
      row("waiting", "a new leader commits an entry of its term before it changes the configuration (the 2015 fix)",
          "voters %s", node_names(node.deferred_configuration()->voters).c_str());
    }
    ImGui::EndTable();
  }

  section("Volatile state");
  if (begin_kv_table("##volatile")) {
    if (!up) {
      row("", nullptr, c.gone(n) ? "gone: the server was shut down after its removal" : "lost in the crash; rebuilt on restart");
    } else {
      row("commitIndex", "highest log entry known to be committed", "%" PRIu64, node.commit_index());
      row("lastApplied", "highest log entry applied to the state machine", "%" PRIu64, node.last_applied());
      if (node.incoming_snapshot_index() > 0) {
        row("receiving", "a leader's snapshot arriving in InstallSnapshot chunks (Figure 13); lost in a crash",
            "snapshot through %" PRIu64 ": %" PRIu64 " bytes so far", node.incoming_snapshot_index(),
            node.incoming_snapshot_bytes());
      }
      if (node.leader_id() == kNoNode) row("leader", "who this server thinks is leader", "unknown");
      else row("leader", "who this server thinks is leader", "%s", node_name(node.leader_id()).c_str());
      if (node.role() != Role::Leader) {
        const Time left = node.election_timer_started() + node.election_timeout_us() - c.now();
        char a[24], b[24];
        format_duration(a, sizeof a, left > 0 ? left / 1000 * 1000 : 0);  // whole ms: a countdown to read
        format_duration(b, sizeof b, node.election_timeout_us() / 1000 * 1000);
        row("election timer", "randomized timeout; at zero it becomes a candidate", "%s left of %s", a, b);
      }
      if (c.writes_pending(n) > 0) {
        char a[24];
        format_duration(a, sizeof a, c.write_done_at(n) - c.now());
        row("writing to disk", "writes not yet on disk (disk_latency): what it sends or answers waits for them, and a crash loses them",
            "%zu, the next done in %s", c.writes_pending(n), a);
      }
      if (c.clock_rate_permille(n) != 1000) {
        row("clock", "clock drift: its timers run this much faster than real time", "%gx real time",
            c.clock_rate_permille(n) / 1000.0);
      }
      if (node.role() == Role::Leader && c.config().timing.read_mode != ReadMode::Log) {
        row("reads waiting", "reads waiting for a heartbeat round, or for an entry of this term to commit (section 6.4)",
            "%zu (heartbeat round %" PRIu64 ")", node.reads_waiting(), node.read_round());
        if (c.config().timing.read_mode == ReadMode::Lease) {
          char a[24];
          const Time left = node.lease_until() - c.now();
          format_duration(a, sizeof a, left > 0 ? left / 1000 * 1000 : 0);
          row("lease", "reads are answered at once while it holds (section 6.4.1)", left > 0 ? "%s left" : "expired",
              a);
        }
      }
    }
    ImGui::EndTable();
  }

  if (up && node.role() == Role::Candidate) {
    section("Votes in this election");
    int got = 0;
    for (NodeId k = 0; k < c.size(); ++k) got += (node.votes_granted_mask() >> k) & 1u;
    ImGui::Text("%d granted, needs %d (a majority of %d voters)", got, node.configuration().quorum(), node.configuration().voter_count());
    for (NodeId k = 0; k < c.size(); ++k) {
      const bool g = (node.votes_granted_mask() >> k) & 1u, rj = (node.votes_rejected_mask() >> k) & 1u;
      ImGui::PushStyleColor(ImGuiCol_Text, to_vec4(g ? color::kVoteGranted : rj ? color::kVoteRejected : color::kTextDim));
      ImGui::Text("%s %s", node_name(k).c_str(), g ? "yes" : rj ? "no" : "?");
      ImGui::PopStyleColor();
      if (k + 1 < c.size() && (k + 1) % 5 != 0) ImGui::SameLine();
    }
  }

  if (up && node.prevoting()) {
    // §9.6: the round that comes before a candidacy when PreVote is on.
    section("Pre-vote round (section 9.6)");
    const int got = std::popcount(node.prevotes_granted_mask());
    ImGui::TextWrapped("asking for pre-votes for term %" PRIu64 ": %d granted, needs %d. Its own term stays %" PRIu64 ".",
                       node.current_term() + 1, got, node.configuration().quorum(), node.current_term());
  }
  if (up && node.role() == Role::Leader && node.transfer_target() != kNoNode) {
    char d[24];
    format_duration(d, sizeof d, std::max<Time>(0, node.transfer_deadline() - c.now()));
    ImGui::TextColored(to_vec4(color::kWarn), "Handing leadership to %s (section 3.10): proposals refused; gives up in %s",
                       node_name(node.transfer_target()).c_str(), d);
  }

  if (up && node.role() == Role::Leader) {
    section("Leader state (reinitialized after election)");
    if (ImGui::BeginTable("##progress", 4, ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH)) {
      ImGui::TableSetupColumn("peer");
      ImGui::TableSetupColumn("nextIndex");
      ImGui::TableSetupColumn("matchIndex");
      ImGui::TableSetupColumn("mode");
      ImGui::TableHeadersRow();
      for (NodeId k = 0; k < c.size(); ++k) {
        if (k == n || !node.configuration().is_member(k)) continue;  // it replicates to members only (ch. 4)
        const Progress& p = node.progress(k);
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::Text("%s%s%s", node_name(k).c_str(), node.configuration().is_learner(k) ? " (learner)" : "", c.up(k) ? "" : " (down)");
        ImGui::TableNextColumn();
        ImGui::Text("%" PRIu64, p.next_index);
        ImGui::TableNextColumn();
        ImGui::Text("%" PRIu64, p.match_index);
        ImGui::TableNextColumn();
        if (p.mode == Progress::Mode::Snapshot) {
          ImGui::TextDisabled("snapshot %" PRIu64 ": %" PRIu64 "/%zu bytes", p.snapshot_index, p.snapshot_offset,
                              p.snapshot_data ? p.snapshot_data->size() : size_t{0});
        } else {
          ImGui::TextDisabled("%s%s", progress_mode_name(p.mode), p.paused() ? ", waiting" : "");
        }
      }
      ImGui::EndTable();
    }
  }

  section("Why it last said no");
  char words[400];
  ImGui::PushTextWrapPos(0);
  if (describe_vote_rejection(words, sizeof words, node.last_vote_rejection()) > 0) {
    ImGui::TextUnformatted(words);
  } else {
    ImGui::TextDisabled("It has not refused a vote.");
  }
  if (describe_append_rejection(words, sizeof words, node.last_append_rejection()) > 0) {
    ImGui::TextUnformatted(words);
  } else {
    ImGui::TextDisabled("It has not rejected an AppendEntries.");
  }
  ImGui::PopTextWrapPos();

  section("State machine (key-value store)");
  const auto& data = node.kv().data();
  if (!up) {
    ImGui::TextDisabled(c.gone(n) ? "Gone: the server was shut down after its removal."
                                  : "Lost in the crash; rebuilt by re-applying committed entries after restart.");
  } else if (data.empty()) {
    ImGui::TextDisabled("Empty: no command applied yet (lastApplied = %" PRIu64 ").", node.last_applied());
  } else if (ImGui::BeginTable("##kv", 2, ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH)) {
    ImGui::TableSetupColumn("key");
    ImGui::TableSetupColumn("value", ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableHeadersRow();
    int shown = 0;
    for (const auto& kv : data) {
      if (++shown > 200) break;
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(kv.first.c_str());
      ImGui::TableNextColumn();
      ImGui::PushTextWrapPos(0);
      ImGui::TextUnformatted(kv.second.c_str());
      ImGui::PopTextWrapPos();
    }
    ImGui::EndTable();
  }
  ImGui::End();
}

}  // namespace raft::viz
