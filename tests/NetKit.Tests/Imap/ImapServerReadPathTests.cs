using System.Text;
using NetKit.Mail;

namespace NetKit.Tests.Imap;

/// <summary>
/// The server's read path: ENVELOPE/BODYSTRUCTURE kept per stored content after the first FETCH,
/// and SEARCH on header fields reading only each message's header block, whatever its shape.
/// </summary>
public sealed class ImapServerReadPathTests
{
    [Fact]
    public async Task Fetch_structureIsKeptPerContent_sameBytesAfterwards_andGoesWithTheContent()
    {
        await using var harness = await ImapServerHarness.StartAsync();
        await harness.DeliverAsync("From: Ann <ann@example.org>\r\nSubject: =?utf-8?q?caf=C3=A9?=\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nhello\r\n"u8.ToArray());
        using var client = await harness.LoginAsync();
        await client.CommandAsync("a1 SELECT INBOX");
        Assert.Equal(0, harness.Temp!.Scalar("SELECT count(*) FROM message_structures;"));

        var first = await client.CommandAsync("a2 FETCH 1 (ENVELOPE BODY BODYSTRUCTURE)");
        Assert.Equal(1, harness.Temp.Scalar("SELECT count(*) FROM message_structures;"));
        Assert.Equal(
            "* 1 FETCH (ENVELOPE (NIL \"=?utf-8?q?caf=C3=A9?=\" ((\"Ann\" NIL \"ann\" \"example.org\")) ((\"Ann\" NIL \"ann\" \"example.org\")) ((\"Ann\" NIL \"ann\" \"example.org\")) NIL NIL NIL NIL NIL) " +
            "BODY (\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL \"7BIT\" 7 1) BODYSTRUCTURE (\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL \"7BIT\" 7 1 NIL NIL NIL NIL))",
            first[0]);
        Assert.Equal(first, await client.CommandAsync("a2 FETCH 1 (ENVELOPE BODY BODYSTRUCTURE)"));

        // A copy shares the content and so its structure; expunging both removes it with the content.
        await client.CommandAsync("a3 COPY 1 Archive");
        Assert.Equal(first[0], (await client.CommandAsync("a2 FETCH 1 (ENVELOPE BODY BODYSTRUCTURE)"))[0]);
        await client.CommandAsync("a4 STORE 1 +FLAGS.SILENT (\\Deleted)");
        await client.CommandAsync("a5 EXPUNGE");
        Assert.Equal(1, harness.Temp.Scalar("SELECT count(*) FROM message_structures;"));
        var archived = await harness.Store.ListEntriesAsync("bob", "Archive");
        await harness.Store.ExpungeAsync("bob", "Archive", [archived[0].Id]);
        Assert.Equal(0, harness.Temp.Scalar("SELECT count(*) FROM message_structures;"));
    }

    [Fact]
    public async Task Search_headerFields_anyHeaderShape()
    {
        await using var harness = await ImapServerHarness.StartAsync();
        var longHeader = string.Concat(Enumerable.Range(0, 120).Select(i => $"X-Filler-{i}: {new string('f', 60)}\r\n"));
        byte[][] messages =
        [
            "Subject: bare lf\nFrom: a@example.org\n\nSubject: not a header\n"u8.ToArray(),
            "Subject: no body at all\r\nFrom: a@example.org\r\n"u8.ToArray(),
            "\r\nSubject: in the body\r\n"u8.ToArray(),
            Encoding.ASCII.GetBytes(longHeader + "Subject: after eight kilobytes\r\n\r\nSubject: body\r\n"),
            "Subject: folded\r\n across lines\r\n\r\nbody\r\n"u8.ToArray(),
            "Subject: =?utf-8?q?encod=C3=A9?=\r\n\r\nbody\r\n"u8.ToArray(),
        ];
        foreach (var raw in messages)
        {
            await harness.DeliverAsync(raw);
        }

        using var client = await harness.LoginAsync();
        await client.CommandAsync("a1 SELECT INBOX");
        Assert.Equal("* SEARCH 1", (await client.CommandAsync("a2 SEARCH SUBJECT \"bare lf\""))[0]);
        Assert.Equal("* SEARCH", (await client.CommandAsync("a3 SEARCH SUBJECT \"not a header\""))[0]);
        Assert.Equal("* SEARCH 2", (await client.CommandAsync("a4 SEARCH SUBJECT \"no body\""))[0]);
        Assert.Equal("* SEARCH", (await client.CommandAsync("a5 SEARCH SUBJECT \"in the body\""))[0]);
        Assert.Equal("* SEARCH 3", (await client.CommandAsync("a6 SEARCH BODY \"in the body\""))[0]);
        Assert.Equal("* SEARCH 4", (await client.CommandAsync("a7 SEARCH SUBJECT \"eight kilobytes\""))[0]);
        Assert.Equal("* SEARCH 4", (await client.CommandAsync("a8 SEARCH HEADER X-Filler-119 fff"))[0]);
        Assert.Equal("* SEARCH 5", (await client.CommandAsync("a9 SEARCH SUBJECT \"folded across\""))[0]);
        Assert.Equal("* SEARCH 6", (await client.CommandAsync("b1 SEARCH CHARSET UTF-8 SUBJECT \"encodé\""))[0]);
        Assert.Equal("* SEARCH 1 2 4 5 6", (await client.CommandAsync("b2 SEARCH NOT SUBJECT \"in the body\" NOT BODY \"in the body\""))[0]);
    }

    [Theory]
    [InlineData("a: b\r\n\r\nbody", 8)]
    [InlineData("a: b\n\nbody", 6)]
    [InlineData("\r\nbody", 2)]
    [InlineData("\nbody", 1)]
    [InlineData("a: b\r\n c\r\n\r\n", 12)]
    [InlineData("a: b\r\nc: d\r\n", -1)]
    [InlineData("a: b\r\n\r", -1)]
    public void BlankLineEnd_findsTheEndOfTheHeader(string text, int end) =>
        Assert.Equal(end, MailStore.BlankLineEnd(Encoding.ASCII.GetBytes(text)));
}
