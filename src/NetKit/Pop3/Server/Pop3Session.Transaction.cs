using System.Globalization;

namespace NetKit.Pop3.Server;

/// <summary>The TRANSACTION state (RFC 1939 section 5, TOP and UIDL of section 7) and UPDATE (section 6).</summary>
internal sealed partial class Pop3Session
{
    private IPop3Maildrop? _maildrop;
    private string _user = string.Empty;
    private bool[] _deleted = [];

    /// <summary>Locks and opens the maildrop of a user who has just proved who they are.</summary>
    private async ValueTask<bool> OpenMaildropAsync(string userName)
    {
        IPop3Maildrop? maildrop;
        try
        {
            maildrop = await _server.Maildrops.TryOpenAsync(userName, _stopping);
        }
        catch (Exception ex) when (ex is NetKitException or IOException)
        {
            Pop3ServerLog.ReadFailed(_server.Logger, ex, _connection.Remote, userName);
            Error("cannot open the maildrop now; try again later", Pop3ResponseCodes.SysTemp);
            return true;
        }

        if (maildrop is null)
        {
            // RFC 2449 8.1.1: the credentials were right; the maildrop is busy. Still AUTHORIZATION.
            Pop3ServerLog.InUse(_server.Logger, _connection.Remote, userName);
            Error("maildrop already locked by another session", Pop3ResponseCodes.InUse);
            return true;
        }

        if (!_server.TryNoteLogin(userName))
        {
            await maildrop.DisposeAsync();
            Error("logged in too recently; try again later", Pop3ResponseCodes.LoginDelay);
            return true;
        }

        _maildrop = maildrop;
        _user = userName;
        _deleted = new bool[maildrop.Messages.Count];
        State = Pop3SessionState.Transaction;
        Pop3ServerLog.LoggedIn(_server.Logger, _connection.Remote, userName, maildrop.Messages.Count);
        var (count, size) = Totals();
        _output.Response(Ok($"{userName}'s maildrop has {count} messages ({size} octets)"));
        return true;
    }

    private async ValueTask ReleaseMaildropAsync()
    {
        if (_maildrop is { } maildrop)
        {
            _maildrop = null;
            await maildrop.DisposeAsync();
        }
    }

