using System.Text;
using Microsoft.Extensions.Logging;
using NetKit.Mail;
using NetKit.Transport;

namespace NetKit.Imap.Server;

/// <summary>
/// One IMAP connection: reads commands, runs them in the state they are allowed in, and writes the
/// responses. Malformed commands get BAD, refused ones NO, and the session goes on; only LOGOUT,
/// too many failed logins, a broken connection or the server's stop end it.
/// </summary>
internal sealed partial class ImapSession : IDisposable
{
    private readonly ImapServer server;
    private readonly ImapServerOptions options;
    private readonly NetConnection connection;
    private readonly CancellationToken stopping;
    private readonly LineReader lines;
    private readonly ImapCommandReader reader;
    private readonly ImapResponseWriter output;
    private readonly SemaphoreSlim changed = new(0, 1);
    private readonly CancellationTokenSource deadline;
    private long deadlineArmedAt;
    private ImapSessionState state = ImapSessionState.NotAuthenticated;
    private MailUser? user;
    private ImapMailboxView? selected;
    private int changePending;

    public ImapSession(ImapServer server, NetConnection connection, CancellationToken stopping)
    {
        this.server = server;
        options = server.Options;
        this.connection = connection;
        this.stopping = stopping;
        lines = new LineReader(connection, options.Limits.MaxLineLength);
        deadline = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        reader = new ImapCommandReader(lines, options.Limits) { LiteralProgress = KeepDeadline };
        output = new ImapResponseWriter(connection);
    }

    private MailStore Store => server.Store;

    private string Account => user?.Name ?? throw new InvalidOperationException("not logged in");

    public async Task RunAsync()
    {
        Store.MailboxChanged += OnMailboxChanged;
        try
        {
            output.UntaggedStatus(ImapStatus.Ok, $"{options.HostName} NetKit IMAP4rev1 ready", "CAPABILITY " + Capabilities());
            await output.FlushAsync(stopping);
            while (state != ImapSessionState.Logout && !stopping.IsCancellationRequested)
            {
                ArmDeadline();
                var read = await reader.ReadAsync(InviteLiteralAsync, deadline.Token);
                deadline.CancelAfter(Timeout.InfiniteTimeSpan);
                if (!await HandleReadAsync(read))
                {
                    break;
                }

                // Pipelined commands get their responses together: flush only once nothing more is waiting.
                if (lines.Buffered == 0 || output.Pending > options.OutputFlushThreshold)
                {
                    await output.FlushAsync(stopping);
                }
            }

            if (stopping.IsCancellationRequested && state != ImapSessionState.Logout)
            {
                output.Untagged("BYE server shutting down");
            }

            await output.FlushAsync(CancellationToken.None);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The server stops: nothing more to say to a client in the middle of a command.
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            ImapServerLog.TimedOut(server.Logger, connection.Remote, options.CommandTimeout.TotalSeconds);
            await SayGoodbyeAsync("BYE Autologout; idle for too long");
        }
        finally
        {
            Store.MailboxChanged -= OnMailboxChanged;
            if (user is not null)
            {
                server.LeaveUser(user.Name);
            }
        }
    }

    /// <summary>
    /// Starts the autologout deadline for the next command: the same linked token source with
    /// CancelAfter as SMTP's, POP3's and NNTP's command timeouts, disarmed once the command is in.
    /// </summary>
    private void ArmDeadline()
    {
        deadlineArmedAt = Environment.TickCount64;
        deadline.CancelAfter(options.CommandTimeout);
    }

    /// <summary>
    /// Literal bytes arrived: the deadline moves on, at most every eighth of it (a timer change per
    /// read would be costly), so a literal has between 7/8 and all of the timeout of silence.
    /// </summary>
    private void KeepDeadline()
    {
        if (Environment.TickCount64 - deadlineArmedAt >= options.CommandTimeout.TotalMilliseconds / 8)
        {
            ArmDeadline();
        }
    }

