using System.Buffers;
using System.Globalization;

namespace NetKit.Nntp.Server;

/// <summary>Reading: GROUP, LISTGROUP, ARTICLE/HEAD/BODY/STAT, NEXT, LAST, OVER, HDR.</summary>
internal sealed partial class NntpSession
{
    private async ValueTask GroupAsync(string[] args)
    {
        if (args.Length != 1)
        {
            Error(501, "GROUP needs one group name");
            return;
        }

        if (await SelectAsync(args[0]) is { } group)
        {
            Reply(211, GroupLine(group));
        }
    }

    private static string GroupLine(NewsGroup g) => string.Create(CultureInfo.InvariantCulture, $"{g.Count} {g.Low} {g.High} {g.Name}");

    /// <summary>Selects a group (and its first article); 411 and null when there is none of that name.</summary>
    private async ValueTask<NewsGroup?> SelectAsync(string name)
    {
        var group = NewsStore.IsValidGroupName(name) ? await _server.Store.FindGroupAsync(name, _stopping) : null;
        if (group is null)
        {
            Reply(411, "no such newsgroup");
            return null;
        }

        _group = group;
        _current = group.Count > 0 ? group.Low : 0;
        _state = group.Count > 0 ? NntpSessionState.ArticleSelected : NntpSessionState.GroupSelected;
        return group;
    }

    private async ValueTask ListGroupAsync(string[] args)
    {
        if (args.Length > 2)
        {
            Error(501, "LISTGROUP [group [range]]");
            return;
        }

        var range = new NntpRange(1, null);
        if (args.Length == 2 && !NntpRange.TryParse(args[1], out range))
        {
            Error(501, "bad range");
            return;
        }

        NewsGroup? group;
        if (args.Length > 0)
        {
            group = await SelectAsync(args[0]);
            if (group is null)
            {
                return;
            }
        }
        else if (_group is null)
        {
            Reply(412, "no newsgroup selected");
            return;
        }
        else
        {
            group = await _server.Store.FindGroupAsync(_group.Name, _stopping) ?? _group;
        }

        var numbers = range.IsEmpty ? [] : await _server.Store.ListNumbersAsync(group.Name, Clamp(range), _stopping);
        Block(211, GroupLine(group) + " list follows", numbers.Select(n => n.ToString(CultureInfo.InvariantCulture)));
    }

    /// <summary>Caps a range at MaxRangeResults numbers, so "1-" on a huge group stays bounded.</summary>
    private NntpRange Clamp(NntpRange range)
    {
        var top = range.Low > long.MaxValue - _options.MaxRangeResults ? long.MaxValue : range.Low + _options.MaxRangeResults - 1;
        return range with { High = Math.Min(range.High ?? long.MaxValue, top) };
    }

    private async ValueTask ArticleAsync(string verb, string[] args)
    {
        var (code, part) = verb switch
        {
            "ARTICLE" => (220, "article"),
            "HEAD" => (221, "head"),
            "BODY" => (222, "body"),
            _ => (223, "stat"),
        };
        if (args.Length > 1)
        {
            Error(501, $"{verb} [number | <message-id>]");
            return;
        }

        NewsArticle? article;
        if (args.Length == 1 && args[0].StartsWith('<'))
        {
            if (!NntpArticleHeaders.IsMessageId(args[0]))
            {
                Error(501, "bad message-id");
                return;
            }

            article = await _server.Store.FindArticleAsync(args[0], _group?.Name, _stopping);
            if (article is null)
            {
                Reply(430, "no article with that message-id");
                return;
            }

            article = article with { Number = 0 }; // RFC 3977 6.2.1.2: by message-id the number is 0 and the current article stays.
        }
        else
        {
            long number = _current;
            if (args.Length == 1 && !NntpRange.TryNumber(args[0], out number))
            {
                Error(501, "bad article number");
                return;
            }

            if (_group is null)
            {
                Reply(412, "no newsgroup selected");
                return;
            }

            if (args.Length == 0 && _state != NntpSessionState.ArticleSelected)
            {
                Reply(420, "current article number is invalid");
                return;
            }

            article = await _server.Store.GetArticleAsync(_group.Name, number, _stopping);
            if (article is null)
            {
                Reply(args.Length == 0 ? 420 : 423, args.Length == 0 ? "current article number is invalid" : "no article with that number");
                return;
            }

            _current = number;
            _state = NntpSessionState.ArticleSelected;
        }

        var text = string.Create(CultureInfo.InvariantCulture, $"{article.Number} {article.MessageId} {part}");
        if (code == 223)
        {
            Reply(code, text);
            return;
        }

        var headers = NntpArticleHeaders.Parse(article.Raw);
        var raw = article.Raw.AsSpan();
        var content = code switch
        {
            220 => raw,
            221 => raw[..HeaderEnd(raw, headers.BodyOffset)],
            _ => raw[Math.Min(headers.BodyOffset, raw.Length)..],
        };
        Article(code, text, content);
    }

