#!/usr/bin/env bash
# A local network in network namespaces, for the mDNS test (Tests/EndToEndTests/LANTests):
#
#   lanA<s> 192.168.77.2 ──┐
#                          ├── bridge in lanBr<s>
#   lanB<s> 192.168.77.3 ──┘
#
# Multicast (224.0.0.0/4) goes out of each host's only interface. Nothing else is routed.
#   scripts/netns-lan.sh up <suffix> | down <suffix>
set -euo pipefail
action=${1:?up or down}
s=${2:?suffix}
ns=(lanBr$s lanA$s lanB$s)

down() { for n in "${ns[@]}"; do ip netns del "$n" 2>/dev/null || true; done; }

up() {
  for n in "${ns[@]}"; do ip netns add "$n"; ip -n "$n" link set lo up; done
  ip -n "lanBr$s" link add br0 type bridge
  ip -n "lanBr$s" link set br0 up
  local i=2
  for host in A B; do
    ip link add v$host$s type veth peer name b$host$s
    ip link set v$host$s netns "lan$host$s"
    ip link set b$host$s netns "lanBr$s"
    ip -n "lanBr$s" link set b$host$s master br0 up
    ip -n "lan$host$s" addr add 192.168.77.$i/24 dev v$host$s
    ip -n "lan$host$s" link set v$host$s up
    ip -n "lan$host$s" route add 224.0.0.0/4 dev v$host$s
    i=$((i + 1))
  done
}

case $action in
  up) trap 'down' ERR; up ;;
  down) down ;;
  *) echo "usage: $0 up|down <suffix>" >&2; exit 2 ;;
esac
