using System.Buffers;
using System.Globalization;
using System.Text;
using NetKit.Transport;

namespace NetKit.Imap;

/// <summary>How a command ended, in a tagged response.</summary>
public enum ImapStatus
{
    Ok,
    No,
    Bad,
}

/// <summary>
/// Builds IMAP responses (untagged "*", tagged, continuation "+") into one buffer and sends it with
/// <see cref="FlushAsync"/>: a command's responses leave in as few writes as possible. Strings go
/// as atoms, quoted strings or literals, whichever the text allows. The trace gets each line, with
/// a literal shown as its size.
/// </summary>
public sealed class ImapResponseWriter
{
    /// <summary>Longer strings go as literals even when they could be quoted (easier on every client's buffers).</summary>
    private const int MaxQuotedLength = 1024;

    private readonly Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> send;
    private readonly Func<WireTrace?> trace;
    private readonly ArrayBufferWriter<byte> buffer = new(4096);
    private readonly StringBuilder traceLine = new();

    public ImapResponseWriter(NetConnection connection)
        : this(connection.WriteAsync, () => connection.Trace)
    {
        ArgumentNullException.ThrowIfNull(connection);
    }

    public ImapResponseWriter(Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> send, Func<WireTrace?> trace)
    {
        this.send = send;
        this.trace = trace;
    }

    /// <summary>Bytes waiting for <see cref="FlushAsync"/>.</summary>
    public int Pending => buffer.WrittenCount;

    /// <summary>"* text".</summary>
    public ImapResponseWriter Untagged(string text) => Raw("* ").Raw(text).EndLine();

    /// <summary>"tag OK [CODE] text".</summary>
    public ImapResponseWriter Tagged(string tag, ImapStatus status, string text, string? code = null) =>
        Raw(tag).Raw(" ").Raw(StatusWord(status)).Raw(" ").Raw(code is null ? "" : $"[{code}] ").Raw(text).EndLine();

    /// <summary>"* OK [CODE] text" and its kin (a status without a tag).</summary>
    public ImapResponseWriter UntaggedStatus(ImapStatus status, string text, string? code = null) =>
        Raw("* ").Raw(StatusWord(status)).Raw(" ").Raw(code is null ? "" : $"[{code}] ").Raw(text).EndLine();

    /// <summary>"+ text": go on (a literal, an IDLE, a SASL challenge).</summary>
    public ImapResponseWriter Continuation(string text) => Raw("+ ").Raw(text).EndLine();

    /// <summary>ASCII text as it is (the caller has made it valid protocol).</summary>
    public ImapResponseWriter Raw(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var span = buffer.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        buffer.Advance(Encoding.UTF8.GetBytes(text, span));
        if (trace() is not null)
        {
            traceLine.Append(text);
        }

        return this;
    }

    /// <summary>Protocol already in wire form (a stored ENVELOPE or BODYSTRUCTURE), as it is.</summary>
    public ImapResponseWriter Raw(ReadOnlySpan<byte> wire)
    {
        wire.CopyTo(buffer.GetSpan(wire.Length));
        buffer.Advance(wire.Length);
        if (trace() is not null)
        {
            traceLine.Append(Encoding.UTF8.GetString(wire));
        }

        return this;
    }

    /// <summary>What has been built, taken out instead of sent (to keep a response part in wire form).</summary>
    public byte[] Take()
    {
        var taken = buffer.WrittenSpan.ToArray();
        buffer.ResetWrittenCount();
        traceLine.Clear();
        return taken;
    }

    public ImapResponseWriter Number(long value) => Raw(value.ToString(CultureInfo.InvariantCulture));

    /// <summary>A string, quoted when it can be, else a literal.</summary>
    public ImapResponseWriter String(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return CanQuote(value) ? Raw(Quote(value)) : Literal(Encoding.UTF8.GetBytes(value));
    }

    /// <summary>NIL for null, else a string.</summary>
    public ImapResponseWriter NString(string? value) => value is null ? Raw("NIL") : String(value);

    /// <summary>An atom when the text is one, else a string (mailbox names, header field names).</summary>
    public ImapResponseWriter AStringValue(string value) => ImapGrammar.IsAtom(value) ? Raw(value) : String(value);

    /// <summary>"{n}" CRLF and the bytes; nothing at all goes as "" (the same string, and easier to read).</summary>
    public ImapResponseWriter Literal(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return Raw("\"\"");
        }

        var header = string.Create(CultureInfo.InvariantCulture, $"{{{bytes.Length}}}\r\n");
        var span = buffer.GetSpan(header.Length + bytes.Length);
        var n = Encoding.ASCII.GetBytes(header, span);
        bytes.CopyTo(span[n..]);
        buffer.Advance(n + bytes.Length);
        if (trace() is not null)
        {
            traceLine.Append(CultureInfo.InvariantCulture, $"{{{bytes.Length}}} <{bytes.Length} bytes>");
        }

        return this;
    }

    /// <summary>Ends the current line (CRLF).</summary>
    public ImapResponseWriter EndLine()
    {
        "\r\n"u8.CopyTo(buffer.GetSpan(2));
        buffer.Advance(2);
        if (trace() is { } sink)
        {
            sink.Sent(traceLine.ToString());
        }

        traceLine.Clear();
        return this;
    }

    /// <summary>Sends what has been built.</summary>
    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        if (buffer.WrittenCount == 0)
        {
            return;
        }

        try
        {
            await send(buffer.WrittenMemory, cancellationToken);
        }
        finally
        {
            buffer.ResetWrittenCount();
            if (buffer.Capacity > 1024 * 1024)
            {
                // One big FETCH must not pin its buffer for the rest of the session.
                buffer.Clear();
            }
        }
    }

    public static string StatusWord(ImapStatus status) => status switch
    {
        ImapStatus.Ok => "OK",
        ImapStatus.No => "NO",
        _ => "BAD",
    };

    /// <summary>True when the text can be a quoted string: 7-bit, no CR, LF or NUL, not too long.</summary>
    public static bool CanQuote(string value) =>
        value.Length <= MaxQuotedLength && !value.AsSpan().ContainsAny('\r', '\n', '\0') && !value.Any(c => c > 0x7f);

    /// <summary>The text between double quotes with '"' and '\' escaped (the caller has checked <see cref="CanQuote"/>).</summary>
    public static string Quote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    /// <summary>An astring for a one-line text: an atom, or a quoted string (callers with CR/LF use <see cref="String"/>).</summary>
    public static string AString(string value) => ImapGrammar.IsAtom(value) ? value : Quote(value);
}
