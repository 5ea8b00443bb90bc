namespace NetKit.Imap;

/// <summary>The bounds a command must keep to; every one has a default, as everywhere in NetKit.</summary>
public sealed record ImapLimits
{
    /// <summary>
    /// The longest command line, in bytes without CRLF (literals not counted). RFC 7162 asks
    /// servers to take at least 8,192; Dovecot takes 64 KiB, and so does NetKit.
    /// </summary>
    public int MaxLineLength { get; init; } = 64 * 1024;

    /// <summary>The biggest literal (an APPENDed message, mostly), in bytes; bigger ones get BAD [TOOBIG].</summary>
    public long MaxLiteralSize { get; init; } = 64L * 1024 * 1024;

    /// <summary>Literals in one command (each a line more to read): a bound on a command's size in pieces.</summary>
    public int MaxLiterals { get; init; } = 1000;

    /// <summary>How deep parentheses may nest (SEARCH keys, lists); deeper is BAD, not a stack overflow.</summary>
    public int MaxNesting { get; init; } = 32;

    /// <summary>
    /// A non-synchronizing literal (RFC 7888) over <see cref="MaxLiteralSize"/> arrives anyway; up to
    /// this many bytes it is read and thrown away so the connection stays in step, beyond it the
    /// server says BYE and closes (RFC 7888 section 4 allows either).
    /// </summary>
    public long MaxDiscardedLiteralSize { get; init; } = 256L * 1024 * 1024;
}
