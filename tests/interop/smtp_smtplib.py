#!/usr/bin/env python3
"""Python's smtplib against an SMTP server, one scenario per run.

Usage: smtp_smtplib.py SCENARIO HOST PORT [ARGS...]
  starttls-login CAFILE USER PASSWORD FROM TO [MECHANISM]
      EHLO, STARTTLS (verifying the server's certificate against CAFILE),
      EHLO again, login() (smtplib's own choice of mechanism, or MECHANISM),
      sendmail() of an 8-bit message given as bytes.
  bytes FROM TO MESSAGE_FILE
      sendmail() of the file's bytes, exactly (no line-ending fixing).
  smtputf8 FROM TO
      send_message() of an EmailMessage with non-ASCII addresses, which makes
      smtplib use SMTPUTF8 and BODY=8BITMIME.
  several COUNT FROM TO
      COUNT sendmail() calls over one connection.
  refused FROM TO...
      one sendmail() to several recipients, some of them refused.
Prints one JSON line on stdout: the bytes of each message sent (base64, as
smtplib hands them to DATA before dot-stuffing), each sendmail()'s refused
recipients, and what else the scenario learnt. The dialogue (set_debuglevel)
goes to stderr.
"""
import base64
import email.generator
import io
import json
import smtplib
import ssl
import sys
from email.message import EmailMessage


def refused_json(refused):
    return {address: [code, text.decode("utf-8", "replace")] for address, (code, text) in refused.items()}


def eight_bit_message(sender, recipient, subject):
    # CRLF line endings, 8-bit UTF-8 text and a line starting with a dot (DATA must unstuff it).
    return (
        f"From: <{sender}>\r\nTo: <{recipient}>\r\nSubject: {subject}\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n"
        "\r\nПривет из smtplib.\r\n.a line that starts with a dot\r\n..two dots\r\nend\r\n"
    ).encode("utf-8")


def connect(host, port):
    client = smtplib.SMTP(host, port, local_hostname="smtplib.example", timeout=20)
    client.set_debuglevel(1)
    return client


def starttls_login(client, cafile, user, password, sender, recipient, mechanism=None):
    client.ehlo()
    context = ssl.create_default_context(cafile=cafile)
    client.starttls(context=context)
    client.ehlo()
    offered = client.esmtp_features.get("auth", "")
    if mechanism is None:
        client.login(user, password)
    else:
        client.user, client.password = user, password
        method = getattr(client, "auth_" + mechanism.lower().replace("-", "_"))
        client.auth(mechanism, method, initial_response_ok=mechanism != "LOGIN")
    message = eight_bit_message(sender, recipient, "over TLS")
    refused = client.sendmail(sender, recipient, message)
    return {"sent": [message], "refused": [refused_json(refused)], "auth_offered": offered, "tls_version": client.sock.version()}


def send_bytes(client, sender, recipient, path):
    with open(path, "rb") as file:
        message = file.read()
    return {"sent": [message], "refused": [refused_json(client.sendmail(sender, recipient, message))]}


def smtputf8(client, sender, recipient):
    message = EmailMessage()
    message["From"] = f"Пётр <{sender}>"
    message["To"] = f"Получатель <{recipient}>"
    message["Subject"] = "Тема письма: SMTPUTF8"
    message.set_content("Тело письма в UTF-8.\n")
    # What send_message() hands to DATA with SMTPUTF8: the message generated with utf8=True, CRLF.
    with io.BytesIO() as flat:
        email.generator.BytesGenerator(flat, policy=message.policy.clone(utf8=True)).flatten(message, linesep="\r\n")
        sent = flat.getvalue()
    client.ehlo()
    if not client.has_extn("smtputf8"):
        raise SystemExit("the server does not offer SMTPUTF8")
    refused = client.send_message(message)
    return {"sent": [sent], "refused": [refused_json(refused)]}


def several(client, count, sender, recipient):
    sent, refused = [], []
    for i in range(count):
        message = eight_bit_message(sender, recipient, f"message {i + 1} of {count}")
        refused.append(refused_json(client.sendmail(sender, recipient, message)))
        sent.append(message)
    return {"sent": sent, "refused": refused}


def refused_some(client, sender, recipients):
    message = eight_bit_message(sender, recipients[0], "some recipients refused")
    return {"sent": [message], "refused": [refused_json(client.sendmail(sender, recipients, message))]}


def main() -> int:
    scenario, host, port, args = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
    client = connect(host, port)
    if scenario == "starttls-login":
        result = starttls_login(client, *args)
    elif scenario == "bytes":
        result = send_bytes(client, *args)
    elif scenario == "smtputf8":
        result = smtputf8(client, *args)
    elif scenario == "several":
        result = several(client, int(args[0]), args[1], args[2])
    elif scenario == "refused":
        result = refused_some(client, args[0], args[1:])
    else:
        raise SystemExit(f"unknown scenario {scenario}")
    client.quit()
    result["sent"] = [base64.b64encode(m).decode("ascii") for m in result["sent"]]
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
