"""pyftpdlib (an FTP server nobody here wrote) on 127.0.0.1 and a free port.

argv: root user password [certfile]
With a certificate file (PEM holding key and certificate) it speaks AUTH TLS
and PROT P. Prints "listening on port N" once it accepts connections.
"""
import logging
import sys

from pyftpdlib.authorizers import DummyAuthorizer
from pyftpdlib.servers import FTPServer

root, user, password = sys.argv[1:4]
certfile = sys.argv[4] if len(sys.argv) > 4 else None
authorizer = DummyAuthorizer()
authorizer.add_user(user, password, root, perm="elradfmwMT")
if certfile:
    from pyftpdlib.handlers import TLS_FTPHandler as Handler
    Handler.certfile = certfile
    Handler.tls_control_required = False
    Handler.tls_data_required = False
else:
    from pyftpdlib.handlers import FTPHandler as Handler
Handler.authorizer = authorizer
Handler.permit_foreign_addresses = False
logging.basicConfig(level=logging.WARNING)
server = FTPServer(("127.0.0.1", 0), Handler)
print("listening on port", server.address[1], flush=True)
server.serve_forever()
