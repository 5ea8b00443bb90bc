using System.Text;
using NetKit.Net;
using NetKit.Transport;

namespace NetKit.Services;

/// <summary>The reverse service said no (invalid UTF-8, a line too long); the connection is still usable.</summary>
public sealed class ReverseServiceException(string message) : NetKitException(message);

/// <summary>
/// A client of the reverse service over a stream (TCP, Unix) or datagrams
/// (UDP, Unix datagram): one line out, its reverse back.
/// </summary>
public sealed class ReverseClient : IAsyncDisposable
{
    private readonly NetConnection? _connection;
    private readonly LineReader? _reader;
    private readonly LineWriter? _writer;
    private readonly DatagramClient? _datagrams;

    private ReverseClient(NetConnection connection)
    {
        _connection = connection;
        _reader = new LineReader(connection, maxLineLength: 64 * 1024);
        _writer = new LineWriter(connection);
    }

    private ReverseClient(DatagramClient datagrams) => _datagrams = datagrams;

    public static async Task<ReverseClient> ConnectAsync(NetEndpoint endpoint, WireTrace? trace = null, CancellationToken cancellationToken = default)
    {
        if (endpoint.IsDatagram)
        {
            return new ReverseClient(DatagramClient.Open(await endpoint.ResolveAsync(cancellationToken)));
        }

        var connection = await NetConnection.ConnectAsync(endpoint, NetConnection.DefaultConnectTimeout, cancellationToken);
        connection.Trace = trace;
        return new ReverseClient(connection);
    }

    /// <summary>Sends <paramref name="text"/> (one line) and returns the server's answer.</summary>
    public async Task<string> ReverseAsync(string text, CancellationToken cancellationToken = default)
    {
        if (text.Contains('\n') || text.Contains('\r'))
        {
            throw new ArgumentException("The text must be a single line.", nameof(text));
        }

        var answer = _datagrams is not null
            ? await ExchangeDatagramAsync(text, cancellationToken)
            : await ExchangeLineAsync(text, cancellationToken);
        // Text can reverse into something that starts with "error: " (" :rorre"):
        // an answer is an error only when it is not the reversal.
        if (answer.StartsWith("error: ", StringComparison.Ordinal) && answer != TextElements.Reverse(text))
        {
            throw new ReverseServiceException($"the reverse server answered: {answer}");
        }

        return answer;
    }

    public async ValueTask DisposeAsync()
    {
        _reader?.Dispose();
        _datagrams?.Dispose();
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }
    }

    private async Task<string> ExchangeLineAsync(string text, CancellationToken cancellationToken)
    {
        await _writer!.WriteLineAsync(text, cancellationToken);
        var line = await _reader!.ReadLineAsync(cancellationToken);
        return line.Status switch
        {
            LineStatus.Line when line.Bytes.IsEmpty && text.Length > 0 =>
                throw new NetKitException($"the server at {_connection!.Remote} answered with an empty line; it does not speak the line-based reverse protocol"),
            LineStatus.Line => line.Text,
            LineStatus.TooLong => throw new NetKitException("the reverse server sent an answer longer than 64 KiB"),
            _ => throw new NetKitException($"the reverse server at {_connection!.Remote} closed the connection without answering"),
        };
    }

    private async Task<string> ExchangeDatagramAsync(string text, CancellationToken cancellationToken)
    {
        await _datagrams!.SendAsync(Encoding.UTF8.GetBytes(text + "\n"), cancellationToken);
        var buffer = new byte[DatagramServer.MaxDatagramSize];
        var n = await _datagrams.ReceiveAsync(buffer, cancellationToken);
        return Encoding.UTF8.GetString(buffer, 0, n).TrimEnd('\r', '\n');
    }
}
