namespace NetKit.Tests.Support;

/// <summary>
/// Debian's Dovecot serving POP3 or IMAP on a loopback port (interop/dovecot_server.py) with a
/// temporary configuration and one user, bob with password pw, whose maildir holds the messages given.
/// Written once for the POP3 and IMAP client suites.
/// </summary>
internal sealed class DovecotPeer : IAsyncDisposable
{
    private readonly ChildProcess _server;

    private DovecotPeer(ChildProcess server, int port, string temp)
    {
        _server = server;
        Port = port;
        Temp = temp;
    }

    public int Port { get; }

    /// <summary>A folder of the test's own, removed with the peer.</summary>
    public string Temp { get; }

    /// <param name="protocol">"pop3" or "imap".</param>
    public static async Task<DovecotPeer> StartAsync(string protocol, IReadOnlyList<byte[]> messages)
    {
        switch (protocol)
        {
            case "pop3" when !File.Exists("/usr/sbin/dovecot"):
                PeerPrograms.Require("dovecot", "dovecot-pop3d");
                break;
            case "imap" when !File.Exists("/usr/lib/dovecot/imap"):
                PeerPrograms.Require("dovecot-imap", "dovecot-imapd");
                break;
        }

        var temp = Directory.CreateTempSubdirectory($"nk-{protocol}-dovecot-").FullName;
        try
        {
            var files = new List<string>();
            for (var i = 0; i < messages.Count; i++)
            {
                var path = Path.Combine(temp, $"{i}.eml");
                await File.WriteAllBytesAsync(path, messages[i]);
                files.Add(path);
            }

            var (server, port) = await InteropScripts.StartServerAsync("dovecot_server.py", [protocol, "bob", "pw", .. files]);
            return new DovecotPeer(server, port, temp);
        }
        catch
        {
            Directory.Delete(temp, recursive: true);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _server.SignalAndWaitAsync("TERM", TimeSpan.FromSeconds(20)); // the script stops Dovecot and removes its files
        }
        finally
        {
            await _server.DisposeAsync();
            Directory.Delete(Temp, recursive: true);
        }
    }
}
