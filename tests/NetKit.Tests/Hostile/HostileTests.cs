namespace NetKit.Tests.Hostile;

/// <summary>A hostile test class's cases by name; <typeparamref name="TCase"/> is what one case is.</summary>
public interface IHostileCases<TCase>
{
    static abstract IReadOnlyDictionary<string, TCase> Cases { get; }
}

/// <summary>
/// The tail every hostile test class shares: a theory that lists each of
/// <typeparamref name="TSelf"/>'s cases under its own name and plays it, and a floor on how many
/// there are. A class gives its cases and how one is played against its server.
/// </summary>
public abstract class HostileTests<TSelf, TCase>
    where TSelf : IHostileCases<TCase>
{
    public static TheoryData<string> Names => [.. TSelf.Cases.Keys];

    [Fact]
    public void Cases_areAtLeastThirty() => Assert.True(TSelf.Cases.Count >= 30, $"{TSelf.Cases.Count} cases");

    [Theory]
    [MemberData(nameof(Names))]
    public Task Hostile_case_isAnswered_andServerStillServes(string name) => RunAsync(TSelf.Cases[name]);

    /// <summary>Plays one case, then proves the server still serves a normal client.</summary>
    protected abstract Task RunAsync(TCase hostile);
}
