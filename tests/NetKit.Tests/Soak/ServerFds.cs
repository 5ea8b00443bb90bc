using System.Text.RegularExpressions;

namespace NetKit.Tests.Soak;

/// <summary>
/// A process's open file descriptors, from /proc/PID/fd. Two kinds are counted apart, because
/// they grow once without leaking: the mail and news stores' pool of SQLite read connections
/// (each holds the .db and its -wal open; the pool follows how many readers ran at once) and
/// assemblies (.dll, and .pdb once a stack trace through one was formatted), which the runtime
/// opens the first time a code path needs one and keeps (their fds read "X.dll (deleted)" once
/// a build has replaced the file: the same assemblies).
/// The rest (sockets, pipes, other files) must not grow across traffic.
/// </summary>
internal static partial class ServerFds
{
    public sealed record Counts(int Total, int Sockets, int Pooled, int Assemblies)
    {
        /// <summary>The fds that must come back: all but the pooled SQLite ones and the assemblies.</summary>
        public int Others => Total - Pooled - Assemblies;

        public override string ToString() => $"{Total} fds: {Sockets} sockets, {Pooled} pooled SQLite (.db, -wal), {Assemblies} assemblies, {Others} others";
    }

    public static Counts Count(int pid)
    {
        var targets = Targets(pid);
        return new Counts(
            targets.Count,
            targets.Count(t => t.StartsWith("socket:", StringComparison.Ordinal)),
            targets.Count(t => PooledFile().IsMatch(t)),
            targets.Count(t => AssemblyFile().IsMatch(t)));
    }

    /// <summary>Polls until the <see cref="Counts.Others"/> are at most <paramref name="ceiling"/>, or <paramref name="wait"/> has passed; returns the last count.</summary>
    public static async Task<Counts> SettledAsync(int pid, int ceiling, TimeSpan wait)
    {
        var deadline = DateTime.UtcNow + wait;
        while (true)
        {
            var counts = Count(pid);
            if (counts.Others <= ceiling || DateTime.UtcNow > deadline)
            {
                return counts;
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Every fd's target with how many point there, for a failure message.</summary>
    public static string Describe(int pid) =>
        string.Join('\n', Targets(pid)
            .Select(t => BracketedInode().Replace(t, "[]"))
            .GroupBy(t => t, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"{g.Count(),4} {g.Key}"));

    private static List<string> Targets(int pid)
    {
        var targets = new List<string>();
        foreach (var fd in Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd"))
        {
            try
            {
                if (new FileInfo(fd).LinkTarget is { } target)
                {
                    targets.Add(target);
                }
            }
            catch (IOException)
            {
                // Closed while we looked.
            }
        }

        return targets;
    }

    [GeneratedRegex(@"/(mail|news)\.db(-wal)?$")]
    private static partial Regex PooledFile();

    [GeneratedRegex(@"\.(dll|pdb)( \(deleted\))?$")]
    private static partial Regex AssemblyFile();

    [GeneratedRegex(@"\[\d+\]")]
    private static partial Regex BracketedInode();
}
