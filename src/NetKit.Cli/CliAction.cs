using System.CommandLine;
using System.Net.Sockets;

namespace NetKit.Cli;

/// <summary>Exit codes every command shares.</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int Usage = 2;
    public const int Interrupted = 130;
}

/// <summary>
/// Runs a command's body and turns every failure into one line on stderr and
/// an exit code: a user of the CLI never sees a stack trace.
/// </summary>
internal static class CliAction
{
    public static void Set(Command command, Func<ParseResult, CancellationToken, Task<int>> body) =>
        command.SetAction((parse, ct) => RunAsync(parse, ct, body));

    private static async Task<int> RunAsync(ParseResult parse, CancellationToken ct, Func<ParseResult, CancellationToken, Task<int>> body)
    {
        try
        {
            return await body(parse, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return ExitCodes.Interrupted;
        }
        catch (Exception ex)
        {
            var (message, code) = Describe(ex);
            await Console.Error.WriteLineAsync($"netkit: {message}");
            return code;
        }
    }

    internal static (string Message, int ExitCode) Describe(Exception ex) => ex switch
    {
        UsageException => (ex.Message, ExitCodes.Usage),
        FormatException => (ex.Message, ExitCodes.Usage),
        NetKitException => (ex.Message, ExitCodes.Failure),
        SocketException se => (SocketMessage(se), ExitCodes.Failure),
        IOException { InnerException: SocketException se } => (SocketMessage(se), ExitCodes.Failure),
        TimeoutException => (ex.Message, ExitCodes.Failure),
        OperationCanceledException => ("timed out", ExitCodes.Failure),
        UnauthorizedAccessException or IOException => (ex.Message, ExitCodes.Failure),
        _ => ($"unexpected error: {ex.GetType().Name}: {ex.Message}", ExitCodes.Failure),
    };

    private static string SocketMessage(SocketException se) => se.SocketErrorCode switch
    {
        SocketError.ConnectionRefused => "connection refused",
        SocketError.TimedOut => "connection timed out",
        SocketError.HostNotFound or SocketError.NoData => "host not found",
        SocketError.AddressAlreadyInUse => "address already in use",
        SocketError.ConnectionReset => "connection reset by peer",
        _ => se.Message,
    };
}

/// <summary>The user typed something the command cannot use.</summary>
internal sealed class UsageException(string message) : Exception(message);
