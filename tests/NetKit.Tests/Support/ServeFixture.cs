namespace NetKit.Tests.Support;

/// <summary>One `netkit serve` process shared by the tests of a class (xunit class fixture); SIGTERM at the end.</summary>
public abstract class ServeFixture : IAsyncLifetime
{
    private ServeProcess? _serve;

    public ServeProcess Serve => _serve ?? throw new InvalidOperationException("netkit serve is not running");

    protected abstract string[] Arguments { get; }

    public async Task InitializeAsync() => _serve = await ServeProcess.StartAsync(Arguments);

    public async Task DisposeAsync()
    {
        if (_serve is not null)
        {
            await _serve.StopAsync();
            await _serve.DisposeAsync();
        }
    }
}
