"""bench/soak.py: mixed traffic against one running `netkit serve`, with Python's own clients.

Usage: soak.py --smtp P --pop3 P --imap P --ftp P --nntp P [--web P] --seconds S [options]
(bench/soak.sh starts the server and runs this; the test suite runs it for a few seconds.)

Workers (threads, each with its own connections) for S seconds:
  smtp   smtplib: sessions of 1-4 messages (plain ASCII, Cyrillic 8bit, multipart with a
         binary attachment, some with lines starting with a dot, a few near 1 MB) to the
         IMAP and POP3 users, some to two of them at once.
  imap   imaplib, one worker per IMAP user: SELECT, UID SEARCH (ALL, HEADER, LARGER),
         UID FETCH BODY.PEEK[] (byte-exact against what was sent), STORE flags and read them
         back, and when the mailbox fills, \\Deleted + EXPUNGE (then gone from SEARCH).
  pop3   poplib, one worker per POP3 user: STAT/LIST/UIDL agree, RETR byte-exact, TOP,
         DELE of some, sometimes RSET instead of QUIT's commit.
  ftp    ftplib, each worker in its own folder: STOR files of varied sizes (0 B to 2 MB),
         SIZE, RETR with a SHA-256 check, RNFR/RNTO, NLST equal to what we kept, DELE.
  nntp   nntplib: a poster (POST to one group or crossposted to two, Cyrillic subjects) and
         a reader (GROUP, OVER of what is new, ARTICLE by number and by message-id).
  web    http.client on the web console's API (with --web): status, a page of messages and
         their raw bytes, the groups, an article's raw bytes.
Before the clock starts, one pass of each (the priming pass: lazily opened files and
pools exist before the figures start). After it, a final reconciliation: every message
SMTP got 250 for is in its mailbox or was deleted by us, and nothing else with our tag is;
every article that got 240 is readable by message-id and listed once in each of its
groups; every FTP file we kept reads back with its checksum.

With --pid, a sampler thread reads /proc/PID every --sample seconds (RSS, open fds,
threads) and the sizes of the files under --data, into --csv; the summary then gives
RSS after warm-up vs at the end, the least-squares slope, fds and threads, and a verdict.
Exit code: 0 clean and flat, 1 any error, 2 no error but growing.
"""
import argparse
import base64
import csv
import ftplib
import hashlib
import http.client
import imaplib
import io
import json
import os
import poplib
import random
import re
import smtplib
import sys
import threading
import time
import traceback
import warnings

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import nntplib

HOST = "127.0.0.1"
TIMEOUT = 60  # seconds: a server that stalls this long is an error, not a hang
CYRILLIC = "Съешь же ещё этих мягких французских булок, да выпей чаю. Широкая электрификация южных губерний.\r\n"
ASCII = "The quick brown fox jumps over the lazy dog, 0123456789 times.\r\n"


class Soak:
    """The shared ledger: what was sent and acknowledged, what was seen and deleted, counts and errors."""

    def __init__(self, args):
        self.args = args
        self.tag = args.tag
        self.lock = threading.Lock()
        self.ops = {}
        self.errors = {}
        self.error_lines = []
        self.stop = threading.Event()
        self.seq = 0
        self.mail = {}  # soak id -> (bytes, recipients)
        self.mail_acked = {}  # soak id -> recipients that got 250
        self.mail_deleted = set()  # (user, soak id)
        self.mail_seen = set()  # (user, soak id) verified byte for byte at least once
        self.news = {}  # message-id -> (groups, body lines)
        self.news_acked = set()
        self.news_read = 0

    def next_id(self):
        with self.lock:
            self.seq += 1
            return f"{self.tag}-{self.seq}"

    def count(self, proto, n=1):
        with self.lock:
            self.ops[proto] = self.ops.get(proto, 0) + n

    def fail(self, proto, what):
        with self.lock:
            self.errors[proto] = self.errors.get(proto, 0) + 1
            line = f"ERROR {proto} at {time.strftime('%H:%M:%S', time.gmtime())} UTC: {what}"
            self.error_lines.append(line)
        print(line, file=sys.stderr, flush=True)

    def check(self, proto, ok, what):
        if not ok:
            self.fail(proto, what)
        return ok

    def pause(self, rng):
        self.stop.wait(rng.uniform(0, 2 * self.args.pause))


def worker(soak, proto, body, seed):
    """Runs body(rng) until the clock stops; an exception is one error, then a fresh session."""
    rng = random.Random(seed)
    while not soak.stop.is_set():
        try:
            body(rng)
        except Exception as e:  # noqa: BLE001 - every failure is counted and printed
            where = " ".join(getattr(e, "__notes__", []))
            soak.fail(proto, f"{type(e).__name__}: {e} | {traceback.format_exc(limit=3).splitlines()[-3].strip()}{' | ' + where if where else ''}")
            soak.stop.wait(0.5)
        soak.pause(rng)


# ---------------------------------------------------------------- SMTP


