namespace NetKit.Gopher.Server;

/// <summary>What a selector names inside the root.</summary>
public enum GopherTargetKind
{
    Directory,
    File,
}

/// <summary>A selector resolved: the file or directory inside the root, and the canonical selector for it.</summary>
public sealed record GopherTarget(GopherTargetKind Kind, string FullPath, string Selector);

/// <summary>
/// Maps selectors to paths under the root and refuses every way out: <c>..</c>
/// and every other dot name (hidden files included), backslashes, NUL and
/// control characters, symbolic links that lead outside the root (checked on
/// the real path, after the kernel has followed every link), and anything that
/// is not a plain file or directory. Selectors are not percent-decoded (they are
/// opaque strings, RFC 1436 2), so <c>%2e%2e</c> is a name that does not exist.
/// An absolute selector is read from the root, as Gopher servers do.
/// </summary>
public sealed class GopherJail
{
    public GopherJail(string root)
    {
        Root = FileKind.RealPath(Path.GetFullPath(root)) is { } real && Directory.Exists(real)
            ? Path.TrimEndingDirectorySeparator(real)
            : throw new DirectoryNotFoundException($"the Gopher root {Path.GetFullPath(root)} does not exist");
    }

    /// <summary>The root's real path (a root that is a symbolic link is followed once, here).</summary>
    public string Root { get; }

    /// <summary>The selector's target, or null when it names nothing that may be served.</summary>
    public GopherTarget? Resolve(string selector)
    {
        if (selector.Any(c => c == '\\' || char.IsControl(c)))
        {
            return null;
        }

        var segments = selector.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Any(s => s.StartsWith('.')))
        {
            return null;
        }

        var path = segments.Length == 0 ? Root : Path.Combine(Root, Path.Combine(segments));
        var real = FileKind.RealPath(path);
        if (real is null || !Inside(real))
        {
            return null;
        }

        var canonical = "/" + string.Join('/', segments);
        if (Directory.Exists(real))
        {
            return new GopherTarget(GopherTargetKind.Directory, path, canonical);
        }

        // Devices, FIFOs and sockets are files to .NET too: only regular files are served.
        return FileKind.IsRegularFile(real) ? new GopherTarget(GopherTargetKind.File, real, canonical) : null;
    }

    /// <summary>True when the real path <paramref name="realPath"/> is the root or below it.</summary>
    public bool Inside(string realPath) =>
        realPath == Root || realPath.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    /// <summary>True for an entry a listing may show: a plain file or directory, not hidden, not a link out.</summary>
    public bool MayList(FileSystemInfo entry)
    {
        if (entry.Name.StartsWith('.'))
        {
            return false;
        }

        var real = FileKind.RealPath(entry.FullName);
        return real is not null && Inside(real) && (Directory.Exists(real) || FileKind.IsRegularFile(real));
    }
}
