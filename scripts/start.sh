#!/bin/sh
# `npm start` and the container's command: the compiled service with its memory settings.
# - glibc gives each thread an arena of its own, and each keeps what its thread freed. One arena
#   for all threads (arena_max=1) keeps the process's native allocations (libuv's pool, V8's
#   threads) in one heap, on transparent huge pages where the kernel offers them in madvise mode
#   (hugetlb=1). argon2's 19 MiB blocks are not there: @node-rs/argon2 has its own allocator,
#   which unmaps each block when its hash ends (src/accounts/password-hasher.ts).
# - V8's old space is capped at MAX_OLD_SPACE_MB (256 by default; the live heap is ~50 MB):
#   without a cap V8 sizes it from the machine's memory and lets garbage pile up to there.
# - After each full collection V8 lets the old space grow by HEAP_GROWING_PERCENT (default 60)
#   of what survived before the next one. Left to itself, V8 picks that from the cap: 30 % with
#   256 MB, so a full collection every 0.7 s under load, on V8's threads and the event loop.
#   Higher: fewer collections, more memory between them (see the README's performance section).
# - V8's young generation (SEMI_SPACE_MB per semi-space, 16 by default): V8 sizes it from the
#   memory it sees, so in a container limited to 250 MB it picked 1 MB semi-spaces, a scavenge 16
#   times as often: ~15 % more CPU per refresh and userinfo. Fixed at the size V8 picks on a larger
#   machine, a container runs as the bench measures (in a 250 MB cgroup: no OOM, see the README).
# - AsyncLocalStorage (oidc-provider keeps each request's context in one) on V8's context frames
#   instead of promise hooks: Node 24's default, behind a flag on Node 22 (probed, so a Node that
#   no longer knows the flag starts without it). Measured: 8-10 % less CPU per refresh and userinfo.
# An operator's own GLIBC_TUNABLES are left alone (set it empty for glibc's defaults).
# Extra arguments go to node (e.g. --cpu-prof).
export GLIBC_TUNABLES="${GLIBC_TUNABLES-glibc.malloc.arena_max=1:glibc.malloc.hugetlb=1}"
context_frames=""
if node --experimental-async-context-frame -e '' 2>/dev/null; then context_frames="--experimental-async-context-frame"; fi
exec node $context_frames --max-old-space-size="${MAX_OLD_SPACE_MB:-256}" --heap-growing-percent="${HEAP_GROWING_PERCENT:-60}" --max-semi-space-size="${SEMI_SPACE_MB:-16}" "$@" dist/src/main.js