    /// <summary>The last words (what was pending first), within a short grace; a client gone by then does not hear them.</summary>
    private async Task SayGoodbyeAsync(string bye)
    {
        output.Untagged(bye);
        await LastWords.TrySayAsync(output.FlushAsync);
    }

    private ValueTask InviteLiteralAsync(CancellationToken cancellationToken)
    {
        output.Continuation("Ready for literal data");
        return output.FlushAsync(cancellationToken);
    }

    /// <summary>False when the connection must end.</summary>
    private async ValueTask<bool> HandleReadAsync(ImapReadResult read)
    {
        var tag = read.Tag ?? "*";
        switch (read.Status)
        {
            case ImapReadStatus.EndOfStream:
                return false;
            case ImapReadStatus.LineTooLong:
                // The line was dropped as it came; its tag was read from its first bytes when it had one.
                output.Tagged(tag, ImapStatus.Bad, $"command line longer than {options.Limits.MaxLineLength} bytes", "TOOBIG");
                return true;
            case ImapReadStatus.LiteralTooBig:
                output.Tagged(tag, ImapStatus.Bad, $"literal larger than {options.Limits.MaxLiteralSize} bytes", "TOOBIG");
                return true;
            case ImapReadStatus.TooManyLiterals:
                output.Tagged(tag, ImapStatus.Bad, $"more than {options.Limits.MaxLiterals} literals in one command", "LIMIT");
                return true;
            case ImapReadStatus.Fatal:
                output.Untagged("BYE literal far too large; closing");
                return false;
        }

        await ExecuteAsync(read.Command!, tag);
        return state != ImapSessionState.Logout;
    }

    private async Task ExecuteAsync(ImapRawCommand command, string tagGuess)
    {
        var parser = new ImapParser(command, options.Limits);
        var tag = tagGuess;
        var name = "";
        try
        {
            if (command.Lines[0].Length == 0)
            {
                throw new ImapParseException("empty command line");
            }

            tag = parser.Tag();
            parser.Space();
            name = parser.Keyword();
            var uid = false;
            if (name == "UID")
            {
                parser.Space();
                name = parser.Keyword();
                uid = true;
                if (name is not ("FETCH" or "STORE" or "SEARCH" or "COPY" or "MOVE" or "EXPUNGE"))
                {
                    throw new ImapParseException($"UID {name} is not a command");
                }
            }

            if (!IsAllowed(name, out var known))
            {
                output.Tagged(tag, ImapStatus.Bad, known ? $"{name} is not allowed {StateWords(name)}" : $"unknown command {name}");
                return;
            }

            var (status, text, code) = await DispatchAsync(name, uid, tag, parser);
            if (ReferenceEquals(text, AlreadyAnswered))
            {
                return;
            }

            // Announce changes made elsewhere before the tagged reply; never EXPUNGE during
            // FETCH, STORE or SEARCH by sequence number (RFC 3501 section 7.4.1).
            var force = name is "NOOP" or "CHECK";
            if (state != ImapSessionState.Logout)
            {
                await SynchronizeAsync(allowExpunge: uid || name is not ("FETCH" or "STORE" or "SEARCH"), force);
            }

            output.Tagged(tag, status, text, code);
        }
        catch (ImapParseException ex)
        {
            output.Tagged(tag, ImapStatus.Bad, ex.Message, ex.Code);
        }
        catch (ArgumentException ex)
        {
            // An argument the store refuses (an empty mailbox name ...): the client's mistake, not the server's.
            output.Tagged(tag, ImapStatus.Bad, $"invalid argument: {ex.Message.Split('(')[0].Trim()}");
        }
        catch (MailStoreException ex)
        {
            ImapServerLog.StoreFailed(server.Logger, connection.Remote, name, ex.Message);
            output.Tagged(tag, ImapStatus.No, "the mail store failed; try again", "UNAVAILABLE");
        }
    }

