namespace NetKit.Ftp;

/// <summary>What a directory entry is.</summary>
public enum FtpEntryType
{
    File,
    Directory,

    /// <summary>MLSD's <c>cdir</c> (the listed directory itself, ".").</summary>
    CurrentDirectory,

    /// <summary>MLSD's <c>pdir</c> (its parent, "..").</summary>
    ParentDirectory,

    /// <summary>A symbolic link (LIST's <c>l</c>, MLSD's <c>OS.unix=symlink</c>).</summary>
    Link,
    Other,
}

/// <summary>
/// One entry of a listing, from MLSD/MLST facts (RFC 3659 7) or a parsed LIST
/// line. <see cref="Facts"/> holds every fact as sent, names in lower case.
/// </summary>
public sealed record FtpEntry(string Name, FtpEntryType Type, long? Size, DateTimeOffset? Modified, IReadOnlyDictionary<string, string> Facts)
{
    public bool IsDirectory => Type is FtpEntryType.Directory or FtpEntryType.CurrentDirectory or FtpEntryType.ParentDirectory;
}
