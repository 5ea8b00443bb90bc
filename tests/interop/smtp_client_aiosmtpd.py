#!/usr/bin/python3
"""aiosmtpd (Debian's python3-aiosmtpd) as the real peer of NetKit's SMTP client.

Listens on 127.0.0.1 (a free port unless --port is given) and prints
"aiosmtpd listening on 127.0.0.1 port N". Every message it takes is recorded in
--record DIR as N.json (envelope, options, the logged-in user, TLS or not) and
N.eml (the bytes exactly as received, after dot-unstuffing), written in that
order so a reader that sees N.eml finds N.json complete.

Recipients whose local part starts with "refuse" get 550 5.1.1. With --user and
--password, AUTH PLAIN and LOGIN take that one user (only over TLS unless
--auth-plaintext). With --cert and --key, STARTTLS is offered.

Run it with /usr/bin/python3: the python3 on PATH may lack Debian's modules.
"""
import argparse
import asyncio
import json
import os
import ssl

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Recorder:
    def __init__(self, directory):
        self.directory = directory
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.split("@")[0].startswith("refuse"):
            return "550 5.1.1 no such user here"
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        base = os.path.join(self.directory, str(self.count))
        record = {
            "mail_from": envelope.mail_from,
            "mail_options": envelope.mail_options,
            "rcpt_tos": envelope.rcpt_tos,
            "rcpt_options": envelope.rcpt_options,
            "user": session.auth_data if session.authenticated else None,
            "tls": session.ssl is not None,
            "helo": session.host_name,
        }
        with open(base + ".json", "w", encoding="utf-8") as f:
            json.dump(record, f, ensure_ascii=False)
        with open(base + ".eml.tmp", "wb") as f:
            f.write(envelope.original_content)
        os.rename(base + ".eml.tmp", base + ".eml")
        return "250 2.0.0 Ok: queued as %d" % self.count


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--record", required=True)
    parser.add_argument("--user")
    parser.add_argument("--password")
    parser.add_argument("--auth-plaintext", action="store_true")
    parser.add_argument("--cert")
    parser.add_argument("--key")
    args = parser.parse_args()

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword)
              and auth_data.login == args.user.encode()
              and auth_data.password == args.password.encode())
        return AuthResult(success=ok, handled=False, auth_data=args.user if ok else None)

    tls = None
    if args.cert:
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(args.cert, args.key)

    handler = Recorder(args.record)
    options = dict(hostname="aiosmtpd.test", enable_SMTPUTF8=True, decode_data=False, tls_context=tls)
    if args.user:
        options.update(authenticator=authenticator, auth_require_tls=not args.auth_plaintext)

    async def serve():
        loop = asyncio.get_running_loop()
        server = await loop.create_server(lambda: SMTP(handler, **options), "127.0.0.1", args.port)
        print("aiosmtpd listening on 127.0.0.1 port %d" % server.sockets[0].getsockname()[1], flush=True)
        await server.serve_forever()

    asyncio.run(serve())


if __name__ == "__main__":
    main()
