#!/usr/bin/env bash
# Writes the seed corpus of
# //network_service/requests:restricted_udp_socket_fuzzer: each
# seed is a features byte, then requests written here in protobuf text
# format, encoded by protoc and framed with a 2-byte length. Run from the
# repository root after changing the seeds below; commit what it writes.
set -euo pipefail
out=network_service/requests/fuzz_corpus/restricted_udp_socket
rm -rf "$out"
mkdir -p "$out"

# seed NAME FEATURES_HEX REQUEST_TEXT...
seed() {
  local name=$1 features=$2 request
  shift 2
  printf "\\x$features" >"$out/$name"
  for request in "$@"; do
    local bytes
    bytes=$(mktemp)
    protoc --encode=direct_sockets.v1.UDPSocketRequest proto/udp_socket.proto \
      <<<"$request" >"$bytes"
    local n
    n=$(stat -c %s "$bytes")
    printf "\\x$(printf %02x $((n >> 8)))\\x$(printf %02x $((n & 255)))" \
      >>"$out/$name"
    cat "$bytes" >>"$out/$name"
    rm -f "$bytes"
  done
}

all=0f
seed bound_join_leave $all \
  'request_id: 1 open { bound { local_address: "0.0.0.0" local_port: 5004 } multicast_time_to_live: 2 }' \
  'request_id: 2 join_group { group_address: "239.10.0.1" }' \
  'request_id: 3 join_group { group_address: "239.10.0.2" source_address: "10.0.0.1" }' \
  'request_id: 4 receive_more { num_additional_datagrams: 16 }' \
  'request_id: 5 leave_group { group_address: "239.10.0.1" }'
seed connected_send $all \
  'request_id: 1 open { connected { remote_address: "127.0.0.1" remote_port: 5004 } }' \
  'request_id: 2 send { datagrams { data: "hello" } datagrams { data: "world" } }'
seed numeric_host $all \
  'request_id: 1 open { connected { remote_address: "4026531834" remote_port: 1900 } }'
seed mapped_group $all \
  'request_id: 1 open { bound { local_address: "::" local_port: 0 ipv6_only: false } }' \
  'request_id: 2 send { datagrams { data: "x" remote_address: "::ffff:239.11.0.1" remote_port: 5004 } }' \
  'request_id: 3 send { datagrams { data: "x" remote_address: "::ffff:239.10.0.1" remote_port: 5004 } }'
seed rate_held $all \
  'request_id: 1 open { bound { local_address: "127.0.0.1" local_port: 0 } multicast_loopback: false }' \
  'request_id: 2 send { datagrams { data: "a" remote_address: "239.10.0.9" remote_port: 5005 } datagrams { data: "b" remote_address: "239.10.0.9" remote_port: 5005 } datagrams { data: "c" remote_address: "127.0.0.1" remote_port: 5005 } }'
seed join_before_open $all \
  'request_id: 1 join_group { group_address: "239.10.0.1" }'
seed privileged_port $all \
  'request_id: 1 open { bound { local_address: "0.0.0.0" local_port: 80 } }'
seed no_features 00 \
  'request_id: 1 open { bound { local_address: "0.0.0.0" local_port: 5004 } }' \
  'request_id: 2 join_group { group_address: "239.10.0.1" }'
seed sockets_only 01 \
  'request_id: 1 open { connected { remote_address: "localhost" remote_port: 5004 } }' \
  'request_id: 2 send { datagrams { data: "x" } }'
seed ipv6_ssm $all \
  'request_id: 1 open { bound { local_address: "::" local_port: 5006 ipv6_only: true } }' \
  'request_id: 2 join_group { group_address: "ff3e::1234" source_address: "fd00::1" }' \
  'request_id: 3 join_group { group_address: "ff3e::1234" }'
seed sharing_and_buffers $all \
  'request_id: 1 open { bound { local_address: "0.0.0.0" local_port: 5353 } multicast_allow_address_sharing: true send_buffer_size: 4294967295 receive_buffer_size: 1 }' \
  'request_id: 2 join_group { group_address: "224.0.0.251" }' \
  'request_id: 3 open { connected { remote_address: "127.0.0.1" remote_port: 1 } }'
echo "wrote $(ls "$out" | wc -l) seeds to $out"
