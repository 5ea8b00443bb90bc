"""Sends one MIME message over SMTP with Python's smtplib (a client nobody here wrote).

Reads a JSON spec on stdin:
  {"host", "port", "from", "to", "subject", "charset", "text", "html"?, "attachments": [{"name", "path", "contentType"}]}
The subject is an RFC 2047 encoded word in `charset`; the text and HTML parts are
8bit in `charset` (BODY=8BITMIME when the server offers it); attachments are base64.
Prints the Message-ID it sent.
"""
import base64
import email.header
import email.utils
import json
import smtplib
import sys
import urllib.parse


def part(content_type, charset, text):
    return (f"Content-Type: {content_type}; charset={charset}\r\n"
            "Content-Transfer-Encoding: 8bit\r\n\r\n").encode("ascii") + text.replace("\n", "\r\n").encode(charset) + b"\r\n"


def attachment(spec):
    with open(spec["path"], "rb") as f:
        data = base64.encodebytes(f.read()).replace(b"\n", b"\r\n")
    name = spec["name"]
    quoted = urllib.parse.quote(name, safe="")
    return (f"Content-Type: {spec.get('contentType', 'application/octet-stream')}\r\n"
            f"Content-Disposition: attachment; filename*=utf-8''{quoted}\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\n").encode("ascii") + data


def address(text, charset):
    """'Name <a@b>' with the name as an RFC 2047 encoded word where it is not ASCII."""
    return email.utils.formataddr(email.utils.parseaddr(text), charset)


def multipart(subtype, parts, boundary):
    out = f"Content-Type: multipart/{subtype}; boundary=\"{boundary}\"\r\n\r\n".encode("ascii")
    for p in parts:
        out += f"--{boundary}\r\n".encode("ascii") + p
    return out + f"--{boundary}--\r\n".encode("ascii")


def main():
    spec = json.load(sys.stdin)
    charset = spec.get("charset", "utf-8")
    message_id = email.utils.make_msgid(domain="netkit.test")
    subject = email.header.Header(spec["subject"], charset).encode(linesep="\r\n")
    sender, recipient = address(spec["from"], charset), address(spec["to"], charset)
    head = (f"From: {sender}\r\nTo: {recipient}\r\nSubject: {subject}\r\n"
            f"Date: {email.utils.formatdate(localtime=True)}\r\nMessage-ID: {message_id}\r\nMIME-Version: 1.0\r\n").encode("ascii")
    body = [part("text/plain", charset, spec["text"])]
    if spec.get("html"):
        body = [multipart("alternative", body + [part("text/html", charset, spec["html"])], "=_alt_boundary_7f3a")]
    attachments = [attachment(a) for a in spec.get("attachments", [])]
    message = head + multipart("mixed", body + attachments, "=_mixed_boundary_91c2")
    with smtplib.SMTP(spec["host"], int(spec["port"]), timeout=20) as smtp:
        smtp.ehlo("browser-test.local")
        options = ["BODY=8BITMIME"] if smtp.has_extn("8bitmime") else []
        smtp.sendmail(email.utils.parseaddr(spec["from"])[1], [email.utils.parseaddr(spec["to"])[1]], message, mail_options=options)
    print(message_id)


if __name__ == "__main__":
    main()
