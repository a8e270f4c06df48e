#!/bin/sh
# Installs the Debian packages riskdesk needs to build, test and benchmark, saying
# which; does nothing when all are present. (python3 edits exported models into hostile
# ones in the batch tests; Debian's python3-sklearn, numpy and scipy, run as
# /usr/bin/python3, are the independent computations some tests compare with; postgresql
# is the server the sqlexport batch cases and the bench start on a private socket to run
# exported queries; time measures the bench's peak memory.)
set -eu
pkgs="build-essential pkg-config clang libsqlite3-dev sqlite3 libncurses-dev libreadline-dev
libcjson-dev libcsv-dev liblinear-dev libxgboost-dev libcmocka-dev tmux libclang-rt-14-dev
time python3 python3-sklearn python3-numpy python3-scipy postgresql"
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "riskdesk: installing missing Debian packages:$missing"
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null 2>&1 || { echo "riskdesk: run as root or install:$missing" >&2; exit 1; }
	SUDO=sudo
else
	SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
