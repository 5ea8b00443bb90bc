using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NetKit.Services;
using NetKit.Web.Api;
using NetKit.Web.Hosting;

namespace NetKit.Web;

/// <summary>
/// The web console and REST API for one run of <c>netkit serve</c>, on Kestrel: binds exactly the
/// endpoints it is given, reads the run's stores through its <see cref="ServeContext"/>.
/// </summary>
public sealed class WebServer(ServeContext context, WebServerOptions options) : IHostedListener
{
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(5);

    private readonly ConnectionCounter _connections = new();
    private WebApplication? _app;
    private MailFeed? _feed;
    private int _stopped;

    public string Scheme => "http";

    public int ActiveConnections => _connections.Active;

    public long TotalConnections => _connections.Total;

    public async Task<IReadOnlyList<IPEndPoint>> StartAsync(IReadOnlyList<IPEndPoint> bindTo, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(bindTo);
        if (_app is not null)
        {
            throw new InvalidOperationException("the web server has started already");
        }

        if (options.User is not null && string.IsNullOrEmpty(options.Password))
        {
            throw new ArgumentException("basic auth needs a password as well as a user", nameof(options));
        }

        _feed = context.Store is { } store ? new MailFeed(store, context.Logging.CreateLogger("netkit.web")) : null;
        var app = Build(bindTo, new WebState(context, _feed, DateTimeOffset.UtcNow));
        _app = app;
        await app.StartAsync(ct).ConfigureAwait(false);
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        return [.. addresses.Select(a => new Uri(a)).Select(u => new IPEndPoint(IPAddress.Parse(u.Host.Trim('[', ']')), u.Port))];
    }

    private WebApplication Build(IReadOnlyList<IPEndPoint> bindTo, WebState state)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            // No appsettings.json of anyone's, no file watching, no ASPNETCORE_URLS: the serve command decides.
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
            ContentRootPath = AppContext.BaseDirectory,
            ApplicationName = typeof(WebServer).Assembly.GetName().Name,
        });
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(new ForwardingLoggerProvider(context.Logging));
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None); // Its start failures reach the caller as exceptions; the host says them in one line.
        builder.Services.AddSingleton<IHostLifetime, HostOwnedLifetime>();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = StopGrace);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            foreach (var endpoint in bindTo)
            {
                kestrel.Listen(endpoint, listen => listen.Use(_connections.Wrap));
            }
        });
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, WebJson.Default));
        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi();
        builder.Services.AddSingleton(state);

        var app = builder.Build();
        WebSecurity.Use(app, options, loopbackOnly: bindTo.All(e => IPAddress.IsLoopback(e.Address)));
        app.MapOpenApi();
        StatusApi.Map(app);
        MailApi.Map(app);
        EventsApi.Map(app);
        NewsApi.Map(app);
        FilesApi.Map(app);
        StaticContent.Map(app);
        return app;
    }

    public async Task StopAsync(CancellationToken ct)
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        if (_feed is not null)
        {
            await _feed.DisposeAsync().ConfigureAwait(false); // Ends the event streams, so stopping need not wait for them.
        }

        if (_app is not null)
        {
            await _app.StopAsync(ct).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        if (_app is not null)
        {
            await _app.DisposeAsync().ConfigureAwait(false);
            _app = null;
        }
    }
}
