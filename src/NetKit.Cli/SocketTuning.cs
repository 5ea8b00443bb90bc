namespace NetKit.Cli;

/// <summary>Process-wide socket settings that must be made before the first socket exists.</summary>
internal static class SocketTuning
{
    private const string InlineCompletions = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>
    /// Runs socket continuations on the epoll thread instead of queueing them to
    /// the thread pool: one thread hop less per read and write, which is most of
    /// the gap to a C epoll server. Safe because NetKit's sessions never block a
    /// thread. The user's own setting of the variable wins.
    /// </summary>
    public static void PreferInlineCompletions()
    {
        if (Environment.GetEnvironmentVariable(InlineCompletions) is null)
        {
            Environment.SetEnvironmentVariable(InlineCompletions, "1");
        }
    }
}
