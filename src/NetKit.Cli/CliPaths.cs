namespace NetKit.Cli;

/// <summary>Where NetKit keeps its files.</summary>
internal static class CliPaths
{
    /// <summary>
    /// The --data option, else $NETKIT_DATA, else ~/.local/share/netkit (the platform's local application data);
    /// created unless <paramref name="create"/> is false (commands that only read must not make one).
    /// </summary>
    public static string DataDirectory(string? option, bool create = true)
    {
        var chosen = option ?? Environment.GetEnvironmentVariable("NETKIT_DATA");
        if (string.IsNullOrWhiteSpace(chosen))
        {
            chosen = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "netkit");
        }

        var full = Path.GetFullPath(chosen);
        if (create)
        {
            Directory.CreateDirectory(full);
        }

        return full;
    }

    /// <summary>
    /// How the CLI opens SQLite stores: $NETKIT_BUSY_TIMEOUT (seconds) bounds the wait for a lock held
    /// by another process (default 30 s), so a locked store fails with a clear error instead of waiting long.
    /// </summary>
    public static NetKit.Mail.MailStoreOptions StoreOptions()
    {
        var text = Environment.GetEnvironmentVariable("NETKIT_BUSY_TIMEOUT");
        return double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? new NetKit.Mail.MailStoreOptions { BusyTimeout = TimeSpan.FromSeconds(seconds) }
            : new NetKit.Mail.MailStoreOptions();
    }
}
