#!/usr/bin/env bash
# Measures how much the background audit slows a loader that reads every decoded file once in
# order, as transformers' torch.load does: sequential 1 MiB reads through the mount.
#
# Makes a synthetic model of random base and payload shards, FILES x SIZE_MIB MiB each, and records
# the decoded md5s with an unaudited mount. Then it times the loader against fresh mounts with the
# audit off, at the default --audit-rate, and with no rate cap. Each case runs RUNS times.
#
# Usage: bench/audit-impact.sh [FILES] [SIZE_MIB] [RUNS]     (defaults: 4 256 2)
# Needs: a built target/xormount.jar, FUSE, and FILES*SIZE_MIB*2 MiB free under $TMPDIR.
set -euo pipefail
cd "$(dirname "$0")/.."

files=${1:-4}
size_mib=${2:-256}
runs=${3:-2}
work=$(mktemp -d "${TMPDIR:-/tmp}/xormount-bench.XXXXXX")
mnt=$work/mnt
pid=""
cleanup() {
  if grep -q " $mnt " /proc/self/mountinfo 2>/dev/null; then
    fusermount -u "$mnt" 2>/dev/null || fusermount -u -z "$mnt" 2>/dev/null || true
  fi
  [[ -n $pid ]] && kill "$pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work/base" "$work/payload" "$mnt"
for i in $(seq 1 "$files"); do
  name=$(printf 'pytorch_model-%05d-of-%05d.bin' "$i" "$files")
  head -c "$((size_mib << 20))" /dev/urandom > "$work/base/$name"
  head -c "$((size_mib << 20))" /dev/urandom > "$work/payload/$name"
done

start_mount() {
  bin/xormount mount --base "$work/base" --payload "$work/payload" --name bench \
    --state-dir "$work/state-$RANDOM$RANDOM" "$@" "$mnt" > "$work/mount.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 600); do
    grep -q " $mnt " /proc/self/mountinfo && return 0
    sleep 0.1
  done
  echo "bench: mount did not come up: $(cat "$work/mount.log")" >&2
  exit 1
}

stop_mount() {
  bin/xormount unmount "$mnt" > /dev/null
  wait "$pid" || true
  pid=""
}

# Reads every file once with 1 MiB reads and prints MB/s (10^6 bytes).
load_all() {
  local begin end bytes=0
  begin=$(date +%s.%N)
  for f in "$mnt"/bench/*.bin; do
    dd if="$f" of=/dev/null bs=1M status=none
    bytes=$((bytes + $(stat -c %s "$f")))
  done
  end=$(date +%s.%N)
  echo "$bytes $begin $end" | awk '{ printf "%.0f", $1 / 1e6 / ($3 - $2) }'
}

# Waits until the audit has settled every file and prints the seconds that took ("-" with the
# audit off), so the cost of yielding to the loader shows too.
audit_seconds() {
  local begin end
  begin=$(date +%s.%N)
  if grep -q '"mode" : "off"' "$mnt/.xormount-status.json"; then
    echo "-"
    return
  fi
  until grep -q "\"filesDone\" : $files," "$mnt/.xormount-status.json"; do
    sleep 0.2
  done
  end=$(date +%s.%N)
  echo "$begin $end" | awk '{ printf "%.1f", $2 - $1 }'
}

# Record the decoded md5s so the audit has a manifest to check against.
start_mount --audit off
(cd "$mnt/bench" && md5sum -- *.bin) > "$work/bench.md5"
stop_mount

# Warm the source files into the page cache so every case reads from memory, as a second run would.
cat "$work"/base/* "$work"/payload/* > /dev/null

echo "model: $files files x $size_mib MiB; loader: dd bs=1M over each file in turn; $(nproc) cores"
for run in $(seq 1 "$runs"); do
  for case in "off" "background --audit-rate 200" "background --audit-rate 0"; do
    # shellcheck disable=SC2086
    start_mount --audit ${case%% *} $( [[ $case == *" "* ]] && echo "${case#* }" ) --checksums "$work/bench.md5"
    rate=$(load_all)
    audited=$(grep -c '"state" : "verified"' "$mnt/.xormount-status.json" || true)
    after=$(audit_seconds)
    stop_mount
    printf 'run %d  audit %-28s loader %4s MB/s  verified at loader end: %s of %s  audit done %s s later\n' \
      "$run" "$case" "$rate" "$audited" "$files" "$after"
  done
done
