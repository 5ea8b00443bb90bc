using System.Net;
using System.Net.Sockets;
using NetKit.Ftp;
using NetKit.Tests.Support;

namespace NetKit.Tests.Ftp;

/// <summary>A control connection driven byte by byte, for bad input and out-of-order commands.</summary>
internal sealed class FtpRawSession : IDisposable
{
    private FtpRawSession(RawLineClient client) => Client = client;

    public RawLineClient Client { get; }

    public static async Task<FtpRawSession> ConnectAsync(FtpTestServer server, bool login = true)
    {
        var session = new FtpRawSession(await RawLineClient.ConnectAsync(server.Port));
        Assert.Equal(220, (await session.ReadReplyAsync()).Code);
        if (login)
        {
            Assert.Equal(331, (await session.CommandAsync($"USER {FtpTestServer.User}")).Code);
            Assert.Equal(230, (await session.CommandAsync($"PASS {FtpTestServer.Password}")).Code);
        }

        return session;
    }

    public async Task<FtpReply> CommandAsync(string line)
    {
        await Client.SendAsync(line + "\r\n");
        return await ReadReplyAsync();
    }

    public async Task<FtpReply> CommandAsync(byte[] line)
    {
        await Client.SendAsync([.. line, (byte)'\r', (byte)'\n']);
        return await ReadReplyAsync();
    }

    public async Task<FtpReply> ReadReplyAsync()
    {
        var parser = new FtpReplyParser();
        while (true)
        {
            var line = (await Client.ReadLineAsync()).TrimEnd('\r', '\n');
            if (parser.Add(line) is { } reply)
            {
                return reply;
            }
        }
    }

    /// <summary>PASV, and a socket connected to the port it names.</summary>
    public async Task<Socket> OpenPassiveAsync()
    {
        var reply = await CommandAsync("PASV");
        Assert.Equal(227, reply.Code);
        Assert.True(FtpAddresses.TryParsePassiveReply(reply.Text, out var endPoint), reply.Text);
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, endPoint.Port));
        return socket;
    }

    public void Dispose() => Client.Dispose();
}
