# shellcheck shell=bash
# Source this file to get the project-local tools first on PATH:
#   . scripts/env.sh
# Everything scripts/setup.sh installs lives in the git-ignored .tools/ folder.
# The npm binaryen wasm-opt must come first: wasm-pack takes the first wasm-opt on PATH,
# and Debian's binaryen writes modules that fail to instantiate.

PAXOSCOPE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PAXOSCOPE_TOOLS="$PAXOSCOPE_ROOT/.tools"
export PAXOSCOPE_ROOT PAXOSCOPE_TOOLS

case ":$PATH:" in
  *":$PAXOSCOPE_TOOLS/bin:"*) ;;
  *) PATH="$PAXOSCOPE_TOOLS/npm/node_modules/.bin:$PAXOSCOPE_TOOLS/bin:$HOME/.cargo/bin:$PATH" ;;
esac
export PATH
