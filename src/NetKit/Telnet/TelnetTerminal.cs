using System.Text;
using NetKit.Transport;

namespace NetKit.Telnet;

/// <summary>
/// The server's side of a terminal: reads lines with the editing a character-mode
/// client leaves to the server (echo, Backspace/DEL, Ctrl+U, Ctrl+C, EC, EL) and
/// writes text. A client in line mode (no ECHO agreed) edits its own lines; then
/// nothing is echoed.
/// </summary>
public sealed class TelnetTerminal
{
    private const byte Backspace = 0x08;
    private const byte Delete = 0x7f;
    private const byte KillLine = 0x15;   // Ctrl+U
    private const byte Interrupt = 0x03;  // Ctrl+C
    private readonly byte[] _buffer = new byte[1024];
    private int _start;
    private int _end;
    private bool _skipLf;

    public TelnetTerminal(TelnetChannel channel, int maxLineLength = 1024)
    {
        Channel = channel ?? throw new ArgumentNullException(nameof(channel));
        MaxLineLength = maxLineLength;
    }

    public TelnetChannel Channel { get; }

    /// <summary>The longest line kept; what is typed beyond it is refused with a bell.</summary>
    public int MaxLineLength { get; }

    /// <summary>
    /// The time the client has to send one whole line; past it the terminal says
    /// <see cref="Goodbye"/> and <see cref="ReadLineAsync"/> returns null, as if the client had
    /// closed. Infinite by default (the transport's idle timeout, if any, closes without a word).
    /// </summary>
    public TimeSpan LineTimeout { get; init; } = Timeout.InfiniteTimeSpan;

    /// <summary>What a client that sent no whole line within <see cref="LineTimeout"/> hears before the close.</summary>
    public const string Goodbye = "\r\nidle for too long; goodbye\r\n";

    /// <summary>True when we echo (the client agreed to our WILL ECHO): character mode.</summary>
    public bool Echoes => Channel.IsEnabled(TelnetSide.Local, TelnetOption.Echo);

    public ValueTask WriteAsync(string text, CancellationToken cancellationToken = default) => Channel.WriteTextAsync(text, cancellationToken);

    public ValueTask WriteLineAsync(string text, CancellationToken cancellationToken = default) => Channel.WriteTextAsync(text + "\r\n", cancellationToken);

    /// <summary>Reads one line (without its end); null when the client has closed or let <see cref="LineTimeout"/> pass.</summary>
    /// <param name="echo">False for a password: nothing typed is shown.</param>
    public async ValueTask<string?> ReadLineAsync(bool echo = true, CancellationToken cancellationToken = default)
    {
        if (LineTimeout == Timeout.InfiniteTimeSpan)
        {
            return await ReadLineWithinAsync(echo, cancellationToken);
        }

        // The same deadline as the line protocols' command timeouts: a linked source cancelled after the timeout.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(LineTimeout);
        try
        {
            return await ReadLineWithinAsync(echo, deadline.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            await LastWords.TrySayAsync(ct => Channel.WriteTextAsync(Goodbye, ct));
            return null;
        }
    }

    private async ValueTask<string?> ReadLineWithinAsync(bool echo, CancellationToken cancellationToken)
    {
        var line = new List<byte>();
        var feedback = new List<byte>();
        while (true)
        {
            if (_start == _end)
            {
                _start = 0;
                _end = await Channel.ReadAsync(_buffer, cancellationToken);
                if (_end == 0)
                {
                    return null;
                }
            }

            var showing = echo && Echoes;
            feedback.Clear();
            string? done = null;
            while (_start < _end && done is null)
            {
                var b = _buffer[_start++];
                if (_skipLf)
                {
                    _skipLf = false;
                    if (b is (byte)'\n' or 0)
                    {
                        continue;
                    }
                }

                switch (b)
                {
                    case (byte)'\r' or (byte)'\n':
                        _skipLf = b == '\r';
                        done = Encoding.UTF8.GetString(line.ToArray());
                        if (showing || Echoes)
                        {
                            feedback.AddRange("\r\n"u8);
                        }

                        break;
                    case Backspace or Delete:
                        if (EraseLast(line) && showing)
                        {
                            feedback.AddRange("\b \b"u8);
                        }

                        break;
                    case KillLine:
                        while (EraseLast(line))
                        {
                            if (showing)
                            {
                                feedback.AddRange("\b \b"u8);
                            }
                        }

                        break;
                    case Interrupt:
                        line.Clear();
                        if (Echoes)
                        {
                            feedback.AddRange("^C\r\n"u8);
                        }

                        done = "";
                        break;
                    case < 0x20:
                        break; // Other control bytes (binary noise, escape sequences' ESC) are not text.
                    default:
                        if (line.Count >= MaxLineLength)
                        {
                            feedback.Add(0x07);
                            break;
                        }

                        line.Add(b);
                        if (showing)
                        {
                            feedback.Add(b);
                        }

                        break;
                }
            }

            if (feedback.Count > 0)
            {
                await Channel.WriteAsync(feedback.ToArray(), cancellationToken);
            }

            if (done is not null)
            {
                Channel.Connection.Touch(); // A whole line is traffic for the server's idle timeout.
                return done;
            }
        }
    }

    /// <summary>Removes the last character (a whole UTF-8 sequence); false when the line was empty.</summary>
    private static bool EraseLast(List<byte> line)
    {
        if (line.Count == 0)
        {
            return false;
        }

        var i = line.Count - 1;
        while (i > 0 && (line[i] & 0xC0) == 0x80)
        {
            i--;
        }

        line.RemoveRange(i, line.Count - i);
        return true;
    }
}
