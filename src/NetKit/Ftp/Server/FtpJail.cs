namespace NetKit.Ftp.Server;

/// <summary>
/// The user's view of the file system: virtual paths (<c>/docs/a.txt</c>)
/// under one physical root that no path ever leaves. '..' above the root,
/// NUL and control characters, overlong names, and symbolic links whose
/// target lies outside the root all fail with <see cref="FtpPathException"/>.
/// </summary>
/// <remarks>
/// Links are followed the way the OS will follow them (the realpath
/// algorithm, component by component, relative targets from their own
/// directory), and the resolved path must still be inside the root's own
/// resolved path. A link swapped between this check and the open is a race
/// this check cannot close; the root is the user's own folder, so only the
/// user (or the operator) can plant one.
/// </remarks>
public sealed class FtpJail
{
    /// <summary>Longest virtual path accepted, in characters (PATH_MAX is 4096 bytes).</summary>
    public const int MaxPathLength = 1024;

    private const int MaxLinks = 40;

    public FtpJail(string root)
    {
        Root = Path.GetFullPath(root);
        RealRoot = RealPath(Root);
    }

    /// <summary>The physical root as given (full path).</summary>
    public string Root { get; }

    /// <summary>The root with every link resolved: what resolved paths are compared against.</summary>
    public string RealRoot { get; }

    /// <summary>
    /// The virtual path <paramref name="argument"/> names when the current
    /// directory is <paramref name="current"/>: absolute, '.' and '..'
    /// resolved, no trailing '/'. '..' above the root is an escape, not the root.
    /// </summary>
    public static string Combine(string current, string argument)
    {
        if (argument.Length > MaxPathLength)
        {
            throw new FtpPathException("path too long");
        }

        if (argument.AsSpan().ContainsAnyInRange('\0', '\x1f') || argument.Contains('\x7f', StringComparison.Ordinal))
        {
            throw new FtpPathException("control characters in a path");
        }

        // A backslash is a separator to Windows and to clients written for it: never part of a name here.
        if (argument.Contains('\\', StringComparison.Ordinal))
        {
            throw new FtpPathException("backslash in a path");
        }

        var start = argument.StartsWith('/') ? [] : current.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var parts = new List<string>(start);
        foreach (var part in argument.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            switch (part)
            {
                case ".":
                    break;
                case "..":
                    if (parts.Count == 0)
                    {
                        throw new FtpPathException("path leaves the root");
                    }

                    parts.RemoveAt(parts.Count - 1);
                    break;
                default:
                    if (part.Length > 255)
                    {
                        throw new FtpPathException("name too long");
                    }

                    parts.Add(part);
                    break;
            }
        }

        return "/" + string.Join('/', parts);
    }

    /// <summary>The physical path of a virtual path from <see cref="Combine"/>, checked to resolve inside the root.</summary>
    public string ToPhysical(string virtualPath)
    {
        var relative = virtualPath.TrimStart('/');
        var physical = relative.Length == 0 ? Root : Path.Join(Root, relative);
        var real = RealPath(physical);
        if (!IsInside(real))
        {
            throw new FtpPathException("path leaves the root");
        }

        return physical;
    }

    /// <summary>The virtual path of a physical path inside the root (for STOU's reply).</summary>
    public string ToVirtual(string physical)
    {
        var relative = Path.GetRelativePath(Root, physical);
        return relative == "." ? "/" : "/" + relative.Replace(Path.DirectorySeparatorChar, '/');
    }

    private bool IsInside(string real) =>
        real == RealRoot || real.StartsWith(RealRoot.EndsWith('/') ? RealRoot : RealRoot + "/", StringComparison.Ordinal);

    /// <summary>
    /// POSIX realpath for a path whose tail may not exist yet: each existing
    /// component that is a link is replaced by its target, resolved again.
    /// </summary>
    internal static string RealPath(string fullPath)
    {
        var pending = new List<string>(fullPath.Split('/', StringSplitOptions.RemoveEmptyEntries));
        pending.Reverse();   // a stack: the next component is at the end
        var resolved = new List<string>();
        var links = 0;
        var missing = false;
        while (pending.Count > 0)
        {
            var part = pending[^1];
            pending.RemoveAt(pending.Count - 1);
            if (part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                if (resolved.Count > 0)
                {
                    resolved.RemoveAt(resolved.Count - 1);
                }

                continue;
            }

            var candidate = "/" + string.Join('/', resolved.Append(part));
            var target = missing ? null : new FileInfo(candidate).LinkTarget;
            if (target is null)
            {
                missing = missing || !Path.Exists(candidate);
                resolved.Add(part);
                continue;
            }

            if (++links > MaxLinks)
            {
                throw new FtpPathException("too many levels of symbolic links");
            }

            if (target.StartsWith('/'))
            {
                resolved.Clear();
            }

            var targetParts = target.Split('/', StringSplitOptions.RemoveEmptyEntries);
            for (var i = targetParts.Length - 1; i >= 0; i--)
            {
                pending.Add(targetParts[i]);
            }
        }

        return "/" + string.Join('/', resolved);
    }
}
