# Shared by the real-process tests; the sourcing script defines fail().
# wait_for DESCRIPTION SECONDS COMMAND...: polls COMMAND until it succeeds, or fails the test.
wait_for() {
  local what=$1 limit=$2 t0=$SECONDS
  shift 2
  until "$@"; do
    [ $((SECONDS - t0)) -lt "$limit" ] || fail "$what: not within $limit s"
    sleep 0.05
  done
}
