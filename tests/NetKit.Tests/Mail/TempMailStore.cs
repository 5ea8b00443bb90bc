using System.Text;
using Microsoft.Data.Sqlite;
using NetKit.Mail;

namespace NetKit.Tests.Mail;

/// <summary>A mail store in a fresh temporary directory, removed at the end of the test.</summary>
internal sealed class TempMailStore : IAsyncDisposable
{
    private readonly MailStoreOptions? options;

    private TempMailStore(string directory, MailStoreOptions? options)
    {
        Directory = directory;
        this.options = options;
        Store = MailStore.Open(directory, options);
    }

    public string Directory { get; }

    public MailStore Store { get; private set; }

    public static TempMailStore Create(MailStoreOptions? options = null) =>
        new(System.IO.Directory.CreateTempSubdirectory("nk-mail-").FullName, options);

    /// <summary>Closes the store and opens the same file again, as a restarted server would.</summary>
    public async Task<MailStore> ReopenAsync()
    {
        await Store.DisposeAsync();
        Store = MailStore.Open(Directory, options);
        return Store;
    }

    /// <summary>A connection of the test's own, to look at (or tamper with) the tables directly.</summary>
    public SqliteConnection OpenRaw()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Store.DatabasePath, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    public long Scalar(string sql)
    {
        using var connection = OpenRaw();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    /// <summary>A delivery of <paramref name="raw"/> to the INBOX of each account given.</summary>
    public static MailDelivery Delivery(byte[] raw, params string[] accounts) =>
        new(raw, "sender@example.org", [.. accounts.Select(a => new MailRecipient(a.Contains('@', StringComparison.Ordinal) ? a : a + "@localhost", a))], "127.0.0.1", "client.example.org");

    /// <summary>A small ASCII message with CRLF line ends.</summary>
    public static byte[] Message(string subject, string body = "Hello.") =>
        Encoding.ASCII.GetBytes($"From: sender@example.org\r\nTo: rcpt@localhost\r\nSubject: {subject}\r\n\r\n{body}\r\n");
}
