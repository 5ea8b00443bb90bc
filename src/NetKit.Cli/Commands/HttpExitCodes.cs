using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using NetKit.Http;

namespace NetKit.Cli.Commands;

/// <summary>
/// `netkit http` exit codes: a script can tell "the server said no" from "there
/// was no server" from "it was too slow" without reading stderr.
/// </summary>
internal static class HttpExitCodes
{
    public const int Success = ExitCodes.Success;
    public const int Failure = ExitCodes.Failure;
    public const int Usage = ExitCodes.Usage;
    public const int ConnectFailed = 3;
    public const int TimedOut = 4;
    public const int ClientError = 5;
    public const int ServerError = 6;
    public const int TransferBroken = 7;
    public const int TooManyRedirects = 8;
    public const int TlsFailed = 9;

    /// <summary>The exit code for a final status: 2xx (and 3xx when redirects are off) succeed.</summary>
    public static int ForStatus(HttpStatusCode status, bool followRedirects) => (int)status switch
    {
        >= 200 and < 300 => Success,
        >= 300 and < 400 => followRedirects ? TooManyRedirects : Success,
        >= 400 and < 500 => ClientError,
        >= 500 => ServerError,
        _ => Failure,
    };

    /// <summary>One line for stderr and the exit code, for any failure of a request.</summary>
    public static (string Message, int ExitCode) Describe(Exception ex) => ex switch
    {
        FormatException or UsageException => (ex.Message, Usage),
        HttpStatusException status => (status.Message, ForStatus(status.StatusCode, followRedirects: false)),
        HttpDownloadInterruptedException => (ex.Message, TransferBroken),
        TimeoutException => (ex.Message, TimedOut),
        OperationCanceledException { InnerException: TimeoutException inner } => ($"timed out: {inner.Message}", TimedOut),
        OperationCanceledException => ("timed out", TimedOut),
        HttpRequestException request => Describe(request),
        HttpIOException io => ($"the server broke off the response: {io.Message}", TransferBroken),
        _ => CliAction.Describe(ex),
    };

    private static (string, int) Describe(HttpRequestException ex) => ex.HttpRequestError switch
    {
        HttpRequestError.NameResolutionError => ($"host not found: {ex.Message}", ConnectFailed),
        HttpRequestError.ConnectionError when ex.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused } =>
            ($"connection refused: {ex.Message}", ConnectFailed),
        HttpRequestError.ConnectionError or HttpRequestError.ProxyTunnelError => ($"cannot connect: {Deepest(ex)}", ConnectFailed),
        HttpRequestError.SecureConnectionError => ($"TLS failed: {Deepest(ex)}{CertificateHint(ex)}", TlsFailed),
        HttpRequestError.VersionNegotiationError => ($"the server does not speak the HTTP version asked for: {Deepest(ex)}", Failure),
        HttpRequestError.ResponseEnded or HttpRequestError.InvalidResponse => ($"the server broke off the response: {Deepest(ex)}", TransferBroken),
        _ when ex.InnerException is TimeoutException => ($"timed out: {ex.InnerException.Message}", TimedOut),
        _ => ($"request failed: {Deepest(ex)}", Failure),
    };

    private static string CertificateHint(Exception ex) =>
        Chain(ex).Any(e => e is AuthenticationException && e.Message.Contains("certificate", StringComparison.OrdinalIgnoreCase))
            ? " (-k/--insecure accepts a self-signed certificate)"
            : string.Empty;

    /// <summary>The innermost message says what happened ("The remote certificate is invalid ..."); the outer ones say "see inner exception".</summary>
    private static string Deepest(Exception ex) => Chain(ex).Last().Message.TrimEnd('.');

    private static IEnumerable<Exception> Chain(Exception ex)
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            yield return e;
        }
    }
}
