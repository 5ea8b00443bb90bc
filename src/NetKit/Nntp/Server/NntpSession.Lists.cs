using System.Globalization;

namespace NetKit.Nntp.Server;

/// <summary>CAPABILITIES, HELP, LIST and its keywords, NEWGROUPS, NEWNEWS.</summary>
internal sealed partial class NntpSession
{
    private static readonly string[] ListKeywords = ["ACTIVE", "ACTIVE.TIMES", "DISTRIB.PATS", "HEADERS", "NEWSGROUPS", "OVERVIEW.FMT"];

    private void Capabilities(string[] args)
    {
        if (args.Length > 1)
        {
            Error(501, "CAPABILITIES [keyword]");
            return;
        }

        List<string> lines = ["VERSION 2", "READER", "IHAVE", "NEWNEWS", "HDR", "OVER MSGID", "LIST " + string.Join(' ', ListKeywords), "IMPLEMENTATION NetKit"];
        if (PostingAllowed)
        {
            lines.Add("POST");
        }

        if (StartTlsOffered)
        {
            lines.Add("STARTTLS");
        }

        if (AuthOffered)
        {
            lines.Add("AUTHINFO USER SASL");
            lines.Add("SASL PLAIN");
        }

        Block(101, "capability list follows", lines);
    }

    private void Help() => Block(100, "help text follows",
    [
        "ARTICLE|HEAD|BODY|STAT [number|<message-id>]", "AUTHINFO USER name|PASS password|SASL PLAIN [initial]", "CAPABILITIES", "DATE",
        "GROUP group", "HDR field [range|<message-id>]", "HELP", "IHAVE <message-id>", "LAST",
        "LIST [ACTIVE|ACTIVE.TIMES|NEWSGROUPS [wildmat]|OVERVIEW.FMT|HEADERS|DISTRIB.PATS]", "LISTGROUP [group [range]]",
        "MODE READER", "NEWGROUPS [yy]yymmdd hhmmss [GMT]", "NEWNEWS wildmat [yy]yymmdd hhmmss [GMT]", "NEXT",
        "OVER [range|<message-id>]", "POST", "QUIT", "STARTTLS",
    ]);

    private async ValueTask ListAsync(string[] args)
    {
        var keyword = args.Length == 0 ? "ACTIVE" : args[0].ToUpperInvariant();
        if (args.Length > 2 || !ListKeywords.Contains(keyword))
        {
            Error(501, "LIST [ACTIVE|ACTIVE.TIMES|NEWSGROUPS|OVERVIEW.FMT|HEADERS|DISTRIB.PATS] [argument]");
            return;
        }

        var pattern = Wildmat.All;
        if (args.Length == 2 && keyword is "ACTIVE" or "ACTIVE.TIMES" or "NEWSGROUPS" && !Wildmat.TryParse(args[1], out pattern))
        {
            Error(501, "bad wildmat");
            return;
        }

        switch (keyword)
        {
            case "OVERVIEW.FMT":
                Block(215, "order of fields in overview database", NntpOverview.Format);
                return;
            case "HEADERS":
                Block(215, "headers and metadata items supported", [":", ":bytes", ":lines"]);
                return;
            case "DISTRIB.PATS":
                Block(215, "distribution patterns follow", []);
                return;
        }

        var groups = (await _server.Store.ListGroupsAsync(_stopping)).Where(g => pattern.IsMatch(g.Name));
        Block(215, "list follows", keyword switch
        {
            "ACTIVE" => groups.Select(ActiveLine),
            "ACTIVE.TIMES" => groups.Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Name} {g.Created.ToUnixTimeSeconds()} netkit")),
            _ => groups.Select(g => $"{g.Name}\t{g.Description}"),
        });
    }

    private string ActiveLine(NewsGroup g) =>
        string.Create(CultureInfo.InvariantCulture, $"{g.Name} {g.High} {g.Low} {(g.Moderated ? 'm' : PostingAllowed ? 'y' : 'n')}");

    /// <summary>The date and time of NEWGROUPS and NEWNEWS; null when refused (501 sent).</summary>
    private DateTimeOffset? Since(string[] args, int at)
    {
        var rest = args.Length - at;
        if (rest is < 2 or > 3 || (rest == 3 && !args[at + 2].Equals("GMT", StringComparison.OrdinalIgnoreCase))
            || !NntpDateTime.TryParse(args[at], args[at + 1], out var since))
        {
            Error(501, "expected [yy]yymmdd hhmmss [GMT]");
            return null;
        }

        return since;
    }

    private async ValueTask NewGroupsAsync(string[] args)
    {
        if (Since(args, 0) is not { } since)
        {
            return;
        }

        var groups = (await _server.Store.ListGroupsAsync(_stopping)).Where(g => g.Created >= since);
        Block(231, "list of new newsgroups follows", groups.Select(ActiveLine));
    }

    private async ValueTask NewNewsAsync(string[] args)
    {
        if (args.Length < 1 || !Wildmat.TryParse(args[0], out var pattern))
        {
            Error(501, "NEWNEWS wildmat [yy]yymmdd hhmmss [GMT]");
            return;
        }

        if (Since(args, 1) is not { } since)
        {
            return;
        }

        var found = await _server.Store.ListSinceAsync(since, _stopping);
        var ids = found.Where(f => pattern.IsMatch(f.Group)).Select(f => f.MessageId).Distinct();
        Block(230, "list of new articles follows", ids);
    }
}
