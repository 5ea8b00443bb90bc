"""Python's ftplib (a client nobody here wrote) against a NetKit FTP server.

argv: host port user password mode(plain|tls) local-dir
Uploads local-dir/upload.bin, works through the command set, downloads into
local-dir, and prints one JSON object with what it saw.
"""
import ftplib
import hashlib
import io
import json
import os
import ssl
import sys

host, port, user, password, mode, local = sys.argv[1:7]
if mode == "tls":
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    ftp = ftplib.FTP_TLS(context=context, encoding="utf-8")
else:
    ftp = ftplib.FTP(encoding="utf-8")

result = {}
result["welcome"] = ftp.connect(host, int(port), timeout=20)
if mode == "tls":
    ftp.auth()
ftp.login(user, password)
if mode == "tls":
    ftp.prot_p()
result["pwd"] = ftp.pwd()
folder = "папка с пробелом"
result["mkd"] = ftp.mkd(folder)
ftp.cwd(folder)
result["pwd2"] = ftp.pwd()
with open(os.path.join(local, "upload.bin"), "rb") as f:
    result["stor"] = ftp.storbinary("STOR файл.bin", f, blocksize=65536)
result["size"] = ftp.size("файл.bin")
result["mdtm"] = ftp.voidcmd("MDTM файл.bin")
h = hashlib.sha256()
result["retr"] = ftp.retrbinary("RETR файл.bin", h.update, blocksize=65536)
result["sha256"] = h.hexdigest()
# Resume: the second half only, via REST.
half = result["size"] // 2
h2 = hashlib.sha256()
ftp.retrbinary("RETR файл.bin", h2.update, rest=half)
result["sha256_tail"] = h2.hexdigest()
result["nlst"] = ftp.nlst()
result["mlsd"] = {name: {"type": facts.get("type"), "size": facts.get("size")} for name, facts in ftp.mlsd(facts=["type", "size"])}
lines = []
ftp.retrlines("LIST", lines.append)
result["list"] = lines
ftp.storlines("STOR text.txt", io.BytesIO(b"line one\nline two\n"))
text = []
ftp.retrlines("RETR text.txt", text.append)
result["text"] = text
ftp.rename("файл.bin", "renamed.bin")
ftp.delete("renamed.bin")
ftp.delete("text.txt")
ftp.cwd("..")
result["rmd"] = ftp.rmd(folder)
try:
    ftp.cwd("../../etc")
    result["escape"] = "allowed"
except ftplib.error_perm as e:
    result["escape"] = str(e)
result["feat"] = ftp.sendcmd("FEAT")
result["quit"] = ftp.quit()
print(json.dumps(result, ensure_ascii=False))
