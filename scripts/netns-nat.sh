#!/usr/bin/env bash
# A small internet in network namespaces, for the NAT tests (Tests/EndToEndTests/NATTests):
#
#   alice 10.0.1.2 ── natA (10.0.1.1 | 172.31.100.2, masquerade) ──┐
#                                                                   ├─ public: bridge 172.31.100.1 (relay)
#   bob   10.0.2.2 ── natB (10.0.2.1 | 172.31.100.3, masquerade) ──┘
#
# Each NAT forwards what its LAN starts and whatever belongs to it (conntrack), keeps the
# source port where it can (Linux masquerade), and silently drops everything else: the public
# side has no route to 10.0.0.0/8, so only the relay is reachable from both.
# Names carry a suffix so that runs never collide.
#
#   scripts/netns-nat.sh up <suffix>     create (fails, and leaves nothing, if not allowed)
#   scripts/netns-nat.sh down <suffix>   remove (idempotent)
set -euo pipefail
action=${1:?up or down}
s=${2:?suffix}
ns=(pub$s natA$s natB$s alice$s bob$s)

down() {
  for n in "${ns[@]}"; do ip netns del "$n" 2>/dev/null || true; done
}

up() {
  for n in "${ns[@]}"; do ip netns add "$n"; ip -n "$n" link set lo up; done
  ip -n "pub$s" link add br0 type bridge
  ip -n "pub$s" addr add 172.31.100.1/24 dev br0
  ip -n "pub$s" link set br0 up
  local i=2
  for side in A B; do
    local nat=nat$side$s lan=10.0.$((i - 1))
    local host; [ "$side" = A ] && host=alice$s || host=bob$s
    # WAN: the NAT's outside leg on the public bridge.
    ip link add w$side$s type veth peer name p$side$s
    ip link set w$side$s netns "$nat"
    ip link set p$side$s netns "pub$s"
    ip -n "pub$s" link set p$side$s master br0 up
    ip -n "$nat" addr add 172.31.100.$i/24 dev w$side$s
    ip -n "$nat" link set w$side$s up
    # LAN: the host behind it.
    ip link add l$side$s type veth peer name h$side$s
    ip link set l$side$s netns "$nat"
    ip link set h$side$s netns "$host"
    ip -n "$nat" addr add $lan.1/24 dev l$side$s
    ip -n "$nat" link set l$side$s up
    ip -n "$host" addr add $lan.2/24 dev h$side$s
    ip -n "$host" link set h$side$s up
    ip -n "$host" route add default via $lan.1
    ip netns exec "$nat" sysctl -qw net.ipv4.ip_forward=1
    ip netns exec "$nat" iptables -t nat -A POSTROUTING -o w$side$s -j MASQUERADE
    ip netns exec "$nat" iptables -P FORWARD DROP
    ip netns exec "$nat" iptables -A FORWARD -i l$side$s -o w$side$s -j ACCEPT
    ip netns exec "$nat" iptables -A FORWARD -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
    # Like most home routers: unsolicited packets from outside are dropped silently, not
    # answered with a TCP reset (a reset would tear down a hole punch in progress).
    ip netns exec "$nat" iptables -A INPUT -i w$side$s -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
    ip netns exec "$nat" iptables -A INPUT -i w$side$s -j DROP
    i=$((i + 1))
  done
}

case $action in
  up) trap 'down' ERR; up ;;
  down) down ;;
  *) echo "usage: $0 up|down <suffix>" >&2; exit 2 ;;
esac
