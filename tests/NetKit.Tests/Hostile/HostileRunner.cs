using NetKit.Tests.Support;

namespace NetKit.Tests.Hostile;

/// <summary>A server under hostile input, started once per test class.</summary>
public interface IHostileServer
{
    /// <summary>A raw connection that has read the greeting (if the protocol has one).</summary>
    Task<RawLineClient> ConnectAsync();

    /// <summary>A harmless command (CRLF included) sent on a connection that must still be open after a case; empty for a service with nothing to ask.</summary>
    string Probe { get; }

    /// <summary>The exact reply line (or a prefix, ending in '*') the probe gets.</summary>
    string ProbeReply { get; }

    /// <summary>A normal session with our own client library; asserts the store lost nothing acknowledged before.</summary>
    Task NormalClientAsync();
}

/// <summary>Plays a hostile case against a server, then proves it still serves a normal client.</summary>
public static class HostileRunner
{
    public static async Task RunAsync(IHostileServer server, HostileCase hostile)
    {
        using (var client = await server.ConnectAsync())
        {
            foreach (var step in hostile.Steps)
            {
                if (step.Send.Length > 0)
                {
                    await client.SendAsync(step.Send);
                }

                foreach (var expected in step.Expect)
                {
                    if (expected.StartsWith('~'))
                    {
                        await SkipUntilAsync(client, expected[1..]);
                    }
                    else
                    {
                        AssertLine(expected, await ReadLineAsync(client, expected));
                    }
                }

                if (step.StartTls)
                {
                    await client.StartTlsAsync();
                }
            }

            if (hostile.Closes)
            {
                Assert.Equal("", await RestAsync(client));
            }
            else if (server.Probe.Length > 0)
            {
                await client.SendAsync(server.Probe);
                AssertLine(server.ProbeReply, await ReadLineAsync(client, server.ProbeReply));
            }
        }

        await server.NormalClientAsync();
    }

    public static bool Matches(string expected, string actual) =>
        expected.EndsWith('*') ? actual.StartsWith(expected[..^1], StringComparison.Ordinal) : actual == expected;

    public static void AssertLine(string expected, string actual)
    {
        if (expected.EndsWith('*'))
        {
            Assert.True(actual.StartsWith(expected[..^1], StringComparison.Ordinal), $"expected a line starting \"{expected[..^1]}\", got \"{actual}\"");
        }
        else
        {
            Assert.Equal(expected, actual);
        }
    }

    /// <summary>Reads past untagged lines (a SELECT's, a greeting's) up to one that matches.</summary>
    private static async Task SkipUntilAsync(RawLineClient client, string expected)
    {
        while (!Matches(expected, await ReadLineAsync(client, expected)))
        {
        }
    }

    private static async Task<string> ReadLineAsync(RawLineClient client, string expected)
    {
        try
        {
            return (await client.ReadLineAsync()).TrimEnd('\n').TrimEnd('\r');
        }
        catch (IOException e)
        {
            throw new Xunit.Sdk.XunitException($"expected \"{expected}\" but the connection ended: {e.Message}");
        }
    }

    /// <summary>What the server sent before closing; a reset counts as a close with nothing more.</summary>
    private static async Task<string> RestAsync(RawLineClient client)
    {
        try
        {
            return await client.ReadToEndAsync();
        }
        catch (IOException)
        {
            return "";
        }
    }
}