    /// <summary>The end of the header section without the empty line that ends it.</summary>
    private static int HeaderEnd(ReadOnlySpan<byte> raw, int bodyOffset)
    {
        var end = Math.Min(bodyOffset, raw.Length);
        if (end == raw.Length && (end == 0 || raw[end - 1] != (byte)'\n'))
        {
            return end;
        }

        end -= end >= 2 && raw[end - 2] == (byte)'\r' ? 2 : 1; // the empty line
        return Math.Max(end, 0);
    }

    private async ValueTask MoveAsync(bool next, string[] args)
    {
        if (args.Length > 0)
        {
            Error(501, next ? "NEXT takes no arguments" : "LAST takes no arguments");
            return;
        }

        if (_group is null)
        {
            Reply(412, "no newsgroup selected");
            return;
        }

        if (_state != NntpSessionState.ArticleSelected)
        {
            Reply(420, "current article number is invalid");
            return;
        }

        var range = next ? new NntpRange(_current + 1, null) : new NntpRange(1, _current - 1);
        var numbers = await _server.Store.ListNumbersAsync(_group.Name, range, _stopping);
        if (numbers.Count == 0)
        {
            Reply(next ? 421 : 422, next ? "no next article in this group" : "no previous article in this group");
            return;
        }

        var number = next ? numbers[0] : numbers[^1];
        var article = await _server.Store.GetArticleAsync(_group.Name, number, _stopping);
        _current = number;
        Reply(223, string.Create(CultureInfo.InvariantCulture, $"{number} {article?.MessageId} retrieved"));
    }

    /// <summary>The range an OVER or HDR asks for: given, or the current article; null when refused (reply sent).</summary>
    private NntpRange? RangeArgument(string? arg)
    {
        if (arg is null)
        {
            if (_group is null)
            {
                Reply(412, "no newsgroup selected");
                return null;
            }

            if (_state != NntpSessionState.ArticleSelected)
            {
                Reply(420, "current article number is invalid");
                return null;
            }

            return NntpRange.Single(_current);
        }

        if (!NntpRange.TryParse(arg, out var range))
        {
            Error(501, "bad range");
            return null;
        }

        if (_group is null)
        {
            Reply(412, "no newsgroup selected");
            return null;
        }

        return range;
    }

    private async ValueTask OverAsync(string[] args)
    {
        if (args.Length > 1)
        {
            Error(501, "OVER [range | <message-id>]");
            return;
        }

        if (args.Length == 1 && args[0].StartsWith('<'))
        {
            var one = NntpArticleHeaders.IsMessageId(args[0]) ? await _server.Store.GetOverviewAsync(args[0], _stopping) : null;
            if (one is null)
            {
                Reply(430, "no article with that message-id");
                return;
            }

            Block(224, "overview information follows", [one.ToLine()]);
            return;
        }

        if (RangeArgument(args.Length == 1 ? args[0] : null) is not { } range)
        {
            return;
        }

        if (range.IsEmpty)
        {
            Reply(423, "no articles in that range");
            return;
        }

        // Page by page, each page's lines written straight into the output and sent once it
        // is big: memory stays bounded on a huge group and the client gets lines early.
        range = Clamp(range);
        var any = false;
        long start = 0; // where the block began in the output; below 0 once earlier parts went out
        while (true)
        {
            var page = await _server.Store.GetOverviewAsync(_group!.Name, range, OverPageSize, _stopping);
            if (page.Count > 0 && !any)
            {
                Reply(224, "overview information follows");
                any = true;
                start = _output.WrittenCount;
            }

            foreach (var line in page)
            {
                line.WriteLine(_output);
            }

            if (page.Count < OverPageSize)
            {
                break;
            }

            range = range with { Low = page[^1].Number + 1 };
            if (_output.WrittenCount >= OverFlushBytes)
            {
                start -= _output.WrittenCount;
                await FlushAsync();
            }
        }

        if (!any)
        {
            Reply(423, "no articles in that range");
            return;
        }

        _output.Write(".\r\n"u8);
        _connection.Trace?.Note($"{_output.WrittenCount - start} bytes of data");
    }

