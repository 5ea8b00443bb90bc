#!/usr/bin/env python3
"""Python's poplib against a POP3 server: reads the whole maildrop and reports it.

Usage: pop3_poplib_client.py HOST PORT USER PASSWORD [--stls] [--apop SECRET] [--dele N]

Connects (with --stls: upgrades with STLS, certificate not checked: the test
server's is self-signed), logs in with USER/PASS (or APOP), then prints one JSON
object: the capabilities, STAT, LIST, UIDL, each message retrieved (base64 of
the bytes as poplib joins its lines with CRLF), TOP 1 0, and finally marks
message N deleted and quits.
"""
import base64
import json
import poplib
import ssl
import sys


def main() -> int:
    host, port, user, password = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    args = sys.argv[5:]
    pop = poplib.POP3(host, port, timeout=10)
    report = {"welcome": pop.getwelcome().decode()}
    if "--stls" in args:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        report["stls"] = pop.stls(context).decode()
    report["capa"] = sorted(pop.capa().keys())
    if "--apop" in args:
        pop.apop(user, args[args.index("--apop") + 1])
    else:
        pop.user(user)
        pop.pass_(password)
    count, size = pop.stat()
    report["stat"] = [count, size]
    report["list"] = [line.decode() for line in pop.list()[1]]
    report["uidl"] = [line.decode() for line in pop.uidl()[1]]
    messages = []
    for number in range(1, count + 1):
        _, lines, octets = pop.retr(number)
        messages.append({"octets": octets, "data": base64.b64encode(b"\r\n".join(lines) + b"\r\n").decode()})
    report["messages"] = messages
    if count:
        report["top"] = [line.decode("utf-8", "replace") for line in pop.top(1, 0)[1]]
    if "--dele" in args:
        pop.dele(int(args[args.index("--dele") + 1]))
    try:
        pop.retr(count + 1)
    except poplib.error_proto as error:
        report["error"] = error.args[0].decode()
    report["quit"] = pop.quit().decode()
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
