using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NetKit.Sasl;
using NetKit.Transport;

namespace NetKit.Smtp.Server;

/// <summary>
/// An SMTP server (RFC 5321 with PIPELINING, SIZE, 8BITMIME, SMTPUTF8,
/// CHUNKING, BINARYMIME, DSN, ENHANCEDSTATUSCODES, STARTTLS and AUTH): the
/// protocol as a <see cref="ConnectionHandler"/> for <see cref="StreamServer"/>.
/// Embed it with <see cref="Listen"/>; messages go to an <see cref="ISmtpMessageStore"/>
/// and, first, to <see cref="SmtpServerOptions.OnMessage"/>.
/// </summary>
/// <example>
/// A test that embeds the server and looks at what its code sent:
/// <code>
/// var store = new InMemorySmtpMessageStore();
/// var smtp = new SmtpServer(store, new SmtpServerOptions { CatchAll = true });
/// await using var listener = smtp.Listen(new IPEndPoint(IPAddress.Loopback, 0));
/// // ... point the code under test at listener.LocalEndPoint ...
/// var received = await store.WaitForMessagesAsync(1, TimeSpan.FromSeconds(10));
/// </code>
/// </example>
public sealed class SmtpServer
{
    public const int DefaultPort = 1025;

    private readonly SmtpWireReply[] _ehlo = new SmtpWireReply[4];

    public SmtpServer(ISmtpMessageStore store, SmtpServerOptions? options = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        Store = store;
        Options = options ?? new SmtpServerOptions();
        Validate(Options, store);
        Budget = new SmtpMessageBudget(Options.MaxBufferedMessageBytes);
        Logger = logger ?? NullLogger.Instance;
        Greeting = new SmtpWireReply(new SmtpReply(220, (EnhancedStatusCode?)null, [$"{Options.HostName} {Options.Banner}"]));
        Helo = new SmtpWireReply(new SmtpReply(250, (EnhancedStatusCode?)null, [Options.HostName]));
        Closing = new SmtpWireReply(new SmtpReply(421, (EnhancedStatusCode?)null, [$"{Options.HostName} too busy; try again later"]));
        for (var i = 0; i < _ehlo.Length; i++)
        {
            _ehlo[i] = BuildEhlo(startTls: (i & 1) != 0, auth: (i & 2) != 0);
        }
    }

    public SmtpServerOptions Options { get; }

    public ISmtpMessageStore Store { get; }

    internal ILogger Logger { get; }

    /// <summary>The message bytes all sessions together may hold in memory.</summary>
    internal SmtpMessageBudget Budget { get; }

    /// <summary>
    /// The largest <see cref="SmtpServerOptions.MaxMessageSize"/> this server can honour
    /// with <paramref name="store"/>: what the store can commit, and what one buffer can hold.
    /// </summary>
    public static long LargestMessageSize(ISmtpMessageStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        return Math.Min(store.MaxMessageSize, Array.MaxLength);
    }

    internal SmtpWireReply Greeting { get; }

    internal SmtpWireReply Helo { get; }

    /// <summary>What a connection over the transport's limits hears before it is closed.</summary>
    internal SmtpWireReply Closing { get; }

    /// <summary>The AUTH mechanisms offered, strongest first (none until users are configured).</summary>
    internal IReadOnlyList<string> AuthMechanisms => Options.Users is null ? [] : SaslServer.Supported;

    /// <summary>Serves one connection until the client quits, breaks a limit or leaves.</summary>
    public async Task HandleAsync(NetConnection connection, CancellationToken stopping)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using var session = new SmtpSession(this, connection, stopping);
        await session.RunAsync();
    }

    /// <summary>
    /// Starts listening on <paramref name="bindTo"/> (port 0: a free port, see
    /// <see cref="StreamServer.LocalEndPoint"/>). A connection over the limits is told 421.
    /// </summary>
    public StreamServer Listen(EndPoint bindTo, StreamServerOptions? transport = null, ILogger? logger = null)
    {
        var server = new StreamServer("smtp", bindTo, HandleAsync, WithRejection(transport ?? new StreamServerOptions()), logger ?? Logger);
        server.Start();
        return server;
    }

    /// <summary>The transport's options with SMTP's words for a refused connection (421).</summary>
    public StreamServerOptions WithRejection(StreamServerOptions transport)
    {
        ArgumentNullException.ThrowIfNull(transport);
        return transport with { OnRejected = transport.OnRejected ?? RejectAsync };
    }

    internal SmtpWireReply Ehlo(bool startTls, bool auth) => _ehlo[(startTls ? 1 : 0) | (auth ? 2 : 0)];

    /// <summary>Tells a connection refused by the transport's limits 421 (for <see cref="StreamServerOptions.OnRejected"/>).</summary>
    public async Task RejectAsync(NetConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        connection.Trace?.Sent(Closing.Lines[0]);
        await connection.SendAsync(Closing.Bytes, cancellationToken);
    }

    private static void Validate(SmtpServerOptions options, ISmtpMessageStore store)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxMessageSize, 1, nameof(options.MaxMessageSize));
        var largest = LargestMessageSize(store);
        if (options.MaxMessageSize > largest)
        {
            // A message the store cannot commit would be read whole and then refused with 451, for ever; SIZE must not promise it.
            throw new ArgumentException(
                $"MaxMessageSize {options.MaxMessageSize} is more than this store can keep: at most {largest} bytes", nameof(options));
        }

        if (options.MaxBufferedMessageBytes < options.MaxMessageSize)
        {
            throw new ArgumentException(
                $"MaxBufferedMessageBytes ({options.MaxBufferedMessageBytes}) must be at least MaxMessageSize ({options.MaxMessageSize}), or no message of the advertised size could be received",
                nameof(options));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxRecipients, 1, nameof(options.MaxRecipients));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxCommandLineLength, 512, nameof(options.MaxCommandLineLength));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxDataLineLength, 998, nameof(options.MaxDataLineLength));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxErrors, 1, nameof(options.MaxErrors));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxAuthFailures, 1, nameof(options.MaxAuthFailures));
        if (options.CommandTimeout <= TimeSpan.Zero || options.DataTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "timeouts must be positive");
        }

        if (string.IsNullOrWhiteSpace(options.HostName) || options.HostName.Any(char.IsWhiteSpace))
        {
            throw new ArgumentException("HostName must be one host name", nameof(options));
        }
    }

    private SmtpWireReply BuildEhlo(bool startTls, bool auth)
    {
        List<string> lines =
        [
            Options.HostName,
            "PIPELINING",
            string.Create(CultureInfo.InvariantCulture, $"SIZE {Options.MaxMessageSize}"),
            "8BITMIME",
            "SMTPUTF8",
            "ENHANCEDSTATUSCODES",
            "CHUNKING",
            "BINARYMIME",
            "DSN",
        ];
        if (startTls)
        {
            lines.Add("STARTTLS");
        }

        if (auth && AuthMechanisms.Count > 0)
        {
            lines.Add("AUTH " + string.Join(' ', AuthMechanisms));
        }

        lines.Add("HELP");
        return new SmtpWireReply(new SmtpReply(250, (EnhancedStatusCode?)null, lines));
    }
}
