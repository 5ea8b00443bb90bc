"""Python's imaplib against a NetKit IMAP server: the steps a real script takes.

Usage: imap_client.py PORT USER PASSWORD
Prints one line per step ("step: result") so the test can check each; exits non-zero on any failure.
The first message in INBOX must be the one the test delivered; its SHA-256 is printed byte-exact.
"""
import hashlib
import imaplib
import socket
import sys

port, user, password = int(sys.argv[1]), sys.argv[2], sys.argv[3]
m = imaplib.IMAP4("127.0.0.1", port, timeout=20)
print("capability:", " ".join(c for c in m.capabilities))
typ, _ = m.login(user, password)
print("login:", typ)

typ, data = m.list()
print("list:", typ, len(data), " | ".join(d.decode() for d in data))

typ, data = m.select("INBOX")
print("select:", typ, data[0].decode())

typ, data = m.search(None, "ALL")
print("search all:", data[0].decode())
typ, data = m.search("UTF-8", "SUBJECT", "interop")
print("search subject:", data[0].decode())

typ, data = m.fetch("1", "(RFC822)")
raw = data[0][1]
print("fetch rfc822:", typ, len(raw), hashlib.sha256(raw).hexdigest())

typ, data = m.uid("FETCH", "1", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
print("uid fetch header:", data[0][1].decode().strip())

typ, data = m.store("1", "+FLAGS", "(\\Flagged \\Seen)")
print("store:", typ, data[0].decode())

typ, data = m.copy("1", "Archive")
print("copy:", typ)

typ, data = m.append("INBOX", "(\\Draft)", imaplib.Time2Internaldate(1700000000), b"Subject: appended by imaplib\r\n\r\nhello\r\n")
print("append:", typ, data[0].decode())

typ, data = m.store("1", "+FLAGS", "(\\Deleted)")
typ, data = m.expunge()
print("expunge:", typ, [d.decode() for d in data if d])

typ, data = m.select("Archive", readonly=True)
print("archive:", data[0].decode())
typ, data = m.fetch("1", "(FLAGS)")
print("archive flags:", data[0].decode())

# IDLE through raw commands (imaplib has no idle before Python 3.14): the test delivers a message meanwhile.
m.select("INBOX")
tag = m._new_tag().decode()
m.send(f"{tag} IDLE\r\n".encode())
print("idle:", m.readline().decode().strip())
sys.stdout.flush()  # the test delivers a message when it reads this line
print("idle event:", m.readline().decode().strip())
m.send(b"DONE\r\n")
while True:
    line = m.readline().decode().strip()
    if line.startswith(tag):
        print("idle done:", line)
        break

m.logout()
print("logout: OK")
