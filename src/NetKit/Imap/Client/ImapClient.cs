using System.Globalization;
using System.Text;
using NetKit.Net;
using NetKit.Sasl;
using NetKit.Transport;

namespace NetKit.Imap.Client;

/// <summary>
/// An IMAP4rev1 client: connect (plain, STARTTLS or TLS), log in (SASL, strongest first, or LOGIN),
/// list, select, search, fetch, store, copy, move, append, expunge, idle. One command at a time; a
/// NO or BAD is an <see cref="ImapCommandException"/> and the client goes on, a broken conversation
/// is an <see cref="ImapProtocolException"/> and it does not.
/// </summary>
public sealed partial class ImapClient : IAsyncDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private NetConnection? connection;
    private LineReader? lines;
    private ImapCommandReader? reader;
    private int nextTag;
    private HashSet<string> capabilities = new(StringComparer.OrdinalIgnoreCase);

    public ImapClient(ImapClientOptions? options = null) => Options = options ?? new ImapClientOptions();

    public ImapClientOptions Options { get; }

    public bool IsConnected => connection is not null;

    public bool IsSecure => connection?.IsTls == true;

    public bool IsAuthenticated { get; private set; }

    /// <summary>What the server said it can do (upper case), as of the last CAPABILITY it sent.</summary>
    public IReadOnlySet<string> Capabilities => capabilities;

    /// <summary>The mailbox SELECTed or EXAMINEd, with its message count kept up to date from EXISTS and EXPUNGE.</summary>
    public ImapMailboxState? Selected { get; private set; }

    /// <summary>Called for EXISTS, EXPUNGE, RECENT and unsolicited FETCH responses, whatever command brought them.</summary>
    public Action<ImapMailboxEvent>? MailboxEvent { get; set; }

    public Task ConnectAsync(string host, int port, CancellationToken cancellationToken = default) =>
        ConnectAsync(NetEndpoint.Parse($"{(host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host)}:{port}"), cancellationToken);

    public async Task ConnectAsync(NetEndpoint endpoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (connection is not null)
        {
            throw new InvalidOperationException("The client is connected already.");
        }

        var opened = await NetConnection.ConnectAsync(endpoint, Options.ConnectTimeout, cancellationToken);
        opened.Trace = Options.Trace;
        if (Options.Trace is { } trace)
        {
            trace.Redact = RedactLogin;
        }

        Attach(opened);

        // The greeting and the TLS handshakes are not commands, so RunAsync's clock does not cover
        // them: without this one a server that accepts and says nothing would hang the client.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Options.CommandTimeout);
        try
        {
            await GreetAndSecureAsync(opened, endpoint.Host ?? "localhost", deadline.Token);
        }
        catch (Exception ex)
        {
            await DisposeAsync();
            var translated = ex switch
            {
                OperationCanceledException when !cancellationToken.IsCancellationRequested => new ImapProtocolException(
                    $"the IMAP server at {endpoint} did not greet or finish TLS within {Options.CommandTimeout.TotalSeconds:0.#} s; the connection was closed", ex),
                _ when Disconnects.IsDisconnect(ex) || ex is EndOfStreamException => new ImapProtocolException($"the connection to the IMAP server at {endpoint} broke: {ex.Message}", ex),
                NetKitException and not (ImapProtocolException or ImapCommandException) => new ImapProtocolException($"the IMAP server at {endpoint}: {ex.Message}", ex),
                _ => ex,
            };
            if (ReferenceEquals(translated, ex))
            {
                throw;
            }

            throw translated;
        }
    }

    private async Task GreetAndSecureAsync(NetConnection opened, string host, CancellationToken deadline)
    {
        if (Options.Security == ImapSecurity.Tls)
        {
            await opened.UpgradeToClientTlsAsync(host, Options.AcceptAnyCertificate, deadline);
        }

        var greeting = await ReadResponseAsync(deadline);
        if (greeting.IsBye || greeting.Status != ImapStatus.Ok)
        {
            throw new ImapProtocolException($"the server refused the connection: {greeting.Text}");
        }

        IsAuthenticated = greeting.Name == "PREAUTH";
        await RefreshCapabilitiesAsync(greeting, deadline);
        var offersTls = capabilities.Contains("STARTTLS");
        if (Options.Security == ImapSecurity.StartTls && !offersTls)
        {
            throw new ImapProtocolException("the server does not offer STARTTLS");
        }

        if (Options.Security is ImapSecurity.StartTls or ImapSecurity.StartTlsWhenAvailable && offersTls && !opened.IsTls)
        {
            await CommandAsync("STARTTLS", deadline);
            if (lines!.Buffered > 0)
            {
                // Bytes after the OK came in plaintext, maybe from someone in the middle (CVE-2011-0411 class).
                throw new ImapProtocolException($"the server sent {lines.Buffered} more bytes in plaintext after its OK to STARTTLS; they may be injected, so the connection is closed");
            }

            await opened.UpgradeToClientTlsAsync(host, Options.AcceptAnyCertificate, deadline);
            await RefreshCapabilitiesAsync(null, deadline); // RFC 3501: forget what was said before TLS
        }
    }

    private void Attach(NetConnection opened)
    {
        connection = opened;
        lines = new LineReader(opened, Options.Limits.MaxLineLength);
        reader = new ImapCommandReader(lines, Options.Limits);
    }

    /// <summary>Logs in with the strongest SASL mechanism both sides know, or LOGIN when the server offers none.</summary>
    public async Task LoginAsync(string userName, string password, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userName);
        ArgumentNullException.ThrowIfNull(password);
        if (!IsSecure && !Options.AllowPlaintextLogin)
        {
            throw new ImapProtocolException("refusing to send a password without TLS (set AllowPlaintextLogin to allow it)");
        }

        var offered = capabilities.Where(c => c.StartsWith("AUTH=", StringComparison.OrdinalIgnoreCase)).Select(c => c[5..]).ToList();
        var mechanism = SaslClient.ChooseBest(offered, userName, password);
        ImapResponse done;
        if (mechanism is not null)
        {
            done = await AuthenticateAsync(mechanism, cancellationToken);
        }
        else if (capabilities.Contains("LOGINDISABLED"))
        {
            throw new ImapProtocolException("the server disables LOGIN and offers no SASL mechanism this client knows");
        }
        else
        {
            done = await CommandAsync($"LOGIN {Astring(userName)} {Astring(password)}", cancellationToken);
        }

        IsAuthenticated = true;
        await RefreshCapabilitiesAsync(done, cancellationToken);
    }

    private async Task<ImapResponse> AuthenticateAsync(SaslClientMechanism mechanism, CancellationToken cancellationToken)
    {
        var initial = mechanism.SupportsInitialResponse && capabilities.Contains("SASL-IR") ? mechanism.Respond([]) : null;
        var command = initial is null ? $"AUTHENTICATE {mechanism.Name}" : $"AUTHENTICATE {mechanism.Name} {SaslChallenge.EncodeInitial(initial)}";
        var done = await RunAsync(command, [], null, async (continuation, ct) =>
        {
            if (!SaslChallenge.TryDecode(continuation.Text, out var challenge))
            {
                await SendLineAsync("*", secret: false, ct);
                return;
            }

            byte[] response;
            try
            {
                response = mechanism.Respond(challenge); // SCRAM's "v=" comes as a last challenge, answered empty
            }
            catch (SaslException)
            {
                await SendLineAsync("*", secret: false, ct);
                throw;
            }

            await SendLineAsync(Convert.ToBase64String(response), secret: true, ct);
        }, cancellationToken);
        try
        {
            mechanism.VerifyServerSuccess([]);
        }
        catch (SaslException ex)
        {
            // A server that says OK without proving it knows the password is not the server we meant.
            await DisposeAsync();
            throw new ImapProtocolException($"the server is not authentic: {ex.Message}", ex);
        }

        return done;
    }

    public async Task LogoutAsync(CancellationToken cancellationToken = default)
    {
        if (connection is null)
        {
            return;
        }

        try
        {
            await RunAsync("LOGOUT", [], null, null, cancellationToken, byeExpected: true);
        }
        finally
        {
            await DisposeAsync();
        }
    }

    public Task NoopAsync(CancellationToken cancellationToken = default) => CommandAsync("NOOP", cancellationToken);

    /// <summary>LIST reference pattern ("" and "*" for every mailbox).</summary>
    public async Task<IReadOnlyList<ImapMailboxListing>> ListAsync(string reference = "", string pattern = "*", CancellationToken cancellationToken = default)
    {
        var found = new List<ImapMailboxListing>();
        await RunAsync($"LIST {Quote(reference)} {Quote(ImapUtf7.Encode(pattern))}", [], r =>
        {
            if (r.Name == "LIST" && r.Values.Count == 3)
            {
                var delimiter = r.Values[1].Text is { Length: 1 } d ? d[0] : (char?)null;
                var name = r.Values[2].Text ?? "";
                found.Add(new ImapMailboxListing(ImapUtf7.TryDecode(name, out var decoded) ? decoded : name, delimiter, [.. r.Values[0].Items.Select(i => i.Text ?? "")]));
            }
        }, null, cancellationToken);
        return found;
    }

    public Task<ImapMailboxState> SelectAsync(string mailbox, CancellationToken cancellationToken = default) => OpenAsync("SELECT", mailbox, cancellationToken);

    public Task<ImapMailboxState> ExamineAsync(string mailbox, CancellationToken cancellationToken = default) => OpenAsync("EXAMINE", mailbox, cancellationToken);

    private async Task<ImapMailboxState> OpenAsync(string verb, string mailbox, CancellationToken cancellationToken)
    {
        int exists = 0, recent = 0;
        long validity = 0, next = 0;
        IReadOnlyList<string> flags = [];
        Selected = null;
        var done = await RunAsync($"{verb} {MailboxName(mailbox)}", [], r =>
        {
            switch (r.Name)
            {
                case "EXISTS": exists = (int)(r.Number ?? 0); break;
                case "RECENT": recent = (int)(r.Number ?? 0); break;
                case "FLAGS" when r.Values.Count == 1: flags = [.. r.Values[0].Items.Select(i => i.Text ?? "")]; break;
                case "OK" when r.Code is { } code:
                    var words = code.Split(' ', 2);
                    if (words.Length == 2 && words[0].Equals("UIDVALIDITY", StringComparison.OrdinalIgnoreCase))
                    {
                        validity = long.Parse(words[1], CultureInfo.InvariantCulture);
                    }
                    else if (words.Length == 2 && words[0].Equals("UIDNEXT", StringComparison.OrdinalIgnoreCase))
                    {
                        next = long.Parse(words[1], CultureInfo.InvariantCulture);
                    }

                    break;
            }
        }, null, cancellationToken);
        var readOnly = done.Code?.Equals("READ-ONLY", StringComparison.OrdinalIgnoreCase) ?? verb == "EXAMINE";
        Selected = new ImapMailboxState(mailbox, readOnly, exists, recent, validity, next, flags);
        return Selected;
    }

    /// <summary>SEARCH with criteria as IMAP writes them ("UNSEEN FROM bob"); UIDs unless <paramref name="uid"/> is false.</summary>
    public async Task<IReadOnlyList<uint>> SearchAsync(string criteria, bool uid = true, CancellationToken cancellationToken = default)
    {
        var found = new List<uint>();
        await RunAsync($"{(uid ? "UID " : "")}SEARCH CHARSET UTF-8 {criteria}", [], r =>
        {
            if (r.Name == "SEARCH")
            {
                found.AddRange(r.Values.Where(v => v.Kind == ImapValueKind.Number).Select(v => (uint)v.Number));
            }
        }, null, cancellationToken);
        return found;
    }

    /// <summary>FETCH set items ("1:*", "(UID FLAGS BODY.PEEK[])"); by UID unless <paramref name="uid"/> is false.</summary>
    public async Task<IReadOnlyList<ImapFetchedMessage>> FetchAsync(string set, string items, bool uid = true, CancellationToken cancellationToken = default)
    {
        var found = new List<ImapFetchedMessage>();
        await RunAsync($"{(uid ? "UID " : "")}FETCH {set} {items}", [], r =>
        {
            if (r.Name == "FETCH" && r.Number is { } sequence && r.Values.Count == 1)
            {
                found.Add(ReadFetch(sequence, r.Values[0]));
            }
        }, null, cancellationToken);
        return found;
    }

    /// <summary>One message by UID, parsed by MimeKit (fetched with BODY.PEEK[], so \Seen is not set); null when there is no such UID.</summary>
    public async Task<MimeKit.MimeMessage?> GetMessageAsync(uint uid, CancellationToken cancellationToken = default) =>
        (await FetchAsync(uid.ToString(CultureInfo.InvariantCulture), "(UID BODY.PEEK[])", uid: true, cancellationToken)).FirstOrDefault(m => m.Uid == uid)?.Message;

    /// <summary>STORE: <paramref name="mode"/> '+' adds, '-' removes, '=' replaces; by UID unless <paramref name="uid"/> is false.</summary>
    public Task StoreFlagsAsync(string set, char mode, IEnumerable<string> flags, bool uid = true, CancellationToken cancellationToken = default)
    {
        var prefix = mode switch { '+' => "+", '-' => "-", '=' => "", _ => throw new ArgumentOutOfRangeException(nameof(mode)) };
        return CommandAsync($"{(uid ? "UID " : "")}STORE {set} {prefix}FLAGS.SILENT ({string.Join(' ', flags)})", cancellationToken);
    }

    public Task CopyAsync(string set, string mailbox, bool uid = true, CancellationToken cancellationToken = default) =>
        CommandAsync($"{(uid ? "UID " : "")}COPY {set} {MailboxName(mailbox)}", cancellationToken);

    /// <summary>MOVE (RFC 6851) when the server has it, else COPY, STORE \Deleted and UID EXPUNGE.</summary>
    public async Task MoveAsync(string set, string mailbox, bool uid = true, CancellationToken cancellationToken = default)
    {
        if (capabilities.Contains("MOVE"))
        {
            await CommandAsync($"{(uid ? "UID " : "")}MOVE {set} {MailboxName(mailbox)}", cancellationToken);
            return;
        }

        await CopyAsync(set, mailbox, uid, cancellationToken);
        await StoreFlagsAsync(set, '+', ["\\Deleted"], uid, cancellationToken);
        await CommandAsync(uid && capabilities.Contains("UIDPLUS") ? $"UID EXPUNGE {set}" : "EXPUNGE", cancellationToken);
    }

    /// <summary>APPEND; returns the new message's UID when the server says it (UIDPLUS).</summary>
    public async Task<uint?> AppendAsync(string mailbox, ReadOnlyMemory<byte> message, IEnumerable<string>? flags = null, CancellationToken cancellationToken = default)
    {
        var flagList = flags is null ? "" : $"({string.Join(' ', flags)}) ";
        var done = await RunAsync($"APPEND {MailboxName(mailbox)} {flagList}", [message], null, null, cancellationToken);
        var words = done.Code?.Split(' ');
        return words is { Length: 3 } && words[0].Equals("APPENDUID", StringComparison.OrdinalIgnoreCase) && uint.TryParse(words[2], CultureInfo.InvariantCulture, out var appended)
            ? appended
            : null;
    }

    public Task ExpungeAsync(CancellationToken cancellationToken = default) => CommandAsync("EXPUNGE", cancellationToken);

    public Task CreateMailboxAsync(string mailbox, CancellationToken cancellationToken = default) => CommandAsync($"CREATE {MailboxName(mailbox)}", cancellationToken);

    public Task DeleteMailboxAsync(string mailbox, CancellationToken cancellationToken = default) => CommandAsync($"DELETE {MailboxName(mailbox)}", cancellationToken);

    public async ValueTask DisposeAsync()
    {
        var open = connection;
        connection = null;
        lines?.Dispose();
        lines = null;
        if (open is not null)
        {
            await open.DisposeAsync();
        }
    }
}
