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
        var maildrop = await _server.Maildrops.TryOpenAsync(userName, _stopping);
        if (maildrop is null)
        {
            // RFC 2449 8.1.1: the credentials were right; the maildrop is busy. Still AUTHORIZATION.
            Pop3ServerLog.InUse(_server.Logger, _connection.Remote, userName);
            Error("maildrop already locked by another session", Pop3ResponseCodes.InUse);
            return true;
        }

        _maildrop = maildrop;
        _user = userName;
        _deleted = new bool[maildrop.Messages.Count];
        State = Pop3SessionState.Transaction;
        Pop3ServerLog.LoggedIn(_server.Logger, _connection.Remote, userName, maildrop.Messages.Count);
        var (count, size) = Totals();
        _output.Response(Pop3Response.Ok(string.Create(CultureInfo.InvariantCulture, $"{userName}'s maildrop has {count} messages ({size} octets)")));
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
        switch (command.Verb)
        {
            case Pop3Verb.Stat when args.Count == 0:
                var (count, size) = Totals();
                _output.Response(Pop3Response.Ok(string.Create(CultureInfo.InvariantCulture, $"{count} {size}")));
                return;
            case Pop3Verb.List when args.Count == 0:
                var (all, octets) = Totals();
                _output.Response(Pop3Response.Ok(string.Create(CultureInfo.InvariantCulture, $"{all} messages ({octets} octets)")));
                _output.Lines(Live().Select(i => string.Create(CultureInfo.InvariantCulture, $"{i + 1} {messages[i].Size}")));
                return;
            case Pop3Verb.List when args.Count == 1 && Message(args[0]) is int index:
                _output.Response(Pop3Response.Ok(string.Create(CultureInfo.InvariantCulture, $"{index + 1} {messages[index].Size}")));
                return;
            case Pop3Verb.Uidl when args.Count == 0:
                _output.Response(Pop3Response.Ok("unique-id listing follows"));
                _output.Lines(Live().Select(i => string.Create(CultureInfo.InvariantCulture, $"{i + 1} {messages[i].UniqueId}")));
                return;
            case Pop3Verb.Uidl when args.Count == 1 && Message(args[0]) is int index:
                _output.Response(Pop3Response.Ok(string.Create(CultureInfo.InvariantCulture, $"{index + 1} {messages[index].UniqueId}")));
                return;
            case Pop3Verb.Retr when args.Count == 1 && Message(args[0]) is int index:
                await SendMessageAsync(index, bodyLines: null);
                return;
            case Pop3Verb.Top when args.Count == 2 && Message(args[0]) is int index:
                if (!long.TryParse(args[1], NumberStyles.None, CultureInfo.InvariantCulture, out var lines))
                {
                    Error("syntax: TOP msg n, with n a number of lines");
                    return;
                }

                await SendMessageAsync(index, lines);
                return;
            case Pop3Verb.Dele when args.Count == 1 && Message(args[0]) is int index:
                _deleted[index] = true;
                _output.Response(Pop3Response.Ok(string.Create(CultureInfo.InvariantCulture, $"message {index + 1} deleted")));
                return;
            case Pop3Verb.Noop when args.Count == 0:
                _output.Response(Pop3Response.Ok());
                return;
            case Pop3Verb.Rset when args.Count == 0:
                Array.Clear(_deleted);
                var (kept, keptSize) = Totals();
                _output.Response(Pop3Response.Ok(string.Create(CultureInfo.InvariantCulture, $"maildrop has {kept} messages ({keptSize} octets)")));
                return;
        }

        if (_messageError is { } error)
        {
            _messageError = null;
            Error(error);
            return;
        }

        Error(command.Verb switch
        {
            Pop3Verb.List or Pop3Verb.Uidl => $"syntax: {command.Keyword.ToUpperInvariant()} [msg]",
            Pop3Verb.Retr or Pop3Verb.Dele => $"syntax: {command.Keyword.ToUpperInvariant()} msg",
            Pop3Verb.Top => "syntax: TOP msg n",
            _ => $"{command.Keyword.ToUpperInvariant()} takes no argument",
        });
    }

    private string? _messageError;

    /// <summary>
    /// The index of message number <paramref name="argument"/> when it exists and is not
    /// deleted; otherwise null, with the reason kept for the -ERR.
    /// </summary>
    private int? Message(string argument)
    {
        if (!int.TryParse(argument, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            _messageError = $"\"{Shorten(argument)}\" is not a message number";
            return null;
        }

        if (number < 1 || number > _deleted.Length)
        {
            _messageError = string.Create(CultureInfo.InvariantCulture, $"no such message; the maildrop has {_deleted.Length}");
            return null;
        }

        if (_deleted[number - 1])
        {
            _messageError = string.Create(CultureInfo.InvariantCulture, $"message {number} is deleted");
            return null;
        }

        return number - 1;
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
            _output.Response(Pop3Response.Ok(string.Create(CultureInfo.InvariantCulture, $"{size} octets")));
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
        return Pop3Response.Ok(string.Create(CultureInfo.InvariantCulture, $"bye ({doomed.Length} deleted, {left} left)"));
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
