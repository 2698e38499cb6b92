# Outbound NAT for the test bed's bridge, so RUN steps under dockerd (no --network host) reach the
# Go module proxy like steps under buildkitd do. dockerd keeps --iptables=false: the rules are ours,
# in two chains of our own, and `down` removes them. Forwarded traffic from the bridge may go to
# public addresses and to the host's DNS servers (port 53) only; private, shared and link-local
# ranges and the host's own networks are rejected, so a build never reaches the machine's neighbours.

NAT_FORWARD_CHAIN=GOPHERFILE-FORWARD
NAT_POSTROUTING_CHAIN=GOPHERFILE-POSTROUTING
NAT_IP_FORWARD_STATE="$GOPHERFILE_RUN_DIR/ip_forward.before"
# RFC 1918, shared address space (RFC 6598), link-local (cloud metadata services live there).
NAT_PRIVATE_RANGES=(10.0.0.0/8 172.16.0.0/12 192.168.0.0/16 100.64.0.0/10 169.254.0.0/16)

ipt() {
  iptables -w 10 "$@"
}

# The bridge's network (10.213.213.0/24 for 10.213.213.1/24).
bridge_subnet() {
  local ip="${GOPHERFILE_BRIDGE_CIDR%/*}" bits="${GOPHERFILE_BRIDGE_CIDR#*/}" a b c d mask n
  IFS=. read -r a b c d <<<"$ip"
  n=$(((a << 24) | (b << 16) | (c << 8) | d))
  mask=$(((0xffffffff << (32 - bits)) & 0xffffffff))
  n=$((n & mask))
  printf '%d.%d.%d.%d/%s' $((n >> 24 & 255)) $((n >> 16 & 255)) $((n >> 8 & 255)) $((n & 255)) "$bits"
}

# IPv4 nameservers of the host that RUN steps will be given (dockerd drops loopback ones and then
# falls back to public resolvers, which need no exception).
host_nameservers() {
  awk '$1 == "nameserver" && $2 ~ /^[0-9.]+$/ && $2 !~ /^127\./ {print $2}' /etc/resolv.conf 2>/dev/null | sort -u
}

# Networks the host is attached to, other than our bridge (e.g. the LAN and its gateway).
host_networks() {
  ip -4 route show scope link 2>/dev/null |
    awk -v bridge="$GOPHERFILE_BRIDGE" '$1 ~ /^[0-9.]+\/[0-9]+$/ && $0 !~ (" dev " bridge "( |$)") {print $1}' | sort -u
}

# One rule spec per line, in order, for the filter chain.
nat_forward_rules() {
  local ns net
  printf '%s\n' "-o $GOPHERFILE_BRIDGE -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT"
  printf '%s\n' "-i $GOPHERFILE_BRIDGE -o $GOPHERFILE_BRIDGE -j ACCEPT"
  for ns in $(host_nameservers); do
    printf '%s\n' "-i $GOPHERFILE_BRIDGE -d $ns/32 -p udp -m udp --dport 53 -j ACCEPT"
    printf '%s\n' "-i $GOPHERFILE_BRIDGE -d $ns/32 -p tcp -m tcp --dport 53 -j ACCEPT"
  done
  for net in "${NAT_PRIVATE_RANGES[@]}" $(host_networks); do
    printf '%s\n' "-i $GOPHERFILE_BRIDGE -d $net -j REJECT --reject-with icmp-admin-prohibited"
  done
  printf '%s\n' "-i $GOPHERFILE_BRIDGE -j ACCEPT"
}

nat_postrouting_rules() {
  printf '%s\n' "-s $(bridge_subnet) ! -o $GOPHERFILE_BRIDGE -j MASQUERADE"
}

# Makes CHAIN in TABLE hold exactly RULES (one spec per line) and TABLE's PARENT chain jump to it
# first. Checks before it changes anything, so a warm run rewrites nothing. Prints "kept" or "set".
ensure_chain() {
  local table="$1" parent="$2" chain="$3" rules="$4" rule current=1 count
  # shellcheck disable=SC2086 # rule specs are word lists
  if ipt -t "$table" -S "$chain" >/dev/null 2>&1; then
    count="$(ipt -t "$table" -S "$chain" | grep -c '^-A ')"
    [[ "$count" == "$(grep -c . <<<"$rules")" ]] || current=""
    while [[ -n "$current" ]] && read -r rule; do
      ipt -t "$table" -C "$chain" $rule 2>/dev/null || current=""
    done <<<"$rules"
  else
    ipt -t "$table" -N "$chain" || return 1
    current=""
  fi
  if [[ -z "$current" ]]; then
    ipt -t "$table" -F "$chain" || return 1
    while read -r rule; do
      ipt -t "$table" -A "$chain" $rule || return 1
    done <<<"$rules"
  fi
  if ! ipt -t "$table" -C "$parent" -j "$chain" 2>/dev/null; then
    ipt -t "$table" -I "$parent" 1 -j "$chain" || return 1
    current=""
  fi
  if [[ -n "$current" ]]; then printf kept; else printf set; fi
}

remove_chain() {
  local table="$1" parent="$2" chain="$3"
  while ipt -t "$table" -C "$parent" -j "$chain" 2>/dev/null; do
    ipt -t "$table" -D "$parent" -j "$chain"
  done
  if ipt -t "$table" -S "$chain" >/dev/null 2>&1; then
    ipt -t "$table" -F "$chain"
    ipt -t "$table" -X "$chain"
  fi
}

ensure_nat() {
  local log forward masquerade
  log="$(log_path nat)"
  command -v iptables >/dev/null || fail nat "" "no iptables; it comes with the iptables package"
  if [[ "$(sysctl -n net.ipv4.ip_forward)" != 1 ]]; then
    # Remember that it was off, so `down` turns it off again (and only then).
    [[ -e "$NAT_IP_FORWARD_STATE" ]] || printf '0\n' >"$NAT_IP_FORWARD_STATE"
    sysctl -q -w net.ipv4.ip_forward=1 >>"$log" 2>&1 || fail nat "$log" "cannot enable net.ipv4.ip_forward"
  fi
  forward="$(ensure_chain filter FORWARD "$NAT_FORWARD_CHAIN" "$(nat_forward_rules)" 2>>"$log")" ||
    fail nat "$log" "cannot set the filter rules of chain $NAT_FORWARD_CHAIN (iptables $(iptables --version | awk '{print $2, $3}'))"
  masquerade="$(ensure_chain nat POSTROUTING "$NAT_POSTROUTING_CHAIN" "$(nat_postrouting_rules)" 2>>"$log")" ||
    fail nat "$log" "cannot set the MASQUERADE rule of chain $NAT_POSTROUTING_CHAIN"
  report nat "$(bridge_subnet)" "MASQUERADE via $NAT_POSTROUTING_CHAIN ($masquerade), filter $NAT_FORWARD_CHAIN ($forward), ip_forward=1"
}

remove_nat() {
  if command -v iptables >/dev/null; then
    remove_chain filter FORWARD "$NAT_FORWARD_CHAIN"
    remove_chain nat POSTROUTING "$NAT_POSTROUTING_CHAIN"
  fi
  if [[ "$(cat "$NAT_IP_FORWARD_STATE" 2>/dev/null)" == 0 ]]; then
    sysctl -q -w net.ipv4.ip_forward=0
  fi
  rm -f "$NAT_IP_FORWARD_STATE"
}
