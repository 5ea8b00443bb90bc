#!/usr/bin/env bash
# Installs the programs the interop tests talk to (real peers nobody here
# wrote). Missing ones come from Debian's packages; without root, it says what
# to install and fails, rather than letting a test quietly do without.
set -euo pipefail

# command -> Debian package
declare -A peers=(
  [python3]=python3
  [nc]=netcat-openbsd
  [socat]=socat
  [ss]=iproute2
  [curl]=curl
  [lftp]=lftp
)

missing=()
for command in "${!peers[@]}"; do
  command -v "$command" >/dev/null 2>&1 || missing+=("${peers[$command]}")
done
[ -e /etc/services ] || missing+=(netbase)
# FTP interop: Debian's pyftpdlib (for /usr/bin/python3) and vsftpd.
[ -e /usr/lib/python3/dist-packages/pyftpdlib ] || missing+=(python3-pyftpdlib)
[ -e /usr/lib/python3/dist-packages/OpenSSL ] || missing+=(python3-openssl)
[ -x /usr/sbin/vsftpd ] || missing+=(vsftpd)
# The tests use OpenBSD netcat's -N (close the socket at the end of input).
if command -v nc >/dev/null 2>&1 && ! nc -h 2>&1 | grep -q OpenBSD; then
  missing+=(netcat-openbsd)
fi

if [ ${#missing[@]} -eq 0 ]; then
  echo "test peers: all present"
  exit 0
fi

echo "test peers: installing ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "test peers: not root; install them with: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "test peers: installed"
