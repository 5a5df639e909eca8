// raftd --maelstrom: one node of a lin-kv cluster under Maelstrom (github.com/jepsen-io/maelstrom,
// doc/protocol.md), on stdin/stdout: one JSON message per line in, one per line out, logs on
// stderr only.
//
//   init {node_id, node_ids}        -> init_ok; node_ids[i] is Raft server s(i+1)
//   read {key}                      -> read_ok {value}    | error 20 (no such key)
//   write {key, value}              -> write_ok
//   cas {key, from, to}             -> cas_ok             | error 20, or 22 with the current "value"
//   raft {frames}                   between nodes: core/wire frames, base64; no reply
//
// Keys and values are any JSON; the store keeps their JSON text. Every command, reads included,
// goes through the Raft log and is answered once applied, so answers are linearizable. Errors say
// what is known: 11 (temporarily unavailable) only when the command surely did not happen (this
// node does not lead, no leader is known, the leader refused the proposal); 0 (timeout,
// indefinite) when a proposed command got no answer in Options::request_timeout_s; 12 for a
// malformed request; 10 for a type this node does not serve. A line that is not a message is
// reported on stderr and skipped; the node keeps going.
//
// The node is the same Driver as the TCP server's (driver.h): WAL with group commit, persist before
// send, the timer at node.deadline(). The WAL lives in --dir if given, else in a fresh temporary
// directory removed at exit (Maelstrom starts every node fresh for each test and never restarts
// one, so nothing there is worth keeping; a real disk keeps the same code path as the server's).
#pragma once

#include <string>

#include "shell/raftd/server.h"

namespace raft::raftd {

// "" when `opt` is usable in Maelstrom mode (no --id/--peers/--http: init names the cluster).
std::string check_maelstrom(const Options& opt);

// Runs until stdin ends, SIGTERM or SIGINT (then 0), or until the disk fails (then 1).
int serve_maelstrom(const Options& opt);

}  // namespace raft::raftd
