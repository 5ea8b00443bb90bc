using System.Buffers;
using System.Globalization;
using NetKit.Smtp;
using NetKit.Transport;

namespace NetKit.Nntp.Server;

/// <summary>POST (RFC 3977 6.3.1) and IHAVE (6.3.2): read the article, check it, store it, and only then say 240/235.</summary>
internal sealed partial class NntpSession
{
    private async ValueTask<bool> PostAsync(string[] args)
    {
        if (args.Length > 0)
        {
            Error(501, "POST takes no arguments");
            return true;
        }

        if (!PostingAllowed)
        {
            Reply(440, "posting not permitted");
            return true;
        }

        Reply(340, "send article to be posted; end with <CR-LF>.<CR-LF>");
        var (raw, fault) = await ReceiveArticleAsync();
        if (raw is null)
        {
            return false;
        }

        if (fault is not null)
        {
            Refuse(441, fault);
            return true;
        }

        var article = NntpArticleCheck.Check(raw, _options.HostName, complete: true, out var refusal);
        if (refusal is not null)
        {
            Refuse(441, refusal);
            return true;
        }

        var result = await StoreAsync(article, approved: article.Approved);
        switch (result?.Outcome)
        {
            case NewsPostOutcome.Stored:
                Reply(240, $"article received ok {article.MessageId}");
                break;
            case null:
                Reply(441, "posting failed: the news store could not write"); // logged as the store's failure
                break;
            default:
                Refuse(441, result.Outcome switch
                {
                    NewsPostOutcome.DuplicateMessageId => "duplicate message-id",
                    NewsPostOutcome.NotApproved => $"{result.MissingGroup} is moderated; posting needs an Approved header",
                    _ => $"no such newsgroup: {result.MissingGroup}",
                });
                break;
        }

        return true;
    }

    private async ValueTask<bool> IHaveAsync(string[] args)
    {
        if (args.Length != 1 || !NntpArticleHeaders.IsMessageId(args[0]))
        {
            Error(501, "IHAVE <message-id>");
            return true;
        }

        if (!_options.PostingAllowed)
        {
            Reply(435, "article not wanted (transfer not permitted)");
            return true;
        }

        if (await _server.Store.HasArticleAsync(args[0], _stopping))
        {
            Reply(435, "duplicate; article not wanted");
            return true;
        }

        Reply(335, "send article to be transferred; end with <CR-LF>.<CR-LF>");
        var (raw, fault) = await ReceiveArticleAsync();
        if (raw is null)
        {
            return false;
        }

        if (fault is not null)
        {
            Refuse(437, fault);
            return true;
        }

        var article = NntpArticleCheck.Check(raw, _options.HostName, complete: false, out var refusal);
        if (refusal is null && article.MessageId != args[0])
        {
            refusal = "the article's Message-ID differs from the one offered";
        }

        if (refusal is not null)
        {
            Refuse(437, refusal);
            return true;
        }

        // A transferred article goes to the groups we carry; one for none of them is not wanted.
        var carried = new List<string>();
        foreach (var name in article.Groups)
        {
            if (await _server.Store.IsModeratedAsync(name, _stopping) is not null)
            {
                carried.Add(name);
            }
        }

        if (carried.Count == 0)
        {
            Refuse(437, "none of its newsgroups is carried here");
            return true;
        }

        var result = await StoreAsync(article with { Groups = carried });
        switch (result?.Outcome)
        {
            case NewsPostOutcome.Stored:
                Reply(235, "article transferred ok");
                break;
            case null:
                Reply(436, "transfer failed; try again later");
                break;
            default:
                Refuse(437, result.Outcome == NewsPostOutcome.DuplicateMessageId ? "duplicate message-id" : "no such newsgroup");
                break;
        }

        return true;
    }

    /// <summary>A refused POST (441) or IHAVE (437): logged, since the poster or peer may not tell anyone.</summary>
    private void Refuse(int code, string reason)
    {
        NntpServerLog.ArticleRefused(_server.Logger, _connection.Remote, code == 441 ? "POST" : "IHAVE", reason);
        Reply(code, reason);
    }

    /// <summary>
    /// Reads the article block. Raw null: the client left. Fault: the article was read to its
    /// end but may not be stored (too big, overlong line, bare LF).
    /// </summary>
    private async ValueTask<(byte[]? Raw, string? Fault)> ReceiveArticleAsync()
    {
        await FlushAsync();
        var content = new ArrayBufferWriter<byte>(4096);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping);
        timeout.CancelAfter(_options.CommandTimeout);
        var outcome = await NntpMultiLine.ReadAsync(_reader, content, _options.MaxArticleSize, timeout.Token);
        return outcome switch
        {
            SmtpDataOutcome.ConnectionClosed => (null, null),
            SmtpDataOutcome.TooBig => ([], string.Create(CultureInfo.InvariantCulture, $"article bigger than {_options.MaxArticleSize} bytes")),
            SmtpDataOutcome.LineTooLong => ([], string.Create(CultureInfo.InvariantCulture, $"a line is longer than {_options.MaxArticleLineLength} bytes")),
            SmtpDataOutcome.BareLineFeed => ([], "a line ends in a bare LF; lines must end in CRLF"),
            SmtpDataOutcome.Complete => (content.WrittenSpan.ToArray(), null),
            _ => ([], $"the article cannot be stored ({outcome})"), // any fault the reader adds later is a refusal too
        };
    }

    private async ValueTask<NewsPostResult?> StoreAsync(NntpCheckedArticle article, bool approved = true)
    {
        try
        {
            var result = await _server.Store.StoreAsync(article.Raw, article.Groups, approved, _stopping);
            if (result.Outcome == NewsPostOutcome.Stored)
            {
                NntpServerLog.Stored(_server.Logger, _connection.Remote, article.MessageId, article.Raw.Length, string.Join(',', result.Placed.Select(p => p.Group)));
            }

            return result;
        }
        catch (NewsStoreException ex)
        {
            NntpServerLog.StoreFailed(_server.Logger, ex, _connection.Remote);
            return null;
        }
    }
}
