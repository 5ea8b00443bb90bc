using System.Globalization;
using System.Text;
using NetKit.Pop3;
using NetKit.Pop3.Client;
using NetKit.Tests.Support;
using NetKit.Transport;

namespace NetKit.Tests.Pop3;

/// <summary>Our client (library and CLI) against Debian's Dovecot, started on a loopback port with a temporary configuration.</summary>
public sealed class Pop3DovecotTests : IAsyncLifetime
{
    private static readonly byte[][] Messages =
    [
        "From: a@example.org\r\nSubject: one\r\n\r\nfirst body\r\n.starts with a dot\r\n"u8.ToArray(),
        "From: b@example.org\r\nSubject: two\r\n\r\nsecond\r\nbody\r\nlines\r\n"u8.ToArray(),
        Encoding.UTF8.GetBytes("From: c@example.org\r\nSubject: three\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nünïcödé\r\n" + new string('x', 5000) + "\r\n"),
    ];

    private DovecotPeer? _dovecot;

    private int Port => _dovecot!.Port;

    private string Temp => _dovecot!.Temp;

    private string Address => $"127.0.0.1:{Port}";

    public async Task InitializeAsync() => _dovecot = await DovecotPeer.StartAsync("pop3", Messages);

    public async Task DisposeAsync()
    {
        if (_dovecot is not null)
        {
            await _dovecot.DisposeAsync();
        }
    }

    [Fact]
    public async Task Client_readsEverything_thenDeletesAtQuit()
    {
        var trace = new StringWriter();
        await using (var client = await Pop3Client.ConnectAsync(Address, Pop3TlsMode.None, new Pop3ClientOptions { Trace = new WireTrace(trace, TraceRole.Client) }))
        {
            await client.LoginAsync("bob", "pw");
            Assert.Contains("C: AUTH PLAIN ********", trace.ToString());
            Assert.DoesNotContain("AGJvYgBwdw", trace.ToString()); // base64 of "\0bob\0pw"
            Assert.Equal("Dovecot (Debian) ready.", client.Greeting);
            Assert.True(client.Capabilities.Pipelining);
            Assert.Equal(new Pop3Stat(3, Messages.Sum(m => (long)m.Length)), await client.StatAsync());
            Assert.Equal(Messages.Select((m, i) => new Pop3ListEntry(i + 1, m.Length)), await client.ListAsync());
            var uids = await client.UidlAsync();
            Assert.Equal(3, uids.Select(u => u.UniqueId).Distinct().Count());
            Assert.Equal(uids[1], await client.UidlAsync(2));
            for (var i = 0; i < Messages.Length; i++)
            {
                Assert.Equal(Messages[i], await client.RetrAsync(i + 1));
            }

            Assert.Equal("From: b@example.org\r\nSubject: two\r\n\r\nsecond\r\nbody\r\n"u8.ToArray(), await client.TopAsync(2, 2));
            Assert.Equal("three", (await client.RetrMessageAsync(3)).Subject);
            var pipelined = new Dictionary<int, byte[]>();
            await client.RetrManyAsync([3, 1, 2], (n, bytes) =>
            {
                pipelined[n] = bytes;
                return ValueTask.CompletedTask;
            });
            Assert.Equal(Messages[0], pipelined[1]);
            Assert.Equal(Messages[2], pipelined[3]);
            var missing = await Assert.ThrowsAsync<Pop3CommandException>(() => client.RetrAsync(4));
            Assert.Equal("RETR 4", missing.Command);
            await client.NoopAsync();
            await client.DeleAsync(1);
            await client.QuitAsync();
        }

        await using var again = await Pop3Client.ConnectAsync(Address);
        await again.UserPassAsync("bob", "pw");
        Assert.Equal(2, (await again.StatAsync()).Count);
    }

    [Fact]
    public async Task Client_wrongPassword_isCommandExceptionWithAuthCode()
    {
        await using var client = await Pop3Client.ConnectAsync(Address);
        var failed = await Assert.ThrowsAsync<Pop3CommandException>(() => client.LoginAsync("bob", "wrong"));
        Assert.Equal(Pop3ResponseCodes.Auth, failed.Code);
    }

    [Fact]
    public async Task Cli_listAndRetr_againstDovecot()
    {
        string[] login = ["--server", Address, "--user", "bob", "--password", "pw"];
        var list = await NetkitCli.RunAsync(["pop3", "list", .. login]);
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Equal(string.Concat(Messages.Select((m, i) => string.Create(CultureInfo.InvariantCulture, $"{i + 1}\t{m.Length}\n"))), list.Stdout);
        var output = Path.Combine(Temp, "saved");
        var retr = await NetkitCli.RunAsync(["pop3", "retr", "--output", output, .. login]);
        Assert.True(retr.ExitCode == 0, retr.ToString());
        for (var i = 0; i < Messages.Length; i++)
        {
            Assert.Equal(Messages[i], await File.ReadAllBytesAsync(Path.Combine(output, $"{i + 1}.eml")));
        }
    }
}
