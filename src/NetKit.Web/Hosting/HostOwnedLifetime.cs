using Microsoft.Extensions.Hosting;

namespace NetKit.Web.Hosting;

/// <summary>
/// The serve command handles Ctrl+C and SIGTERM for every service; ASP.NET Core's console
/// lifetime would register its own and stop the web service on its own terms.
/// </summary>
internal sealed class HostOwnedLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
