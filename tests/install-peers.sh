#!/usr/bin/env bash
# Installs the programs the interop tests talk to (real peers nobody here
# wrote). Missing ones come from Debian's packages; without root, it says what
# to install and fails, rather than letting a test quietly do without.
set -euo pipefail

# command -> Debian package
declare -A peers=(
  [python3]=python3
  [curl]=curl
  [nc]=netcat-openbsd
  [socat]=socat
  [ss]=iproute2
  [swaks]=swaks
  [fetchmail]=fetchmail
  [lftp]=lftp
  [lynx]=lynx
  [inetutils-telnet]=inetutils-telnet
  [mutt]=mutt
  [tin]=tin
)

missing=()
for command in "${!peers[@]}"; do
  command -v "$command" >/dev/null 2>&1 || missing+=("${peers[$command]}")
done
[ -e /etc/services ] || missing+=(netbase)
# SMTP peers: Postfix's smtp-sink and smtp-source, and aiosmtpd (a module of Debian's own python3).
[ -x /usr/sbin/smtp-sink ] || missing+=(postfix)
/usr/bin/python3 -c 'import aiosmtpd' >/dev/null 2>&1 || missing+=(python3-aiosmtpd)
# Dovecot lives in /usr/sbin, which a user's PATH may lack.
[ -x /usr/sbin/dovecot ] || command -v dovecot >/dev/null 2>&1 || missing+=(dovecot-pop3d)
# Dovecot's IMAP server, for the IMAP client's interop tests.
[ -x /usr/lib/dovecot/imap ] || missing+=(dovecot-imapd)
# FTP interop: pyftpdlib (with pyOpenSSL for its TLS) for Debian's python3, and vsftpd.
/usr/bin/python3 -c 'import pyftpdlib' >/dev/null 2>&1 || missing+=(python3-pyftpdlib)
/usr/bin/python3 -c 'import OpenSSL' >/dev/null 2>&1 || missing+=(python3-openssl)
[ -x /usr/sbin/vsftpd ] || missing+=(vsftpd)
# Gopher: Gophernicus, a real Gopher server for our client (run under socat).
[ -x /usr/sbin/gophernicus ] || missing+=(gophernicus)
# The tests use OpenBSD netcat's -N (close the socket at the end of input).
if command -v nc >/dev/null 2>&1 && ! nc -h 2>&1 | grep -q OpenBSD; then
  missing+=(netcat-openbsd)
fi

# NNTP: INN for the client's interop tests (innd and nnrpd live in /usr/lib/news/bin).
[ -x /usr/lib/news/bin/innd ] || missing+=(inn2)
# Python's nntplib (deprecated, still in 3.11) is part of python3 itself.

# Postfix's smtp-source (load for the SMTP server tests) lives in /usr/sbin.
[ -x /usr/sbin/smtp-source ] || missing+=(postfix)
# Telnet peers: inetutils telnetd (our client logs in to a scripted device through it).
[ -x /usr/sbin/telnetd ] || missing+=(inetutils-telnetd)
# swaks speaks TLS (--tls) only with Perl's Net::SSLeay.
perl -MNet::SSLeay -e 1 2>/dev/null || missing+=(libnet-ssleay-perl)
# Web console browser tests: Debian's chromium, driven by playwright-core from npm (tests/browser).
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)

# playwright-core as tests/browser/package-lock.json pins it (npm ci), unless that version is there already.
browser_modules() {
  local dir
  dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/browser"
  if (cd "$dir" && node -e 'const want = require("./package-lock.json").packages["node_modules/playwright-core"].version;
      process.exit(require("./node_modules/playwright-core/package.json").version === want ? 0 : 1)' 2>/dev/null); then
    return 0
  fi
  echo "test peers: npm ci in $dir"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
}

if [ ${#missing[@]} -eq 0 ]; then
  browser_modules
  echo "test peers: all present"
  exit 0
fi

# One package can serve several commands: ask for each once.
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
echo "test peers: installing ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "test peers: not root; install them with: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# Postfix asks how to configure itself unless told: nothing (only its tools are used).
echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
apt-get update -qq
# inn2's own set-up may fail on a test machine (a host name without a domain, postfix without
# main.cf for newaliases); the tests run innd with a configuration of their own, so only its
# programs matter: install it apart, and check for innd itself.
others=()
for package in "${missing[@]}"; do [ "$package" = inn2 ] || others+=("$package"); done
if [ ${#others[@]} -gt 0 ]; then
  apt-get install -y -qq --no-install-recommends "${others[@]}" >/dev/null
fi
if [[ " ${missing[*]} " == *" inn2 "* ]]; then
  apt-get install -y -qq --no-install-recommends inn2 >/dev/null 2>&1 || true
  [ -x /usr/lib/news/bin/innd ] || { echo "test peers: inn2 did not install /usr/lib/news/bin/innd" >&2; exit 1; }
fi
browser_modules
echo "test peers: installed"
