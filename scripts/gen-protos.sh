#!/usr/bin/env bash
# Regenerates the committed Swift code for every .proto in protos/.
# Needs Debian's protoc (apt-get install protobuf-compiler) and protoc-gen-swift built from
# the swift-protobuf version in Package.swift (1.39.0), outside this repository:
#   git clone <swift-protobuf> /tmp/pgs && cd /tmp/pgs && git checkout 1.39.0 \
#     && swift build -c release --product protoc-gen-swift
# Then: PROTOC_GEN_SWIFT=/tmp/pgs/.build/release/protoc-gen-swift scripts/gen-protos.sh
set -euo pipefail
cd "$(dirname "$0")/.."
plugin=${PROTOC_GEN_SWIFT:-/tmp/pgs/.build/release/protoc-gen-swift}
[ -x "$plugin" ] || { echo "protoc-gen-swift not found at $plugin (see the comment at the top)" >&2; exit 1; }
command -v protoc >/dev/null || { echo "protoc not found: apt-get install protobuf-compiler" >&2; exit 1; }
out=Sources/LibP2PProtos
rm -f "$out"/*.pb.swift
protoc --plugin=protoc-gen-swift="$plugin" --swift_opt=Visibility=Public --swift_out="$out" \
  -I protos/libp2p protos/libp2p/*.proto
ls "$out"
# Variance's own protocols (protos/variance) into VarianceProtos.
out=Sources/VarianceProtos
mkdir -p "$out"
rm -f "$out"/*.pb.swift
protoc --plugin=protoc-gen-swift="$plugin" --swift_opt=Visibility=Public --swift_out="$out" \
  -I protos/variance protos/variance/*.proto
ls "$out"
