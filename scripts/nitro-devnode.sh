#!/usr/bin/env bash
# Starts a real Nitro dev node (where Docker exists) so the end-to-end suite can run against it:
#   scripts/nitro-devnode.sh                      # start, set up, print the env to export
#   LIEN_RPC_URL=http://127.0.0.1:8547 cargo test -p lien-e2e   # time-travel cases are skipped
# NOT run in our CI: our machines have no Docker engine (the suite runs on stylus-devnode there).
#
# Pinned image and the official dev-node setup (OffchainLabs/nitro-devnode run-dev-node.sh):
# become chain owner, zero the L1 price, then the CREATE2 factory and the StylusDeployer.
# Lien ships no foreign bytecode (the StylusDeployer is BUSL-licensed Solidity), so the two
# system contracts are installed from the official nitro-devnode checkout you point
# NITRO_DEVNODE_DIR at (its stylus-deployer-bytecode.txt and factory transaction).
set -euo pipefail

IMAGE="${NITRO_IMAGE:-offchainlabs/nitro-node:v3.7.1-926f1ab}"
PORT="${PORT:-8547}"
MAX_CODE_SIZE="${MAX_CODE_SIZE:-24576}"   # raise (e.g. 40000) while contracts/size-exceptions.txt lists a contract
DEV_KEY=0xb6b15c8cb491557369f3c7d2c287b053eb229daa9c22138887752191c9520659
RPC="http://127.0.0.1:${PORT}"

command -v docker >/dev/null || { echo "docker is required" >&2; exit 1; }
CAST="${CAST:-$(command -v cast || echo "$(dirname "$0")/../.tools/node_modules/.bin/cast")}"
[ -x "$CAST" ] || npm install --silent --prefix "$(dirname "$0")/../.tools" @foundry-rs/cast

docker run --rm -d --name lien-nitro-dev -p "${PORT}:8547" "$IMAGE" \
  --dev --http.addr 0.0.0.0 --http.api=net,web3,eth,debug --init.dev-max-code-size "$MAX_CODE_SIZE"

for _ in $(seq 1 60); do
  "$CAST" chain-id --rpc-url "$RPC" >/dev/null 2>&1 && break
  sleep 1
done
"$CAST" chain-id --rpc-url "$RPC"

# 1. the dev account becomes chain owner; 2. no L1 data price (estimates stay honest)
"$CAST" send --rpc-url "$RPC" --private-key "$DEV_KEY" 0x00000000000000000000000000000000000000FF 'becomeChainOwner()'
"$CAST" send --rpc-url "$RPC" --private-key "$DEV_KEY" 0x0000000000000000000000000000000000000070 'setL1PricePerUnit(uint256)' 0

# 3. CREATE2 factory and StylusDeployer from the official nitro-devnode files
if [ -n "${NITRO_DEVNODE_DIR:-}" ]; then
  "$CAST" send --rpc-url "$RPC" --private-key "$DEV_KEY" --value 0.1ether 0x3fab184622dc19b6109349b94811493bf2a45362
  "$CAST" publish --rpc-url "$RPC" "$(cat "$NITRO_DEVNODE_DIR/create2-factory-tx.txt" 2>/dev/null || echo 0x)" || true
  "$CAST" send --rpc-url "$RPC" --private-key "$DEV_KEY" 0x4e59b44847b379578588920ca78fbf26c0b4956c \
    "0x0000000000000000000000000000000000000000000000000000000000000000$(tr -d '\n' < "$NITRO_DEVNODE_DIR/stylus-deployer-bytecode.txt" | sed 's/^0x//')"
  [ "$("$CAST" code --rpc-url "$RPC" 0xcEcba2F1DC234f70Dd89F2041029807F8D03A990)" != "0x" ] || { echo "StylusDeployer missing" >&2; exit 1; }
else
  echo "NITRO_DEVNODE_DIR not set: install the CREATE2 factory and StylusDeployer with nitro-devnode's run-dev-node.sh" >&2
fi

echo "export LIEN_RPC_URL=$RPC LIEN_PRIVATE_KEY=$DEV_KEY"
echo "stop with: docker stop lien-nitro-dev"
