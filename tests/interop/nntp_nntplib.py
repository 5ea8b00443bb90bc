"""Python's nntplib (3.11; removed in 3.13) against NetKit's news server.

Usage: nntp_nntplib.py PORT USER PASSWORD
Posts, reads the group, its overview and the article, asks NEWNEWS and the
lists, then on a second connection does STARTTLS and logs in. Prints "ok" and
exits 0 when every answer is what RFC 3977 says it must be.
"""
import datetime
import io
import ssl
import sys
import warnings

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import nntplib

port, user, password = int(sys.argv[1]), sys.argv[2], sys.argv[3]
since = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None) - datetime.timedelta(hours=1)

article = (
    b"From: Py Thon <py@example.com>\r\n"
    b"Newsgroups: local.test\r\n"
    b"Subject: from nntplib\r\n"
    b"Message-ID: <nntplib-1@example.com>\r\n"
    b"\r\n"
    b"Hello from nntplib.\r\n"
    b".A line that starts with a dot.\r\n"
    b".\r\n"
    b"The end.\r\n"
)

with nntplib.NNTP("127.0.0.1", port) as s:
    assert s.getwelcome().startswith("200"), s.getwelcome()
    caps = s.getcapabilities()
    assert "READER" in caps and "OVER" in caps, caps
    resp = s.post(io.BytesIO(article))
    assert resp.startswith("240"), resp
    try:
        s.post(io.BytesIO(article))
        raise AssertionError("a duplicate message-id was accepted")
    except nntplib.NNTPTemporaryError as e:
        assert str(e).startswith("441"), e

    resp, count, first, last, name = s.group("local.test")
    assert (count, first, last, name) == (1, 1, 1, "local.test"), (count, first, last, name)
    resp, overviews = s.over((first, last))
    assert len(overviews) == 1, overviews
    number, fields = overviews[0]
    assert number == 1 and fields["subject"] == "from nntplib", fields
    assert fields["message-id"] == "<nntplib-1@example.com>", fields
    assert int(fields[":lines"]) == 4, fields

    resp, info = s.article(1)
    assert resp.startswith("220"), resp
    assert info.message_id == "<nntplib-1@example.com>", info
    body = info.lines[info.lines.index(b"") + 1:]
    assert body == [b"Hello from nntplib.", b".A line that starts with a dot.", b".", b"The end."], body
    resp, info = s.article("<nntplib-1@example.com>")
    assert info.number == 0, info

    resp, ids = s.newnews("local.*", since)
    assert ids == ["<nntplib-1@example.com>"], ids
    resp, ids = s.newnews("comp.*", since)
    assert ids == [], ids

    resp, groups = s.list()
    assert [g.group for g in groups] == ["local.test"], groups
    assert s.description("local.test") == "Tests", s.description("local.test")
    resp, date = s.date()
    assert abs((date - datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)).total_seconds()) < 3600, date
    resp, subjects = s.xhdr("subject", "1-")
    assert subjects == [("1", "from nntplib")], subjects
    try:
        s.group("no.such.group")
        raise AssertionError("a missing group was selected")
    except nntplib.NNTPTemporaryError as e:
        assert str(e).startswith("411"), e

context = ssl.create_default_context()
context.check_hostname = False
context.verify_mode = ssl.CERT_NONE
with nntplib.NNTP("127.0.0.1", port) as s:
    assert "STARTTLS" in s.getcapabilities()
    s.starttls(context=context)
    assert s.tls_on
    assert "AUTHINFO" in s.getcapabilities()
    s.login(user, password, usenetrc=False)
    resp, count, first, last, name = s.group("local.test")
    assert count == 1, count

print("ok")
