#!/usr/bin/env python3
"""The seed's smtplib example (the Russian Python tutorial), ported to Python 3.

Usage: smtp_seed_sendmail.py HOST PORT [--bare-lf]

As in the seed: a message with From/To/Subject, MIME-Version, a Windows-1251
text/plain body in 8-bit transfer encoding, sent with sendmail() after
set_debuglevel(1) (the dialogue goes to stderr), then quit(). The seed's
Python 2 source was itself in cp1251, so its message was cp1251 bytes; in
Python 3 that is an explicit encode. Python 2's smtplib turned every line
ending into CRLF on the wire; Python 3's sendmail() sends bytes as they are,
so the port does that itself, unless --bare-lf asks for the naive port (bare
LF line endings on the wire). Prints sendmail's result (the refused
recipients) as JSON on stdout.
"""
import json
import smtplib
import sys
from smtplib import SMTP


def main() -> int:
    host, port = sys.argv[1], int(sys.argv[2])
    fromaddr = "student@mail.ru"  # От кого
    toaddr = "rnd@onego.ru"  # Кому
    message = """From: Student <%(fromaddr)s>
To: Lecturer <%(toaddr)s>
Subject: From Python course student
MIME-Version: 1.0
Content-Type: text/plain; charset=Windows-1251
Content-Transfer-Encoding: 8bit

Здравствуйте! Я изучаю курс по языку Python и
отправляю письмо его автору.
"""
    connect = SMTP(host, port, timeout=20)
    connect.set_debuglevel(1)
    text = message % vars()
    if "--bare-lf" not in sys.argv[3:]:
        text = text.replace("\n", "\r\n")
    try:
        refused = connect.sendmail(fromaddr, toaddr, text.encode("cp1251"))
    except smtplib.SMTPResponseException as error:
        # The server said no: report its reply, and show the connection still works.
        print(json.dumps({"error": [error.smtp_code, error.smtp_error.decode("utf-8", "replace")], "noop": connect.noop()[0]}))
        connect.quit()
        return 3
    connect.quit()
    print(json.dumps({"refused": {k: [v[0], v[1].decode("utf-8", "replace")] for k, v in refused.items()}}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
