using System.Net;
using System.Net.Sockets;
using NetKit.Telnet;
using NetKit.Transport;

namespace NetKit.Fuzz;

/// <summary>
/// The Telnet codec as a session runs it: TelnetParser's events go to a TelnetChannel (its
/// negotiator answers WILL/DO, it parses TTYPE, NAWS, NEW-ENVIRON and LINEMODE). The first
/// byte picks the side, BINARY input and how the rest is cut into reads, so commands split
/// across reads are fuzzed too. The channel needs a connection; replies are only queued
/// here (they go out on the next read), so one loopback pair made once serves every input.
/// </summary>
internal static class TelnetNegotiation
{
    private static readonly Lazy<NetConnection> Connection = new(Connect);
    private static Socket? peer;

    public static void Run(byte[] input)
    {
        if (input.Length == 0)
        {
            return;
        }

        var control = input[0];
        var role = (control & 1) == 0 ? TraceRole.Server : TraceRole.Client;
        var channel = new TelnetChannel(Connection.Value, role, new TelnetChannelOptions
        {
            MaxSubnegotiation = 64,
            EditingCommandsAsData = (control & 4) != 0,
            AreYouThereReply = "[yes]",
        });
        var parser = new TelnetParser(64) { BinaryInput = (control & 2) != 0 };
        var chunk = (control >> 3) + 1;
        var rest = input.AsSpan(1);
        while (!rest.IsEmpty)
        {
            var take = Math.Min(chunk, rest.Length);
            parser.Parse(rest[..take], channel);
            rest = rest[take..];
        }
    }

    private static NetConnection Connect()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        client.Connect(listener.LocalEndPoint!);
        peer = listener.Accept();
        return new NetConnection(client);
    }
}