    /// <summary>Why <paramref name="name"/> is refused now, in words ("LOGIN ... after login", not "without a selected mailbox").</summary>
    private string StateWords(string name) => state switch
    {
        _ when NotAuthenticatedOnly.Contains(name) => "after login",
        ImapSessionState.NotAuthenticated => "before login",
        ImapSessionState.Authenticated => "without a selected mailbox",
        _ => "in this state",
    };

    private static readonly HashSet<string> AnyState = ["CAPABILITY", "NOOP", "LOGOUT", "ID"];
    private static readonly HashSet<string> NotAuthenticatedOnly = ["STARTTLS", "LOGIN", "AUTHENTICATE"];
    private static readonly HashSet<string> Authenticated =
        ["SELECT", "EXAMINE", "CREATE", "DELETE", "RENAME", "SUBSCRIBE", "UNSUBSCRIBE", "LIST", "LSUB", "STATUS", "APPEND", "NAMESPACE", "ENABLE", "IDLE"];
    private static readonly HashSet<string> SelectedOnly =
        ["CHECK", "CLOSE", "UNSELECT", "EXPUNGE", "SEARCH", "FETCH", "STORE", "COPY", "MOVE"];

    private bool IsAllowed(string name, out bool known)
    {
        known = true;
        if (AnyState.Contains(name))
        {
            return true;
        }

        if (NotAuthenticatedOnly.Contains(name))
        {
            return state == ImapSessionState.NotAuthenticated;
        }

        if (Authenticated.Contains(name))
        {
            return state is ImapSessionState.Authenticated or ImapSessionState.Selected;
        }

        if (SelectedOnly.Contains(name))
        {
            return state == ImapSessionState.Selected;
        }

        known = false;
        return false;
    }

    private async Task<(ImapStatus Status, string Text, string? Code)> DispatchAsync(string name, bool uid, string tag, ImapParser parser)
    {
        switch (name)
        {
            case "CAPABILITY":
                parser.End();
                output.Untagged("CAPABILITY " + Capabilities());
                return Ok("CAPABILITY completed");
            case "NOOP":
                parser.End();
                return Ok("NOOP completed");
            case "LOGOUT":
                parser.End();
                output.Untagged("BYE NetKit IMAP4rev1 server logging out");
                state = ImapSessionState.Logout;
                return Ok("LOGOUT completed");
            case "ID":
                return Id(parser);
            case "STARTTLS":
                return await StartTlsAsync(tag, parser);
            case "LOGIN":
                return await LoginAsync(parser);
            case "AUTHENTICATE":
                return await AuthenticateAsync(parser);
            case "ENABLE":
                return Enable(parser);
            case "NAMESPACE":
                parser.End();
                output.Untagged("NAMESPACE ((\"\" \"/\")) NIL NIL");
                return Ok("NAMESPACE completed");
            case "SELECT":
            case "EXAMINE":
                return await SelectAsync(parser, readOnly: name == "EXAMINE");
            case "CREATE":
                return await CreateAsync(parser);
            case "DELETE":
                return await DeleteAsync(parser);
            case "RENAME":
                return await RenameAsync(parser);
            case "SUBSCRIBE":
            case "UNSUBSCRIBE":
                return await SubscribeAsync(parser, name == "SUBSCRIBE");
            case "LIST":
            case "LSUB":
                return await ListAsync(parser, lsub: name == "LSUB");
            case "STATUS":
                return await StatusAsync(parser);
            case "APPEND":
                return await AppendAsync(parser);
            case "IDLE":
                parser.End();
                return await IdleAsync();
            case "CHECK":
                parser.End();
                return Ok("CHECK completed");
            case "CLOSE":
            case "UNSELECT":
                parser.End();
                return await CloseAsync(expunge: name == "CLOSE");
            case "EXPUNGE":
                return await ExpungeAsync(parser, uid);
            case "SEARCH":
                return await SearchAsync(parser, uid);
            case "FETCH":
                return await FetchAsync(parser, uid);
            case "STORE":
                return await StoreAsync(parser, uid);
            case "COPY":
            case "MOVE":
                return await CopyAsync(parser, uid, move: name == "MOVE");
            default:
                throw new ImapParseException($"unknown command {name}");
        }
    }

