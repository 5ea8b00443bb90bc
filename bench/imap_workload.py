"""One round of bench/imap.sh's IMAP workload with Python's imaplib, against one server.

Usage: imap_workload.py PORT USER PASSWORD
Prints one line: total seconds, messages, body octets, search hits, then each
command's wall time as NAME=SECONDS (login select summaries bodies search store logout).
"""
import imaplib
import sys
import time

port, user, password = int(sys.argv[1]), sys.argv[2], sys.argv[3]
steps = []
start = last = time.perf_counter()


def step(name):
    global last
    now = time.perf_counter()
    steps.append(f"{name}={now - last:.4f}")
    last = now


imap = imaplib.IMAP4("127.0.0.1", port, timeout=60)
imap.login(user, password)
step("login")
typ, data = imap.select("INBOX")
count = int(data[0])
step("select")
typ, summaries = imap.fetch("1:*", "(ENVELOPE BODYSTRUCTURE FLAGS)")
assert typ == "OK" and len(summaries) >= count, (typ, len(summaries))
step("summaries")
typ, bodies = imap.fetch("1:*", "(BODY.PEEK[])")
octets = sum(len(part[1]) for part in bodies if isinstance(part, tuple))
step("bodies")
typ, found = imap.search(None, "SUBJECT", '"message 5"')
hits = len(found[0].split())
step("search")
assert imap.store("1:*", "+FLAGS", "(\\Flagged)")[0] == "OK"
assert imap.store("1:*", "-FLAGS", "(\\Flagged)")[0] == "OK"
step("store")
imap.logout()
step("logout")
print(f"{time.perf_counter() - start:.4f} {count} {octets} {hits} " + " ".join(steps), flush=True)