    private const int OverPageSize = 2000;
    private const int OverFlushBytes = 256 * 1024;

    private async ValueTask HdrAsync(bool xhdr, string[] args)
    {
        if (args.Length is < 1 or > 2)
        {
            Error(501, "HDR field [range | <message-id>]");
            return;
        }

        var field = args[0];
        List<(long Number, byte[] Raw)> articles = [];
        if (args.Length == 2 && args[1].StartsWith('<'))
        {
            var one = NntpArticleHeaders.IsMessageId(args[1]) ? await _server.Store.FindArticleAsync(args[1], null, _stopping) : null;
            if (one is null)
            {
                Reply(430, "no article with that message-id");
                return;
            }

            articles.Add((0, one.Raw));
        }
        else
        {
            if (RangeArgument(args.Length == 2 ? args[1] : null) is not { } range)
            {
                return;
            }

            if (OverviewField(field) is { } fromOverview)
            {
                // A field the overview holds: one query, no article parsed.
                var overview = range.IsEmpty ? [] : await _server.Store.GetOverviewAsync(_group!.Name, Clamp(range), ct: _stopping);
                if (overview.Count == 0)
                {
                    Reply(423, "no articles in that range");
                    return;
                }

                Block(xhdr ? 221 : 225, "headers follow", overview.Select(o => string.Create(CultureInfo.InvariantCulture, $"{o.Number} {fromOverview(o).Replace('\t', ' ')}")));
                return;
            }

            var numbers = range.IsEmpty ? [] : await _server.Store.ListNumbersAsync(_group!.Name, Clamp(range), _stopping);
            foreach (var number in numbers)
            {
                if (await _server.Store.GetArticleAsync(_group!.Name, number, _stopping) is { } article)
                {
                    articles.Add((number, article.Raw));
                }
            }

            if (articles.Count == 0)
            {
                Reply(423, "no articles in that range");
                return;
            }
        }

        var lines = articles.Select(a =>
        {
            var headers = NntpArticleHeaders.Parse(a.Raw);
            var value = field.ToLowerInvariant() switch
            {
                ":bytes" => a.Raw.Length.ToString(CultureInfo.InvariantCulture),
                ":lines" => headers.BodyLines.ToString(CultureInfo.InvariantCulture),
                _ => headers[field.TrimEnd(':')] ?? "",
            };
            return string.Create(CultureInfo.InvariantCulture, $"{a.Number} {value.Replace('\t', ' ')}");
        });
        Block(xhdr ? 221 : 225, "headers follow", lines);
    }

    /// <summary>How to read <paramref name="field"/> from an overview line, when it is one of its fields.</summary>
    private static Func<NntpOverview, string>? OverviewField(string field) => field.TrimEnd(':').ToLowerInvariant() switch
    {
        "subject" => o => o.Subject,
        "from" => o => o.From,
        "date" => o => o.Date,
        "message-id" => o => o.MessageId,
        "references" => o => o.References,
        ":bytes" or "bytes" when field.StartsWith(':') => o => o.Bytes.ToString(CultureInfo.InvariantCulture),
        ":lines" or "lines" when field.StartsWith(':') => o => o.Lines.ToString(CultureInfo.InvariantCulture),
        _ => null,
    };
}