def make_message(rng, soak_id, recipients):
    """One message as CRLF bytes; its kind varies. Headers are ASCII (Cyrillic subjects as RFC 2047)."""
    kind = rng.choices(["ascii", "cyrillic", "attachment", "large"], [40, 30, 25, 5])[0]
    subject = f"soak {soak_id} {kind}"
    if kind == "cyrillic":
        subject = "=?utf-8?b?" + base64.b64encode(f"Проверка {soak_id}".encode()).decode() + "?="
    head = (
        f"From: soak@example.org\r\nTo: {', '.join(recipients)}\r\nSubject: {subject}\r\n"
        f"Message-ID: <{soak_id}@soak.example.org>\r\nX-Soak-Id: {soak_id}\r\nMIME-Version: 1.0\r\n"
    )
    if kind == "ascii":
        lines = [ASCII] * rng.randint(0, 60) + [".a line that starts with a dot\r\n", ".\r\n", "end\r\n"]
        return (head + "Content-Type: text/plain; charset=us-ascii\r\n\r\n" + "".join(lines)).encode()
    if kind == "cyrillic":
        text = CYRILLIC * rng.randint(1, 200)
        return (head + "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + text).encode()
    if kind == "large":
        return (head + "Content-Type: text/plain\r\n\r\n" + ASCII * rng.randint(8000, 15000)).encode()
    blob = rng.randbytes(rng.choice([1, 100, 3000, 57, rng.randint(1, 300_000)]))
    encoded = base64.encodebytes(blob).replace(b"\n", b"\r\n").decode()
    return (
        head + 'Content-Type: multipart/mixed; boundary="b-soak"\r\n\r\n'
        "--b-soak\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        + CYRILLIC + "--b-soak\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n"
        'Content-Disposition: attachment; filename="blob.bin"\r\n\r\n' + encoded + "--b-soak--\r\n"
    ).encode()


def smtp_session(soak, rng):
    users = soak.args.imap_users + soak.args.pop3_users
    with smtplib.SMTP(HOST, soak.args.smtp, timeout=TIMEOUT) as smtp:
        code, _ = smtp.ehlo("soak.example.org")
        soak.check("smtp", code == 250 and smtp.has_extn("8bitmime"), f"EHLO {code}, 8BITMIME {smtp.has_extn('8bitmime')}")
        for _ in range(rng.randint(1, 4)):
            if soak.stop.is_set():
                break
            rcpts = rng.sample(users, 2 if rng.random() < 0.2 else 1)
            soak_id = soak.next_id()
            data = make_message(rng, soak_id, [f"{u}@localhost" for u in rcpts])
            with soak.lock:
                soak.mail[soak_id] = (data, rcpts)
            refused = smtp.sendmail("soak@example.org", [f"{u}@localhost" for u in rcpts], data, mail_options=["BODY=8BITMIME"])
            if soak.check("smtp", not refused, f"{soak_id}: refused {refused}"):
                with soak.lock:
                    soak.mail_acked[soak_id] = rcpts
            soak.count("smtp")
            if rng.random() < 0.1:
                soak.check("smtp", smtp.rset()[0] == 250, "RSET")
                soak.count("smtp")


# ---------------------------------------------------------------- mail reading, shared by IMAP and POP3

SOAK_ID = re.compile(rb"^X-Soak-Id: (\S+)\r?$", re.M | re.I)


def verify_mail(soak, proto, user, got, owner=True):
    """Checks one fetched message against what was sent; returns its soak id, or None for a foreign one.

    owner: the reader is the one that deletes from this mailbox, so a message it deleted must
    never come back (the web console reads beside the owners, and may see one just before)."""
    head = got.split(b"\r\n\r\n", 1)[0]
    found = SOAK_ID.search(head)
    if not found:
        soak.fail(proto, f"{user}: a message without X-Soak-Id ({len(got)} bytes)")
        return None
    soak_id = found.group(1).decode()
    if not soak_id.startswith(soak.tag + "-"):
        return None  # an earlier run's
    with soak.lock:
        sent = soak.mail.get(soak_id)
        if owner and sent is not None and (user, soak_id) in soak.mail_deleted:
            soak.fail(proto, f"{user}: {soak_id} is back after we deleted it")
    if not soak.check(proto, sent is not None, f"{user}: {soak_id} was never sent"):
        return soak_id
    data, rcpts = sent
    soak.check(proto, user in rcpts, f"{user}: {soak_id} was sent to {rcpts}")
    # The server adds trace headers above the message; the rest is the message, byte for byte.
    if soak.check(proto, got.endswith(data) and got[: len(got) - len(data)].endswith(b"\r\n") or got == data,
                  f"{user}: {soak_id} differs ({len(got)} bytes, sent {len(data)})") and owner:
        with soak.lock:
            soak.mail_seen.add((user, soak_id))
    return soak_id


def record_deleted(soak, user, ids):
    with soak.lock:
        soak.mail_deleted.update((user, i) for i in ids if i is not None)


# ---------------------------------------------------------------- IMAP


def imap_ok(soak, what, result):
    typ, data = result
    if typ != "OK":
        raise RuntimeError(f"{what}: {typ} {data}")
    return data


class ImapReader:
    """One IMAP user's worker; it remembers UID -> soak id across its sessions."""

    def __init__(self, soak, user):
        self.soak, self.user, self.known, self.validity = soak, user, {}, None

    def uids(self, imap, *criteria):
        data = imap_ok(self.soak, f"UID SEARCH {criteria}", imap.uid("SEARCH", *criteria))
        return [int(x) for x in data[0].split()]

    def session(self, rng):
        soak = self.soak
        imap = imaplib.IMAP4(HOST, soak.args.imap, timeout=TIMEOUT)
        try:
            imap_ok(soak, "LOGIN", imap.login(self.user, soak.args.password))
            exists = int(imap_ok(soak, "SELECT", imap.select("INBOX"))[0])
            validity = imap.untagged_responses.get("UIDVALIDITY", [None])[0]
            if self.validity is not None:
                soak.check("imap", validity == self.validity, f"{self.user}: UIDVALIDITY changed {self.validity} -> {validity}")
            self.validity = validity
            soak.count("imap", 2)
            uids = self.uids(imap, "ALL")
            # Only we delete from this mailbox, so it can only have grown since SELECT.
            soak.check("imap", len(uids) >= exists, f"{self.user}: SEARCH ALL {len(uids)} < EXISTS {exists}")
            gone = set(self.known) - set(uids)
            soak.check("imap", not gone, f"{self.user}: UIDs {sorted(gone)[:5]} vanished without our EXPUNGE")
            new = [u for u in uids if u not in self.known]
            for i in range(0, len(new), 10):
                batch = ",".join(str(u) for u in new[i:i + 10])
                data = imap_ok(soak, "UID FETCH", imap.uid("FETCH", batch, "(UID RFC822.SIZE BODY.PEEK[])"))
                fetched = {}
                for item in data:
                    if isinstance(item, tuple):
                        meta = item[0].decode()
                        uid = int(re.search(r"UID (\d+)", meta).group(1))
                        size = int(re.search(r"RFC822\.SIZE (\d+)", meta).group(1))
                        soak.check("imap", size == len(item[1]), f"{self.user}: UID {uid} RFC822.SIZE {size} but {len(item[1])} bytes")
                        fetched[uid] = verify_mail(soak, "imap", self.user, item[1])
                want = [int(u) for u in batch.split(",")]
                soak.check("imap", sorted(fetched) == want, f"{self.user}: FETCH {batch} answered {sorted(fetched)}")
                self.known.update(fetched)
                soak.count("imap")
            ours = [u for u, i in self.known.items() if i is not None]
            if ours:
                uid = rng.choice(ours)
                # HEADER matches substrings: s-1 finds s-12 too; it must find this one and no known one without it.
                found = self.uids(imap, "HEADER", "X-Soak-Id", self.known[uid])
                wrong = [u for u in found if u in self.known and self.known[uid] not in (self.known[u] or "")]
                soak.check("imap", uid in found and not wrong, f"{self.user}: SEARCH HEADER X-Soak-Id {self.known[uid]} -> {found}, want {uid} and no {wrong}")
                large = set(self.uids(imap, "LARGER", "100000"))
                soak.check("imap", large <= set(uids) | set(self.uids(imap, "ALL")), f"{self.user}: SEARCH LARGER names unknown UIDs")
                flagged = rng.sample(ours, min(3, len(ours)))
                imap_ok(soak, "UID STORE", imap.uid("STORE", ",".join(map(str, flagged)), "+FLAGS", r"(\Flagged \Seen)"))
                data = imap_ok(soak, "UID FETCH FLAGS", imap.uid("FETCH", ",".join(map(str, flagged)), "(UID FLAGS)"))
                with_flag = {int(re.search(rb"UID (\d+)", d).group(1)) for d in data if d and b"\\Flagged" in d and b"\\Seen" in d}
                soak.check("imap", with_flag == set(flagged), f"{self.user}: flags on {flagged} read back on {sorted(with_flag)}")
                soak.count("imap", 5)
            if len(self.known) > 30 or rng.random() < 0.25:
                doomed = rng.sample(list(self.known), len(self.known) // 2 + (len(self.known) > 60) * 10)
                if doomed:
                    imap_ok(soak, "STORE \\Deleted", imap.uid("STORE", ",".join(map(str, doomed)), "+FLAGS", r"(\Deleted)"))
                    imap_ok(soak, "EXPUNGE", imap.expunge())
                    record_deleted(soak, self.user, [self.known.pop(u) for u in doomed])
                    left = set(self.uids(imap, "ALL"))
                    soak.check("imap", not (left & set(doomed)), f"{self.user}: expunged UIDs still listed")
                    soak.count("imap", 3)
            imap.logout()
        finally:
            try:
                imap.shutdown()
            except OSError:
                pass


# ---------------------------------------------------------------- POP3


class Pop3Reader:
    """One POP3 user's worker; it remembers UIDL -> soak id across its sessions."""

    def __init__(self, soak, user):
        self.soak, self.user, self.known = soak, user, {}

    def session(self, rng):
        soak = self.soak
        pop = poplib.POP3(HOST, soak.args.pop3, timeout=TIMEOUT)
        try:
            pop.user(self.user)
            pop.pass_(soak.args.password)
            count, size = pop.stat()
            listing = {int(n): int(s) for n, s in (x.split() for x in pop.list()[1])}
            uidl = {int(n): u.decode() for n, u in (x.split() for x in pop.uidl()[1])}
            soak.count("pop3", 5)
            soak.check("pop3", count == len(listing) == len(uidl) and size == sum(listing.values()),
                       f"{self.user}: STAT {count} {size}, LIST {len(listing)} {sum(listing.values())}, UIDL {len(uidl)}")
            gone = set(self.known) - set(uidl.values())
            soak.check("pop3", not gone, f"{self.user}: {len(gone)} messages vanished without our DELE")
            for n, u in uidl.items():
                if u in self.known:
                    continue
                _, lines, octets = pop.retr(n)
                got = b"\r\n".join(lines) + b"\r\n"
                soak.check("pop3", len(got) == listing[n], f"{self.user}: RETR {n} gave {len(got)} bytes, LIST said {listing[n]}")
                self.known[u] = verify_mail(soak, "pop3", self.user, got)
                soak.count("pop3")
            if uidl and rng.random() < 0.3:
                n = rng.choice(list(uidl))
                top = b"\r\n".join(pop.top(n, 0)[1])
                soak.check("pop3", SOAK_ID.search(top) is not None or self.known.get(uidl[n]) is None, f"{self.user}: TOP {n} 0 lost the header")
                soak.count("pop3")
            doomed = [n for n in uidl if rng.random() < 0.6]
            for n in doomed:
                pop.dele(n)
                soak.count("pop3")
            if doomed and rng.random() < 0.15:
                pop.rset()  # second thoughts: nothing is deleted
                soak.count("pop3")
                doomed = []
            resp = pop.quit()
            soak.count("pop3")
            if soak.check("pop3", resp.startswith(b"+OK"), f"{self.user}: QUIT {resp!r}"):
                record_deleted(soak, self.user, [self.known.pop(uidl[n], None) for n in doomed])
        finally:
            pop.close()


# ---------------------------------------------------------------- FTP


class TracedFTP(ftplib.FTP):
    """ftplib.FTP that remembers its last data connection's ends, so an error can be matched with the server's log."""

    last_data = None

    def ntransfercmd(self, cmd, rest=None):
        conn, size = super().ntransfercmd(cmd, rest)
        self.last_data = (cmd, conn.getsockname(), conn.getpeername())
        return conn, size

    def where(self):
        try:
            control = self.sock.getsockname() if self.sock else None
        except OSError:
            control = None
        return f"control from {control}, last data connection {self.last_data}"


class FtpWorker:
    """One folder of the FTP user's jail; remembers name -> SHA-256 of what it kept there."""

    SIZES = [0, 1, 100, 1460, 4096, 65535, 65536, 65537, 1_000_000, 2_000_000]

    def __init__(self, soak, folder):
        self.soak, self.folder, self.kept, self.made = soak, folder, {}, False
        self.files = 0

    def session(self, rng):
        soak = self.soak
        with TracedFTP() as ftp:
            try:
                self.commands(ftp, rng)
            except Exception as e:
                e.add_note(ftp.where())
                raise

    def commands(self, ftp, rng):
        soak = self.soak
        ftp.connect(HOST, soak.args.ftp, timeout=TIMEOUT)
        ftp.login(soak.args.ftp_user, soak.args.password)
        soak.count("ftp", 2)
        if not self.made:
            if self.folder not in ftp.nlst():
                ftp.mkd(self.folder)
            self.made = True
        ftp.cwd(self.folder)
        for _ in range(rng.randint(1, 5)):
            if soak.stop.is_set():
                break
            self.one(ftp, rng)
        names = set(ftp.nlst())
        soak.check("ftp", names == set(self.kept), f"{self.folder}: NLST {sorted(names)[:6]} but we kept {sorted(self.kept)[:6]}")
        soak.count("ftp")
        ftp.quit()

    def retr(self, ftp, name):
        digest, size = hashlib.sha256(), 0

        def block(b):
            nonlocal size
            digest.update(b)
            size += len(b)

        ftp.retrbinary(f"RETR {name}", block)
        return digest.hexdigest(), size

    def one(self, ftp, rng):
        soak = self.soak
        self.files += 1
        name = f"{soak.tag}-{self.files}.bin" if rng.random() < 0.8 else f"{soak.tag}-{self.files}-файл.txt"
        size = rng.choice(self.SIZES + [rng.randint(0, 300_000)] * 4)
        data = rng.randbytes(size)
        ftp.storbinary(f"STOR {name}", io.BytesIO(data), blocksize=rng.choice([1024, 8192, 65536]))
        self.kept[name] = (hashlib.sha256(data).hexdigest(), size)
        soak.check("ftp", ftp.size(name) == size, f"{name}: SIZE is not {size}")
        got = self.retr(ftp, name)
        soak.check("ftp", got == self.kept[name], f"{name}: RETR {got} but STOR {self.kept[name]}")
        soak.count("ftp", 3)
        if rng.random() < 0.2:
            renamed = "renamed-" + name
            ftp.rename(name, renamed)
            self.kept[renamed] = self.kept.pop(name)
            soak.count("ftp")
        if rng.random() < 0.3 and self.kept:
            old = rng.choice(list(self.kept))
            got = self.retr(ftp, old)
            soak.check("ftp", got == self.kept[old], f"{old}: RETR {got} but kept {self.kept[old]}")
            soak.count("ftp")
        while len(self.kept) > 6:
            victim = rng.choice(list(self.kept))
            ftp.delete(victim)
            del self.kept[victim]
            soak.count("ftp")

    def final(self):
        """Everything kept reads back with its checksum, and nothing else is there."""
        soak = self.soak
        with ftplib.FTP() as ftp:
            ftp.connect(HOST, soak.args.ftp, timeout=TIMEOUT)
            ftp.login(soak.args.ftp_user, soak.args.password)
            if not self.made:
                return
            ftp.cwd(self.folder)
            names = set(ftp.nlst())
            soak.check("ftp", names == set(self.kept), f"final {self.folder}: NLST {sorted(names)[:6]} but we kept {sorted(self.kept)[:6]}")
            for name, want in self.kept.items():
                got = self.retr(ftp, name)
                soak.check("ftp", got == want, f"final {name}: RETR {got} but kept {want}")
            ftp.quit()


# ---------------------------------------------------------------- NNTP


def nntp_post(soak, rng):
    groups = soak.args.groups
    with nntplib.NNTP(HOST, soak.args.nntp, timeout=TIMEOUT) as news:
        for _ in range(rng.randint(1, 4)):
            if soak.stop.is_set():
                break
            soak_id = soak.next_id()
            to = rng.sample(groups, 2 if rng.random() < 0.3 and len(groups) > 1 else 1)
            msgid = f"<{soak_id}@soak.example.org>"
            subject = f"soak {soak_id}" if rng.random() < 0.5 else "=?utf-8?b?" + base64.b64encode(f"Статья {soak_id}".encode()).decode() + "?="
            text = rng.choice([ASCII, CYRILLIC]) * rng.randint(0, 80) + ".a dotted line\r\n.\r\n..\r\nend\r\n"
            body = [line.encode() for line in text.split("\r\n")[:-1]]
            article = (
                f"From: Soak <soak@example.org>\r\nNewsgroups: {','.join(to)}\r\nSubject: {subject}\r\n"
                f"Message-ID: {msgid}\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
                "Content-Transfer-Encoding: 8bit\r\n\r\n" + text
            ).encode()
            with soak.lock:
                soak.news[msgid] = (to, body)
            resp = news.post(io.BytesIO(article))
            if soak.check("nntp", resp.startswith("240"), f"POST {msgid}: {resp}"):
                with soak.lock:
                    soak.news_acked.add(msgid)
            soak.count("nntp")


def verify_article(soak, info, where):
    """An ARTICLE answer against what was posted; returns its message-id if it is ours."""
    msgid = info.message_id
    if not msgid.startswith(f"<{soak.tag}-"):
        return None
    with soak.lock:
        posted = soak.news.get(msgid)
    if not soak.check("nntp", posted is not None, f"{where}: {msgid} was never posted"):
        return None
    body = info.lines[info.lines.index(b"") + 1:]
    soak.check("nntp", body == posted[1], f"{where}: {msgid} body differs ({len(body)} lines, posted {len(posted[1])})")
    with soak.lock:
        soak.news_read += 1
    return msgid


class NntpReader:
    """Reads what is new in each group; remembers the last article number it read there."""

    def __init__(self, soak):
        self.soak, self.last = soak, {}

    def session(self, rng):
        soak = self.soak
        with nntplib.NNTP(HOST, soak.args.nntp, timeout=TIMEOUT) as news:
            for group in soak.args.groups:
                _, count, first, last, _ = news.group(group)
                soak.count("nntp")
                start = max(self.last.get(group, 0) + 1, first)
                if last >= start:
                    _, overviews = news.over((start, last))
                    soak.count("nntp")
                    numbers = [n for n, _ in overviews]
                    soak.check("nntp", numbers == sorted(set(numbers)) and all(start <= n <= last for n in numbers),
                               f"{group}: OVER {start}-{last} numbers {numbers[:5]}...")
                    for n, fields in overviews[-20:]:
                        _, info = news.article(n)
                        soak.count("nntp")
                        if verify_article(soak, info, f"{group} {n}"):
                            soak.check("nntp", fields["message-id"] == info.message_id, f"{group} {n}: OVER message-id {fields['message-id']} vs {info.message_id}")
                    self.last[group] = last
            with soak.lock:
                acked = list(soak.news_acked)
            if acked:
                msgid = rng.choice(acked)
                _, info = news.article(msgid)
                soak.count("nntp")
                verify_article(soak, info, msgid)


def nntp_final(soak):
    """Every acknowledged article is readable by message-id and listed once in each of its groups."""
    with nntplib.NNTP(HOST, soak.args.nntp, timeout=TIMEOUT) as news:
        listed = {}
        for group in soak.args.groups:
            _, count, first, last, _ = news.group(group)
            ids = [f["message-id"] for _, f in news.over((first, last))[1]] if count else []
            soak.check("nntp", len(ids) == len(set(ids)), f"final {group}: a message-id is listed twice")
            listed[group] = set(ids)
        with soak.lock:
            acked = sorted(soak.news_acked)
        for msgid in acked:
            groups, _ = soak.news[msgid]
            for group in groups:
                soak.check("nntp", msgid in listed[group], f"final: {msgid} is not in {group}'s overview")
            _, info = news.article(msgid)
            verify_article(soak, info, f"final {msgid}")
        for group in soak.args.groups:
            strangers = {m for m in listed[group] if m.startswith(f"<{soak.tag}-") and m not in acked}
            soak.check("nntp", not strangers, f"final {group}: unacknowledged articles {sorted(strangers)[:3]}")


# ---------------------------------------------------------------- the web console


def web_session(soak, rng):
    """http.client, one keep-alive connection: status, a page of messages and one raw, the groups and an article.

    The mailboxes' owners delete beside it, so a message listed may be gone (404) by the time
    its raw is asked for; what is served must still be exactly what was sent."""
    web = http.client.HTTPConnection(HOST, soak.args.web, timeout=TIMEOUT)
    try:
        def get(path, ok=(200,)):
            web.request("GET", path)
            response = web.getresponse()
            body = response.read()
            soak.count("web")
            if response.status not in ok:
                raise RuntimeError(f"GET {path}: {response.status} {body[:200]!r}")
            return response.status, body

        status = json.loads(get("/api/status")[1])
        soak.check("web", {"smtp", "imap", "pop3", "ftp", "nntp"} <= {s["service"] for s in status["services"]}, f"/api/status: {status}")
        user = rng.choice(soak.args.imap_users + soak.args.pop3_users)
        page = json.loads(get(f"/api/messages?account={user}&limit=10")[1])
        soak.check("web", len(page["items"]) <= min(10, page["total"]), f"/api/messages: {len(page['items'])} items of {page['total']}")
        for item in page["items"][:3]:
            code, raw = get(f"/api/messages/{item['id']}/raw", ok=(200, 404))
            if code == 200:
                verify_mail(soak, "web", user, raw, owner=False)
        groups = {g["name"]: g for g in json.loads(get("/api/news/groups")[1])["items"]}
        for group in soak.args.groups:
            if not soak.check("web", group in groups, f"/api/news/groups has no {group}") or not groups[group]["count"]:
                continue
            number = rng.randint(groups[group]["low"], groups[group]["high"])
            raw = get(f"/api/news/groups/{group}/articles/{number}/raw")[1]
            found = re.search(rb"^Message-ID: (<[^>]+>)\r$", raw.split(b"\r\n\r\n", 1)[0], re.M | re.I)
            if soak.check("web", found is not None, f"{group} {number}: no Message-ID"):
                with soak.lock:
                    posted = soak.news.get(found.group(1).decode())
                if posted is not None:
                    body = raw.split(b"\r\n\r\n", 1)[1].split(b"\r\n")[:-1]
                    soak.check("web", body == posted[1], f"{group} {number}: body differs from what was posted")
    finally:
        web.close()


# ---------------------------------------------------------------- final mail reconciliation


def mail_final(soak, imap_readers, pop3_readers):
    """One last read of every mailbox (the workers' sessions do the fetching), then the ledger must balance."""
    for proto, reader, look in [("imap", r, _imap_look) for r in imap_readers] + [("pop3", r, _pop3_look) for r in pop3_readers]:
        present = look(reader)
        with soak.lock:
            want = {i for i, r in soak.mail_acked.items() if reader.user in r} - {i for u, i in soak.mail_deleted if u == reader.user}
        missing, extra = want - present, present - want
        soak.check(proto, not missing, f"final {reader.user}: {len(missing)} acknowledged messages missing, e.g. {sorted(missing)[:3]}")
        soak.check(proto, not extra, f"final {reader.user}: {len(extra)} messages we did not expect, e.g. {sorted(extra)[:3]}")


def _imap_look(reader):
    imap = imaplib.IMAP4(HOST, reader.soak.args.imap, timeout=TIMEOUT)
    imap_ok(reader.soak, "LOGIN", imap.login(reader.user, reader.soak.args.password))
    imap_ok(reader.soak, "EXAMINE", imap.select("INBOX", readonly=True))
    uids = reader.uids(imap, "ALL")
    for uid in [u for u in uids if u not in reader.known]:
        data = imap_ok(reader.soak, "UID FETCH", imap.uid("FETCH", str(uid), "(BODY.PEEK[])"))
        reader.known[uid] = verify_mail(reader.soak, "imap", reader.user, data[0][1])
    imap.logout()
    ids = [reader.known[u] for u in uids if reader.known.get(u) is not None]
    reader.soak.check("imap", len(ids) == len(set(ids)), f"final {reader.user}: a message is there twice")
    return set(ids)


def _pop3_look(reader):
    pop = poplib.POP3(HOST, reader.soak.args.pop3, timeout=TIMEOUT)
    pop.user(reader.user)
    pop.pass_(reader.soak.args.password)
    uidl = {int(n): u.decode() for n, u in (x.split() for x in pop.uidl()[1])}
    for n, u in uidl.items():
        if u not in reader.known:
            reader.known[u] = verify_mail(reader.soak, "pop3", reader.user, b"\r\n".join(pop.retr(n)[1]) + b"\r\n")
    pop.quit()
    ids = [reader.known[u] for u in uidl.values() if reader.known.get(u) is not None]
    reader.soak.check("pop3", len(ids) == len(set(ids)), f"final {reader.user}: a message is there twice")
    return set(ids)


# ---------------------------------------------------------------- sampling /proc


POOLED = re.compile(r"/(mail|news)\.db(-wal)?$")
# Assemblies and their symbols: the runtime opens X.pdb the first time a stack trace through
# X.dll is formatted with line numbers (e.g. after clients dropped mid-transfer), and keeps it. An fd reads "X.dll (deleted)"
# once a build has replaced X.dll on disk: still the same assembly, not a new fd (soak.sh runs
# the server from a copy of the build to avoid it).
ASSEMBLY = re.compile(r"\.(dll|pdb)( \(deleted\))?$")
STORE_FILES = ["mail.db", "mail.db-wal", "news.db", "news.db-wal"]


def fd_counts(pid):
    """(all open fds, of them sockets, of them pooled SQLite files, of them assemblies) of a process.

    Two kinds grow once without leaking and are counted apart: the stores' pool of read
    connections (each holds the .db and its -wal open; it follows how many readers ran at
    once) and assemblies (.dll, each twice, and .pdb), opened the first time a code path needs
    one, and kept, even when a build replaces the file. The rest must come back to where it
    was once every client has gone."""
    total = sockets = pooled = assemblies = 0
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue  # closed while we looked
        total += 1
        sockets += target.startswith("socket:")
        pooled += POOLED.search(target) is not None
        assemblies += ASSEMBLY.search(target) is not None
    return total, sockets, pooled, assemblies


def fd_targets(pid):
    """What each open fd points at, inode numbers blanked, with how many point there."""
    found = {}
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = re.sub(r"\[\d+\]", "[]", os.readlink(f"/proc/{pid}/fd/{fd}"))
        except OSError:
            continue
        found[target] = found.get(target, 0) + 1
    return found


def others(fds):
    """The fds that must come back: all but pooled SQLite ones and assemblies."""
    return fds[0] - fds[2] - fds[3]


def proc_sample(pid):
    """RSS (KB), fd_counts and threads of a process, from /proc."""
    rss = threads = 0
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
            elif line.startswith("Threads:"):
                threads = int(line.split()[1])
    return rss, fd_counts(pid), threads


def store_bytes(folder):
    """Sizes of mail.db, mail.db-wal, news.db, news.db-wal and of everything else under the data folder."""
    sizes = dict.fromkeys(STORE_FILES + ["other"], 0)
    for root, _, files in os.walk(folder or "/nonexistent"):
        for name in files:
            try:
                size = os.lstat(os.path.join(root, name)).st_size
            except OSError:
                continue  # deleted while we walked
            sizes[name if root == folder and name in sizes else "other"] += size
    return list(sizes.values())


def sampler(soak, started, rows):
    while True:
        total = sum(soak.ops.values())
        rss, (fds, sockets, pooled, _), threads = proc_sample(soak.args.pid)
        rows.append((round(time.monotonic() - started, 1), rss, fds, sockets, pooled, threads, *store_bytes(soak.args.data),
                     total, sum(soak.errors.values())))
        if soak.stop.wait(soak.args.sample):
            return


def settled_fds(pid, ceiling, wait):
    """The server's fds once closed connections are gone: polls until others() is at most ceiling or wait seconds pass."""
    deadline = time.monotonic() + wait
    while True:
        fds = fd_counts(pid)
        if others(fds) <= ceiling or time.monotonic() > deadline:
            return fds
        time.sleep(0.2)


def slope(points):
    """Least-squares slope of (x, y) points."""
    n = len(points)
    if n < 2:
        return 0.0
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    den = sum((x - mx) ** 2 for x, _ in points)
    return sum((x - mx) * (y - my) for x, y in points) / den if den else 0.0


def report_samples(args, rows, before, after_traffic, elapsed):
    """Prints what the samples show and the verdict; returns True when something grows."""
    fds_after = settled_fds(args.pid, others(before[1]) + args.fd_slack, 15)
    if args.csv:
        with open(args.csv, "w", newline="") as f:
            out = csv.writer(f)
            out.writerow(["seconds", "rss_kb", "fds", "sockets", "db_fds", "threads"]
                         + [n.replace(".", "_").replace("-", "_") + "_bytes" for n in STORE_FILES] + ["other_bytes", "operations", "errors"])
            out.writerows(rows)
    warm = [r for r in rows if r[0] >= args.warmup * elapsed] or rows[-1:]
    rate = slope([(r[0] / 60, r[1]) for r in warm])
    # The floor: the lowest sample of each tenth of the post-warm-up time, what the heap comes back to after a GC.
    span = (warm[-1][0] - warm[0][0]) / 10 or 1
    floors = {}
    for r in warm:
        window = min(int((r[0] - warm[0][0]) / span), 9)
        floors[window] = min(floors.get(window, r), r, key=lambda x: x[1])
    floor_rate = slope([(r[0] / 60, r[1]) for r in floors.values()])
    fds, threads = [r[2] for r in rows], [r[5] for r in rows]
    print(f"samples {len(rows)} every {args.sample:g} s{' -> ' + args.csv if args.csv else ''}")
    print(f"RSS KB: before traffic {before[0]}, after warm-up ({args.warmup:.0%}, {warm[0][0]:.0f} s) {warm[0][1]}, end {rows[-1][1]},"
          f" min/max after warm-up {min(r[1] for r in warm)}/{max(r[1] for r in warm)};"
          f" least-squares slope after warm-up {rate:+.0f} KB/min (of the {len(floors)} window minima: {floor_rate:+.0f} KB/min)")
    print(f"fds: before traffic {before[1][0]}, during min {min(fds)} max {max(fds)}, end of traffic {after_traffic[1][0]},"
          f" after all clients disconnected {fds_after[0]}")
    print(f"  of them sockets: before {before[1][1]}, max {max(r[3] for r in rows)}, after {fds_after[1]};"
          f" pooled SQLite (.db, -wal): before {before[1][2]}, max {max(r[4] for r in rows)}, after {fds_after[2]};"
          f" assemblies: before {before[1][3]}, after {fds_after[3]}")
    replaced = sum(n for t, n in fd_targets(args.pid).items() if t.endswith(".dll (deleted)"))
    if replaced:
        print(f"  note: {replaced} of the assemblies' fds point at files a build replaced during the run (counted as assemblies)")
    print(f"threads: before {before[2]}, min {min(threads)} max {max(threads)}")
    names = STORE_FILES + ["other"]
    print("store bytes start -> end: " + ", ".join(f"{n} {a} -> {b}" for n, a, b in zip(names, rows[0][6:11], rows[-1][6:11])))
    others_before, others_after = others(before[1]), others(fds_after)
    if others_after > others_before + args.fd_slack:
        # Which fds are new, for the leak hunt.
        now = fd_targets(args.pid)
        for target, n in sorted(now.items()):
            if n != args.targets_before.get(target, 0):
                print(f"  fd target {target}: {args.targets_before.get(target, 0)} before traffic, {n} now")
    growing = rate > args.rss_slope_limit or others_after > others_before + args.fd_slack
    print(f"verdict: {'growing' if growing else 'flat'} (flat = RSS slope after warm-up at most {args.rss_slope_limit:g} KB/min"
          f" and fds other than pooled SQLite ones and assemblies, after every client left, at most {args.fd_slack} above before traffic:"
          f" {others_before} -> {others_after})")
    return growing


# ---------------------------------------------------------------- main


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for proto in ("smtp", "pop3", "imap", "ftp", "nntp"):
        p.add_argument(f"--{proto}", type=int, required=True, help=f"{proto} port on 127.0.0.1")
    p.add_argument("--web", type=int, help="the web console's port on 127.0.0.1 (none: no web worker)")
    p.add_argument("--seconds", type=float, required=True, help="how long the workers run (0: the priming pass and the final checks only)")
    p.add_argument("--imap-users", default="alice,bob", type=lambda s: s.split(","))
    p.add_argument("--pop3-users", default="carol,dave", type=lambda s: s.split(","))
    p.add_argument("--ftp-user", default="alice")
    p.add_argument("--password", default="pw")
    p.add_argument("--groups", default="soak.one,soak.two", type=lambda s: s.split(","))
    p.add_argument("--smtp-workers", type=int, default=2)
    p.add_argument("--ftp-workers", type=int, default=2)
    p.add_argument("--nntp-workers", type=int, default=1, help="posters; as many readers")
    p.add_argument("--pause", type=float, default=0.05, help="mean seconds each worker waits between sessions")
    p.add_argument("--tag", default=f"s{os.getpid()}-{int(time.time())}", help="marks this run's messages, files and articles")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--pid", type=int, help="the server's process: sample /proc/PID")
    p.add_argument("--data", help="the server's data folder (its size is sampled)")
    p.add_argument("--sample", type=float, default=10, help="seconds between samples")
    p.add_argument("--csv", help="write the samples here")
    p.add_argument("--warmup", type=float, default=0.2, help="fraction of the run before RSS is compared")
    p.add_argument("--rss-slope-limit", type=float, default=1024, help="KB/min of RSS growth after warm-up still called flat")
    p.add_argument("--fd-slack", type=int, default=2, help="fds above the pre-traffic count still called flat")
    args = p.parse_args()
    soak = Soak(args)

    imap_readers = [ImapReader(soak, u) for u in args.imap_users]
    pop3_readers = [Pop3Reader(soak, u) for u in args.pop3_users]
    ftp_workers = [FtpWorker(soak, f"{args.tag}-w{i}") for i in range(args.ftp_workers)]
    news_reader = NntpReader(soak)
    # (name, protocol, one session) for every worker
    jobs = [(f"smtp{i}", "smtp", lambda rng: smtp_session(soak, rng)) for i in range(args.smtp_workers)]
    jobs += [(f"imap-{r.user}", "imap", r.session) for r in imap_readers]
    jobs += [(f"pop3-{r.user}", "pop3", r.session) for r in pop3_readers]
    jobs += [(f"ftp{i}", "ftp", w.session) for i, w in enumerate(ftp_workers)]
    jobs += [(f"nntp-post{i}", "nntp", lambda rng: nntp_post(soak, rng)) for i in range(args.nntp_workers)]
    jobs += [(f"nntp-read{i}", "nntp", news_reader.session) for i in range(args.nntp_workers)]
    jobs += [("web", "web", lambda rng: web_session(soak, rng))] if args.web else []

    # The priming pass: one session of each, in turn, before the figures start.
    for name, proto, body in jobs:
        try:
            body(random.Random(args.seed))
        except Exception as e:  # noqa: BLE001
            soak.fail(proto, f"priming {name}: {type(e).__name__}: {e}")
    before = proc_sample(args.pid) if args.pid else None
    args.targets_before = fd_targets(args.pid) if args.pid else {}
    print(f"# primed; tag {args.tag}; {len(jobs)} workers for {args.seconds:g} s", flush=True)

    rows = []
    started = time.monotonic()
    threads = [threading.Thread(target=sampler, args=(soak, started, rows), daemon=True)] if args.pid else []
    threads += [threading.Thread(target=worker, args=(soak, proto, body, args.seed * 1000 + i), name=name, daemon=True)
                for i, (name, proto, body) in enumerate(jobs)]
    for t in threads:
        t.start()
    last_report = started
    while time.monotonic() - started < args.seconds and not soak.stop.is_set():
        time.sleep(min(1.0, max(0.0, args.seconds - (time.monotonic() - started))))
        if time.monotonic() - last_report >= 60:
            last_report = time.monotonic()
            print(f"# {int(last_report - started)} s: {sum(soak.ops.values())} operations, {sum(soak.errors.values())} errors"
                  + (f", RSS {rows[-1][1]} KB, fds {rows[-1][2]}" if rows else ""), flush=True)
    soak.stop.set()
    for t in threads:
        t.join(TIMEOUT * 3)
        if t.is_alive():
            soak.fail("soak", f"worker {t.name} did not stop")
    elapsed = time.monotonic() - started
    after_traffic = proc_sample(args.pid) if args.pid else None

    try:
        mail_final(soak, imap_readers, pop3_readers)
        nntp_final(soak)
        for w in ftp_workers:
            w.final()
    except Exception as e:  # noqa: BLE001
        soak.fail("final", f"{type(e).__name__}: {e}")

    # ---- the summary
    print(f"duration {elapsed:.0f} s, tag {args.tag}")
    for proto in ("smtp", "imap", "pop3", "ftp", "nntp", "web"):
        print(f"  {proto:5} {soak.ops.get(proto, 0):8} operations  {soak.errors.get(proto, 0)} errors")
    with soak.lock:
        delivered = sum(len(r) for r in soak.mail_acked.values())
        print(f"  mail: {len(soak.mail_acked)} messages acknowledged ({delivered} deliveries), {len(soak.mail_seen)} verified byte for byte, {len(soak.mail_deleted)} deleted by us")
        print(f"  news: {len(soak.news_acked)} articles acknowledged, {soak.news_read} reads verified")
    print(f"  ftp: {sum(w.files for w in ftp_workers)} files stored, {sum(len(w.kept) for w in ftp_workers)} kept and verified at the end")
    errors = sum(soak.errors.values())
    print(f"errors {errors}")
    for line in soak.error_lines[:20]:
        print("  " + line)
    growing = False
    if args.pid:
        growing = report_samples(args, rows, before, after_traffic, elapsed)
    sys.exit(1 if errors else 2 if growing else 0)


if __name__ == "__main__":
    main()
