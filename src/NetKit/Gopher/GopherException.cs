namespace NetKit.Gopher;

/// <summary>The server answered a request with an error item (type 3): it said no; the text is its reason.</summary>
public sealed class GopherErrorException(string message, GopherUrl url)
    : NetKitException($"{url}: the server says: {message}")
{
    /// <summary>The error item's text as the server sent it.</summary>
    public string ServerMessage { get; } = message;

    public GopherUrl Url { get; } = url;
}
