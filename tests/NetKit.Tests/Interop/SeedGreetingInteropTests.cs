using System.Net;
using NetKit.Services;
using NetKit.Tests.Support;
using NetKit.Transport;

namespace NetKit.Tests.Interop;

// The seed's greeting programs (tests/interop/greeting_*.py) against ours, both ways.
public class SeedGreetingInteropTests
{
    [Fact]
    public async Task GreetingService_pythonSeedClientAgainstServeCommand_printsThankYou()
    {
        await using var serve = await ServeProcess.StartAsync("greeting=127.0.0.1:0");

        var client = await InteropScripts.RunAsync("greeting_client.py", "127.0.0.1", Port(serve));

        Assert.True(client.ExitCode == 0, client.ToString());
        Assert.Equal("Thank you for connecting\r\n\n", client.Stdout);
        await serve.Process.WaitForLineAsync(l => l.Contains("connection from 127.0.0.1:", StringComparison.Ordinal), TimeSpan.FromSeconds(10), "a log line for the connection");
    }

    [Fact]
    public async Task GreetingService_pythonSeedClientAgainstInProcessStreamServer_printsThankYou()
    {
        await using var server = new StreamServer("greeting", new IPEndPoint(IPAddress.Loopback, 0), GreetingService.HandleAsync);
        server.Start();
        var port = ((IPEndPoint)server.LocalEndPoint!).Port;

        var client = await InteropScripts.RunAsync("greeting_client.py", "127.0.0.1", port.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.True(client.ExitCode == 0, client.ToString());
        Assert.Equal("Thank you for connecting\r\n\n", client.Stdout);
        Assert.Equal(1, server.TotalConnections);
    }

    [Fact]
    public async Task GreetCommand_againstPythonSeedServer_printsThankYouAndServerSeesConnection()
    {
        var (server, port) = await InteropScripts.StartServerAsync("greeting_server.py", "0");
        await using var _ = server;

        var greet = await NetkitCli.RunAsync("greet", $"127.0.0.1:{port}");

        Assert.True(greet.ExitCode == 0, greet.ToString());
        Assert.Equal("Thank you for connecting\n", greet.Stdout);
        Assert.Equal("", greet.Stderr);
        await server.WaitForLineAsync(l => l.StartsWith("Got a connection from ('127.0.0.1', ", StringComparison.Ordinal), TimeSpan.FromSeconds(10), "\"Got a connection from ...\"");
    }

    [Fact]
    public async Task GreetCommand_portOnlyAgainstPythonSeedServer_usesLoopback()
    {
        var (server, port) = await InteropScripts.StartServerAsync("greeting_server.py", "0");
        await using var _ = server;

        var greet = await NetkitCli.RunAsync("greet", port.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.True(greet.ExitCode == 0, greet.ToString());
        Assert.Equal("Thank you for connecting\n", greet.Stdout);
    }

    private static string Port(ServeProcess serve) =>
        serve.Port("greeting").ToString(System.Globalization.CultureInfo.InvariantCulture);
}
