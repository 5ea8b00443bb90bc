using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace NetKit.Web.Api;

/// <summary>GET /api/status: the version, when the web service started, and every listener of the run with its connection counts.</summary>
internal static class StatusApi
{
    public static string Version { get; } =
        typeof(NetKit.Services.ServeContext).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? "unknown";

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/api/status", GetStatus).WithTags("status");

    private static Ok<StatusView> GetStatus(WebState state) =>
        TypedResults.Ok(new StatusView(Version, state.StartedAt, state.Context.Listeners?.Invoke() ?? []));
}
