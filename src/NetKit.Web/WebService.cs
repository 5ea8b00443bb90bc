using NetKit.Services;

namespace NetKit.Web;

/// <summary>The <c>web</c> service for <c>netkit serve</c>: the console and the REST API over the run's stores.</summary>
public static class WebService
{
    public const string Name = "web";

    public static ServiceDefinition Definition(WebServerOptions options) =>
        new(Name, "web console and REST API over the mail, news and file stores (HTTP, OpenAPI at /openapi/v1.json)", WebServerOptions.DefaultPort, null, null)
        {
            HostedFactory = context => new WebServer(context, options),
        };
}
