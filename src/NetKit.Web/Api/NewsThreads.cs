using NetKit.Nntp;

namespace NetKit.Web.Api;

/// <summary>
/// A group's articles as threads: each reply right after its parent (the last of its References
/// that is in the group), nested by depth, threads and siblings in article order. A parent must
/// have a lower number than its reply, so crafted References cannot make a loop.
/// </summary>
internal static class NewsThreads
{
    public static IReadOnlyList<(NntpOverview Article, int Depth)> Order(IReadOnlyList<NntpOverview> articles)
    {
        var byId = new Dictionary<string, NntpOverview>(StringComparer.Ordinal);
        foreach (var article in articles)
        {
            byId.TryAdd(article.MessageId, article);
        }

        var children = new Dictionary<long, List<NntpOverview>>();
        var roots = new List<NntpOverview>();
        foreach (var article in articles.OrderBy(a => a.Number))
        {
            if (Parent(article, byId) is { } parent)
            {
                (children.TryGetValue(parent.Number, out var list) ? list : children[parent.Number] = []).Add(article);
            }
            else
            {
                roots.Add(article);
            }
        }

        var ordered = new List<(NntpOverview, int)>(articles.Count);
        var pending = new Stack<(NntpOverview Article, int Depth)>(roots.AsEnumerable().Reverse().Select(r => (r, 0)));
        while (pending.TryPop(out var next))
        {
            ordered.Add(next);
            if (children.TryGetValue(next.Article.Number, out var replies))
            {
                for (var i = replies.Count - 1; i >= 0; i--)
                {
                    pending.Push((replies[i], next.Depth + 1));
                }
            }
        }

        return ordered;
    }

    public static IReadOnlyList<string> References(NntpOverview article) =>
        article.References.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);

    private static NntpOverview? Parent(NntpOverview article, Dictionary<string, NntpOverview> byId)
    {
        var references = References(article);
        for (var i = references.Count - 1; i >= 0; i--)
        {
            if (byId.TryGetValue(references[i], out var parent) && parent.Number < article.Number)
            {
                return parent;
            }
        }

        return null;
    }
}
