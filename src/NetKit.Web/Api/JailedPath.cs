namespace NetKit.Web.Api;

/// <summary>
/// A path under a root that cannot leave it: no "." or ".." segments, and every symbolic link on
/// the way is followed and must still land inside the root (both compared as real paths).
/// </summary>
internal static class JailedPath
{
    private const int MaxLinks = 40; // As Linux's path walk: a loop of links ends, it does not spin.

    /// <summary>The file or directory at <paramref name="relative"/> under <paramref name="root"/>, or null when it is not there or not inside.</summary>
    public static FileSystemInfo? Resolve(string root, string? relative)
    {
        var segments = (relative ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Any(s => s is "." or ".." || s.Contains('\\', StringComparison.Ordinal) || s.Contains('\0', StringComparison.Ordinal)))
        {
            return null;
        }

        if (RealPath(root) is not { } realRoot || RealPath(Path.Join([root, .. segments])) is not { } target)
        {
            return null;
        }

        if (!(target == realRoot || target.StartsWith(realRoot.TrimEnd('/') + "/", StringComparison.Ordinal)))
        {
            return null;
        }

        return Directory.Exists(target) ? new DirectoryInfo(target) : File.Exists(target) ? new FileInfo(target) : null;
    }

    /// <summary>The path with every symbolic link resolved, or null when part of it does not exist or links loop.</summary>
    private static string? RealPath(string path)
    {
        var pending = new Stack<string>(Path.GetFullPath(path).Split('/', StringSplitOptions.RemoveEmptyEntries).Reverse());
        var current = "/";
        var links = 0;
        while (pending.TryPop(out var segment))
        {
            if (segment == "..")
            {
                current = Path.GetDirectoryName(current) ?? "/";
                continue;
            }

            if (segment == ".")
            {
                continue;
            }

            var next = Path.Join(current, segment);
            var info = new FileInfo(next);
            if (!info.Exists && !Directory.Exists(next))
            {
                return null;
            }

            if (info.LinkTarget is not { } link)
            {
                current = next;
                continue;
            }

            if (++links > MaxLinks)
            {
                return null;
            }

            // Walk the link's target in place of this segment (absolute: from /; relative: from here).
            foreach (var part in link.Split('/', StringSplitOptions.RemoveEmptyEntries).Reverse())
            {
                pending.Push(part);
            }

            if (link.StartsWith('/'))
            {
                current = "/";
            }
        }

        return current;
    }
}
