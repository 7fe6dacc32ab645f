#!/bin/sh
# `npm start` and the container's command: the compiled service with its memory settings.
# - argon2id fills 19 MiB per hash on libuv's threads. By default glibc keeps such blocks in
#   per-thread arenas (well over 100 MB that never shrinks). Here allocations from 1 MiB up are
#   mapped and given back at once, on transparent huge pages where the kernel offers them
#   (madvise), which keeps a hash near its normal cost (~21.5 ms instead of 19.5; 26 ms on
#   4 KiB pages).
# - V8's old space is capped at MAX_OLD_SPACE_MB (256 by default; the live heap is ~70 MB):
#   without a cap V8 sizes it from the machine's memory and lets garbage pile up to there.
# An operator's own GLIBC_TUNABLES are left alone (set it empty for glibc's defaults).
# Extra arguments go to node (e.g. --cpu-prof).
export GLIBC_TUNABLES="${GLIBC_TUNABLES-glibc.malloc.mmap_threshold=1048576:glibc.malloc.hugetlb=1}"
exec node --max-old-space-size="${MAX_OLD_SPACE_MB:-256}" "$@" dist/src/main.js
