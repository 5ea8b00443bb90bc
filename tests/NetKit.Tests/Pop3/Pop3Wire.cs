using NetKit.Tests.Support;

namespace NetKit.Tests.Pop3;

/// <summary>Helpers for raw POP3 conversations in tests.</summary>
internal static class Pop3Wire
{
    /// <summary>Sends a line and returns the status line of the answer (without CRLF).</summary>
    public static async Task<string> CommandAsync(this RawLineClient client, string line)
    {
        await client.SendAsync(line + "\r\n");
        return (await client.ReadLineAsync()).TrimEnd('\r', '\n');
    }

    /// <summary>Reads the lines of a multi-line body up to the lone dot, as sent (stuffing kept), without CRLF.</summary>
    public static async Task<List<string>> ReadBodyAsync(this RawLineClient client)
    {
        var lines = new List<string>();
        while (true)
        {
            var line = await client.ReadLineAsync();
            Assert.EndsWith("\r\n", line);
            var text = line[..^2];
            if (text == ".")
            {
                return lines;
            }

            lines.Add(text);
        }
    }

    /// <summary>Connects, checks the greeting, logs in as alice with USER/PASS.</summary>
    public static async Task<RawLineClient> LoggedInAsync(Pop3TestServer server)
    {
        var client = await RawLineClient.ConnectAsync(server.Port);
        Assert.StartsWith("+OK", await client.ReadLineAsync());
        Assert.StartsWith("+OK", await client.CommandAsync("USER " + Pop3TestServer.User));
        Assert.StartsWith("+OK", await client.CommandAsync("PASS " + Pop3TestServer.Password));
        return client;
    }
}
