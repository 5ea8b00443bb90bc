#!/usr/bin/env python3
"""Sends a message with Python's smtplib, so that a test can read it back over POP3.

Usage: pop3_smtplib_send.py HOST PORT FROM TO MESSAGE_FILE

The file's bytes are sent as they are (smtplib dot-stuffs them; bytes are not
otherwise changed). Prints the server's reply to the message.
"""
import smtplib
import sys


def main() -> int:
    host, port, sender, recipient, path = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
    with open(path, "rb") as f:
        message = f.read()
    with smtplib.SMTP(host, port, timeout=10) as smtp:
        smtp.ehlo("pop3-test.example")
        refused = smtp.sendmail(sender, [recipient], message)
        if refused:
            print(f"refused: {refused}", file=sys.stderr)
            return 1
        print("sent")
    return 0


if __name__ == "__main__":
    sys.exit(main())