    /// <summary>A command that wrote its own tagged reply (STARTTLS must answer before the handshake).</summary>
    private static readonly string AlreadyAnswered = new('\0', 1);

    private static (ImapStatus, string, string?) Ok(string text, string? code = null) => (ImapStatus.Ok, text, code);

    private static (ImapStatus, string, string?) No(string text, string? code = null) => (ImapStatus.No, text, code);

    private static (ImapStatus, string, string?) Bad(string text, string? code = null) => (ImapStatus.Bad, text, code);

    private string Capabilities()
    {
        var sb = new StringBuilder("IMAP4rev1 LITERAL+ SASL-IR ID ENABLE IDLE NAMESPACE UIDPLUS MOVE UNSELECT CHILDREN SPECIAL-USE");
        if (state == ImapSessionState.NotAuthenticated)
        {
            if (options.Certificate is not null && !connection.IsTls)
            {
                sb.Append(" STARTTLS");
            }

            if (AuthAllowed)
            {
                foreach (var mechanism in ImapServer.Mechanisms)
                {
                    sb.Append(" AUTH=").Append(mechanism);
                }
            }
            else
            {
                sb.Append(" LOGINDISABLED");
            }
        }

        return sb.ToString();
    }

    private (ImapStatus, string, string?) Id(ImapParser parser)
    {
        parser.Space();
        if (parser.PeekIs('('))
        {
            parser.Expect('(');
            var count = 0;
            while (!parser.TryTake(')'))
            {
                if (count++ > 0)
                {
                    parser.Space();
                }

                parser.NString();
                parser.Space();
                parser.NString();
                if (count > 30)
                {
                    throw new ImapParseException("too many ID fields");
                }
            }
        }
        else
        {
            parser.NString();
        }

        parser.End();
        output.Untagged("ID (\"name\" \"NetKit\" \"vendor\" \"NetKit\" \"support-url\" \"https://github.com/netkit\")");
        return Ok("ID completed");
    }

    private (ImapStatus, string, string?) Enable(ImapParser parser)
    {
        // No extension here needs enabling (CONDSTORE, QRESYNC, UTF8=ACCEPT are not served): RFC 5161 says list none.
        do
        {
            parser.Space();
            parser.Atom();
        }
        while (!parser.AtEnd);
        output.Untagged("ENABLED");
        return Ok("ENABLE completed");
    }

    /// <summary>Another session or a delivery changed the selected mailbox: note it and wake an IDLE.</summary>
    private void OnMailboxChanged(object? sender, MailboxChangedEventArgs e)
    {
        var view = selected;
        if (view is null || e.Account != view.Account || e.Mailbox != view.Name)
        {
            return;
        }

        Volatile.Write(ref changePending, 1);
        try
        {
            if (changed.CurrentCount == 0)
            {
                changed.Release();
            }
        }
        catch (SemaphoreFullException)
        {
            // Already signalled.
        }
        catch (ObjectDisposedException)
        {
            // The session ended between the check and the signal.
        }
    }

    /// <summary>Reads the store and tells the client what changed, when something did (or always, when forced).</summary>
    private async Task SynchronizeAsync(bool allowExpunge, bool force)
    {
        var view = selected;
        if (view is null || (!force && Interlocked.Exchange(ref changePending, 0) == 0))
        {
            return;
        }

        Volatile.Write(ref changePending, 0);
        var entries = await Store.ListEntriesAsync(view.Account, view.Name, stopping);
        view.Update(entries, allowExpunge, highest => server.Recent.Claim(view.Account, view.Name, view.UidValidity, highest), output);
    }

    public void Dispose()
    {
        lines.Dispose();
        changed.Dispose();
        deadline.Dispose();
    }
}
