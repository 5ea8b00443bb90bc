using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using NetKit.Transport;

namespace NetKit.Tests.Smtp.ClientSupport;

/// <summary>How a scripted server hands its replies to the socket.</summary>
public enum Delivery
{
    /// <summary>Each group of consecutive S: lines in one write.</summary>
    Whole,

    /// <summary>One byte per write, to find buffer-boundary bugs in the client.</summary>
    ByteByByte,
}

/// <summary>
/// A fake SMTP server on a real loopback socket that plays a transcript, as
/// MailKit's tests do. Lines of the script:
/// <c>S: text</c> the server sends text + CRLF (consecutive S: lines go in one write);
/// <c>C: text</c> the next line from the client must be exactly text; <c>C* text</c> must start with it;
/// <c>DOT</c> the message data (after DATA and 354) up to the lone dot is kept in <see cref="Data"/>;
/// <c>C: BDAT n ...</c> the n raw bytes that follow are kept in <see cref="Data"/>;
/// <c>S: &lt;raw&gt;text</c> text is sent as it is (no CRLF added);
/// <c>TLS</c> the server starts TLS; <c>CLOSED</c> the client must close without sending more;
/// <c>SILENT</c> the server reads and answers nothing until the client leaves.
/// A mismatch ends the connection, and <see cref="Completion"/> fails with what went wrong.
/// </summary>
public sealed class ScriptedSmtpServer : LoopbackFakeServer
{
    private readonly string[] _script;
    private readonly Delivery _delivery;
    private readonly List<string> _received = [];
    private readonly Lock _gate = new();
    private readonly List<byte[]> _data = [];

    private ScriptedSmtpServer(string[] script, Delivery delivery)
    {
        _script = script;
        _delivery = delivery;
        Begin();
    }

    /// <summary>The messages received: after DATA as on the wire (still dot-stuffed, without the lone dot), or a BDAT chunk.</summary>
    public IReadOnlyList<byte[]> Data
    {
        get
        {
            lock (_gate)
            {
                return _data.ToArray();
            }
        }
    }

    public static X509Certificate2 Certificate { get; } = TlsCertificates.CreateSelfSigned();

    public static ScriptedSmtpServer Start(string script, Delivery delivery = Delivery.Whole) =>
        new(script.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), delivery);

    protected override async Task ServeAsync(NetConnection connection)
    {
        using var reader = new LineReader(connection, 1 << 20);
        var i = 0;
        try
        {
            while (i < _script.Length)
            {
                var step = _script[i];
                if (step.StartsWith("S:", StringComparison.Ordinal))
                {
                    var output = new StringBuilder();
                    for (; i < _script.Length && _script[i].StartsWith("S:", StringComparison.Ordinal); i++)
                    {
                        var text = _script[i][2..].TrimStart();
                        output.Append(text.StartsWith("<raw>", StringComparison.Ordinal) ? text[5..] : text + "\r\n");
                    }

                    await SendAsync(connection, Encoding.UTF8.GetBytes(output.ToString()));
                    continue;
                }

                i++;
                if (step == "TLS")
                {
                    await connection.UpgradeToServerTlsAsync(Certificate);
                }
                else if (step == "CLOSED")
                {
                    LineResult line;
                    try
                    {
                        line = await reader.ReadLineAsync();
                    }
                    catch (IOException)
                    {
                        continue; // Reset rather than closed: gone all the same.
                    }

                    if (line.Status != LineStatus.EndOfStream || !line.Bytes.IsEmpty)
                    {
                        throw Mismatch("the end of the connection", line.Status == LineStatus.EndOfStream ? "(a partial line)" : line.Text);
                    }
                }
                else if (step == "SILENT")
                {
                    while ((await reader.ReadLineAsync()).Status != LineStatus.EndOfStream)
                    {
                        // Whatever the client says goes unanswered.
                    }
                }
                else if (step.StartsWith("C*", StringComparison.Ordinal))
                {
                    var prefix = step[2..].TrimStart();
                    var line = await reader.ReadLineAsync();
                    Record(line.Text);
                    if (line.Status != LineStatus.Line || !line.Text.StartsWith(prefix, StringComparison.Ordinal))
                    {
                        throw Mismatch(prefix + "...", line.Text);
                    }
                }
                else if (step.StartsWith("C:", StringComparison.Ordinal))
                {
                    var expected = step[2..].TrimStart();
                    var line = await reader.ReadLineAsync();
                    if (line.Status != LineStatus.Line)
                    {
                        throw Mismatch(expected, $"({line.Status})");
                    }

                    var text = line.Text;
                    Record(text);
                    if (text != expected)
                    {
                        throw Mismatch(expected, text);
                    }

                    if (expected.StartsWith("BDAT ", StringComparison.Ordinal))
                    {
                        var size = int.Parse(expected.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
                        var chunk = new byte[size];
                        await reader.ReadExactlyAsync(chunk);
                        Keep(chunk);
                    }
                }
                else if (step == "DOT")
                {
                    Keep(await ReadDataAsync(reader));
                }
                else
                {
                    throw new InvalidOperationException($"bad script line: {step}");
                }
            }
        }
        catch (ScriptMismatchException)
        {
            throw;
        }
        catch (Exception ex) when (ex is IOException or SocketException)
        {
            throw new ScriptMismatchException($"the connection broke at script line {i}: {ex.Message}\n{Transcript()}");
        }
    }

    /// <summary>The wire bytes of DATA, up to (not including) CRLF.CRLF's last "." line.</summary>
    private static async Task<byte[]> ReadDataAsync(LineReader reader)
    {
        var data = new MemoryStream();
        while (true)
        {
            var line = await reader.ReadLineAsync();
            if (line.Status != LineStatus.Line)
            {
                throw new ScriptMismatchException("the client stopped in the middle of DATA");
            }

            if (line.Bytes.Span.SequenceEqual("."u8))
            {
                return data.ToArray();
            }

            data.Write(line.Bytes.Span);
            data.Write(LineResult.Terminator(line.Ending));
        }
    }

    private async Task SendAsync(NetConnection connection, byte[] bytes)
    {
        if (_delivery == Delivery.Whole)
        {
            await connection.WriteAsync(bytes);
            return;
        }

        for (var i = 0; i < bytes.Length; i++)
        {
            await connection.WriteAsync(bytes.AsMemory(i, 1));
        }
    }

    private void Record(string line)
    {
        lock (_gate)
        {
            _received.Add(line);
        }
    }

    private void Keep(byte[] data)
    {
        lock (_gate)
        {
            _data.Add(data);
        }
    }

    private ScriptMismatchException Mismatch(string expected, string actual) =>
        new($"the script expected \"{expected}\" but the client sent \"{actual}\"\n{Transcript()}");

    private string Transcript()
    {
        lock (_gate)
        {
            return "received so far:\n" + string.Join('\n', _received.Select(l => "C: " + l));
        }
    }
}

public sealed class ScriptMismatchException(string message) : Exception(message);
