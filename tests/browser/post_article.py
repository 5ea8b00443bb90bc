"""Posts one article over NNTP with Python's nntplib (a client nobody here wrote).

Reads a JSON spec on stdin: {"host", "port", "group", "from", "subject", "text", "messageId", "references"?}.
The article is UTF-8, 8bit.
"""
import email.header
import email.utils
import json
import sys
import warnings

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import nntplib


def main():
    spec = json.load(sys.stdin)
    subject = email.header.Header(spec["subject"], "utf-8").encode()
    sender = email.utils.formataddr(email.utils.parseaddr(spec["from"]), "utf-8")
    lines = [f"From: {sender}", f"Newsgroups: {spec['group']}", f"Subject: {subject}",
             f"Message-ID: {spec['messageId']}", "MIME-Version: 1.0",
             "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit"]
    if spec.get("references"):
        lines.append("References: " + " ".join(spec["references"]))
    article = ("\r\n".join(lines) + "\r\n\r\n" + spec["text"].replace("\n", "\r\n") + "\r\n").encode("utf-8")
    with nntplib.NNTP(spec["host"], int(spec["port"]), readermode=True, timeout=20) as server:
        print(server.post(article))


if __name__ == "__main__":
    main()