    private async ValueTask TransactionAsync(Pop3CommandLine command)
    {
        var messages = _maildrop!.Messages;
        var args = command.Arguments;
        var keyword = command.Keyword.ToUpperInvariant();
        var (least, most, usage) = command.Verb switch
        {
            Pop3Verb.List or Pop3Verb.Uidl => (0, 1, $"syntax: {keyword} [msg]"),
            Pop3Verb.Retr or Pop3Verb.Dele => (1, 1, $"syntax: {keyword} msg"),
            Pop3Verb.Top => (2, 2, "syntax: TOP msg n"),
            _ => (0, 0, $"{keyword} takes no argument"),
        };
        if (args.Count < least || args.Count > most)
        {
            Error(usage);
            return;
        }

        var index = -1;
        if (args.Count > 0 && !TryMessage(args[0], out index, out var why))
        {
            Error(why);
            return;
        }

        switch (command.Verb)
        {
            case Pop3Verb.Stat:
                var (count, size) = Totals();
                _output.Response(Ok($"{count} {size}"));
                return;
            case Pop3Verb.List when index < 0:
                var (all, octets) = Totals();
                _output.Response(Ok($"{all} messages ({octets} octets)"));
                _output.Lines(Live().Select(i => Invariant($"{i + 1} {messages[i].Size}")));
                return;
            case Pop3Verb.List:
                _output.Response(Ok($"{index + 1} {messages[index].Size}"));
                return;
            case Pop3Verb.Uidl when index < 0:
                _output.Response(Pop3Response.Ok("unique-id listing follows"));
                _output.Lines(Live().Select(i => Invariant($"{i + 1} {messages[i].UniqueId}")));
                return;
            case Pop3Verb.Uidl:
                _output.Response(Ok($"{index + 1} {messages[index].UniqueId}"));
                return;
            case Pop3Verb.Retr:
                await SendMessageAsync(index, bodyLines: null);
                return;
            case Pop3Verb.Top when long.TryParse(args[1], NumberStyles.None, CultureInfo.InvariantCulture, out var lines):
                await SendMessageAsync(index, lines);
                return;
            case Pop3Verb.Top:
                Error("syntax: TOP msg n, with n a number of lines");
                return;
            case Pop3Verb.Dele:
                _deleted[index] = true;
                _output.Response(Ok($"message {index + 1} deleted"));
                return;
            case Pop3Verb.Noop:
                _output.Response(Pop3Response.Ok());
                return;
            case Pop3Verb.Rset:
                Array.Clear(_deleted);
                var (kept, keptSize) = Totals();
                _output.Response(Ok($"maildrop has {kept} messages ({keptSize} octets)"));
                return;
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static Pop3Response Ok(FormattableString text) => Pop3Response.Ok(Invariant(text));

    /// <summary>The index of message number <paramref name="argument"/> when it exists and is not deleted; otherwise why not.</summary>
    private bool TryMessage(string argument, out int index, out string why)
    {
        index = -1;
        why = string.Empty;
        if (!int.TryParse(argument, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            why = $"\"{Shorten(argument)}\" is not a message number";
        }
        else if (number < 1 || number > _deleted.Length)
        {
            why = Invariant($"no such message; the maildrop has {_deleted.Length}");
        }
        else if (_deleted[number - 1])
        {
            why = Invariant($"message {number} is deleted");
        }
        else
        {
            index = number - 1;
        }

        return index >= 0;
    }

    private static string Shorten(string text) => text.Length <= Pop3CommandLine.MaxArgumentLength ? text : text[..Pop3CommandLine.MaxArgumentLength] + "...";

    private async ValueTask SendMessageAsync(int index, long? bodyLines)
    {
        ReadOnlyMemory<byte> content;
        try
        {
            content = await _maildrop!.ReadAsync(index, _stopping);
        }
        catch (Exception ex) when (ex is NetKitException or IOException)
        {
            Pop3ServerLog.ReadFailed(_server.Logger, ex, _connection.Remote, _user);
            Error("cannot read the message now; try again", Pop3ResponseCodes.SysTemp);
            return;
        }

        var size = _maildrop.Messages[index].Size;
        if (bodyLines is { } lines)
        {
            _output.Response(Pop3Response.Ok("top of message follows"));
            _output.Body(Pop3MessageText.Top(content.Span, lines));
        }
        else
        {
            _output.Response(Ok($"{size} octets"));
            _output.Body(content.Span);
        }

        if (_output.Pending >= _options.OutputFlushThreshold)
        {
            await _output.FlushAsync(_stopping);
        }
    }

    /// <summary>QUIT in TRANSACTION: the marked messages go, all or none (RFC 1939 section 6).</summary>
    private async Task<Pop3Response> UpdateAsync()
    {
        var doomed = Enumerable.Range(0, _deleted.Length).Where(i => _deleted[i]).ToArray();
        try
        {
            if (doomed.Length > 0)
            {
                await _maildrop!.DeleteAsync(doomed, _stopping);
            }
        }
        catch (Exception ex) when (ex is NetKitException or IOException or OperationCanceledException)
        {
            Pop3ServerLog.UpdateFailed(_server.Logger, ex, _connection.Remote, _user);
            return Pop3Response.Err("some deleted messages not removed; none were", Pop3ResponseCodes.SysTemp);
        }
        finally
        {
            await ReleaseMaildropAsync();
        }

        Pop3ServerLog.Updated(_server.Logger, _connection.Remote, _user, doomed.Length);
        var left = _deleted.Length - doomed.Length;
        return Ok($"bye ({doomed.Length} deleted, {left} left)");
    }

    private IEnumerable<int> Live() => Enumerable.Range(0, _deleted.Length).Where(i => !_deleted[i]);

    private (int Count, long Size) Totals()
    {
        var messages = _maildrop!.Messages;
        int count = 0;
        long size = 0;
        foreach (var i in Live())
        {
            count++;
            size += messages[i].Size;
        }

        return (count, size);
    }
}
