#!/bin/sh
# make-room.sh NEED_MB FOLDER...: before a stage of `make test` that builds into a scratch
# folder of its own, frees room on the checkout's file system. While less than NEED_MB are
# free, removes the next FOLDER given (scratch folders the coming stage does not use, in the
# order given) and says so. Each stage's scratch folder takes 1.3 to 2.2 GB; a CI machine's
# disk may hold less than all of them (docs/TESTING.md, Disk). Never fails: when nothing is
# left to remove and the room is still short it warns, since the stage may fit anyway.
set -eu
need_mb=$1; shift

free_mb() { df -Pk . | awk 'NR == 2 { print int($4 / 1024) }'; }

for folder in "$@"; do
  free=$(free_mb)
  [ "$free" -ge "$need_mb" ] && exit 0
  [ -d "$folder" ] || continue
  echo "make-room: $free MB free, $need_mb MB wanted: removing $folder ($(du -sh "$folder" | cut -f1))"
  rm -rf "$folder"
done
free=$(free_mb)
if [ "$free" -lt "$need_mb" ]; then
  echo "make-room: warning: only $free MB free, $need_mb MB wanted, and nothing left to remove" >&2
fi
exit 0
