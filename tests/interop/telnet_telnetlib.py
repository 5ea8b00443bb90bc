"""Python 3.11's telnetlib (the seed's Telnet client) against a Telnet server.

Usage: telnet_telnetlib.py HOST PORT MODE
  refuse:    telnetlib's default (refuses every option: line mode); reverse, expect, quit, read_all.
  character: an option callback that accepts the server's ECHO and SGA; the server then echoes.
Prints what it saw as JSON on stdout; exits non-zero on any failure.
"""
import json
import re
import sys
import warnings

warnings.simplefilter("ignore", DeprecationWarning)
import telnetlib  # noqa: E402  (deprecated in 3.11, gone in 3.13)

host, port, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
IAC, DO, DONT, WILL, WONT = telnetlib.IAC, telnetlib.DO, telnetlib.DONT, telnetlib.WILL, telnetlib.WONT
ECHO, SGA = telnetlib.ECHO, telnetlib.SGA
negotiated = []


def accept_echo_sga(sock, cmd, opt):
    """Agree to the server's WILL ECHO / WILL SGA; refuse everything else, as telnetlib does."""
    if cmd in (WILL, WONT, DO, DONT):
        negotiated.append((cmd[0], opt[0]))
    if cmd == WILL:
        sock.sendall(IAC + (DO if opt in (ECHO, SGA) else DONT) + opt)
    elif cmd == DO:
        sock.sendall(IAC + WONT + opt)


t = telnetlib.Telnet(host, port, timeout=10)
if mode == "character":
    t.set_option_negotiation_callback(accept_echo_sga)
banner = t.read_until(b"netkit> ", timeout=10)
t.write("reverse ПАЛИНДРОМ\r\n".encode("utf-8"))
index, match, text = t.expect([re.compile(rb"(\S+)\r\nnetkit> ")], timeout=10)
t.write(b"help\r\n")
help_text = t.read_until(b"netkit> ", timeout=10)
t.write(b"quit\r\n")
rest = t.read_all()
t.close()
print(json.dumps({
    "banner": banner.decode("utf-8"),
    "index": index,
    "reversed": match.group(1).decode("utf-8") if match else None,
    "text": text.decode("utf-8", "replace"),
    "help": help_text.decode("utf-8"),
    "rest": rest.decode("utf-8"),
    "negotiated": negotiated,
}, ensure_ascii=False))
