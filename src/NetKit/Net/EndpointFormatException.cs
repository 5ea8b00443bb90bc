namespace NetKit.Net;

/// <summary>
/// An endpoint's text is not well formed: a missing port, a bad bracket, an
/// unknown scheme, a port out of range. The message quotes the text and says
/// what was wrong, e.g. <c>invalid endpoint "foo:": missing port</c>.
/// </summary>
public sealed class EndpointFormatException : FormatException
{
    public EndpointFormatException(string text, string reason)
        : base($"invalid endpoint \"{text}\": {reason}")
    {
        Text = text;
        Reason = reason;
    }

    /// <summary>The text that failed to parse.</summary>
    public string Text { get; }

    /// <summary>What was wrong with it, without the text.</summary>
    public string Reason { get; }
}
