using NetKit.Cli.Commands;

namespace NetKit.Tests.Cli;

public class ReverseCommandSplitTests
{
    private const string Default = "127.0.0.1:33333";

    [Theory]
    [InlineData(new[] { "ПАЛИНДРОМ" }, Default, "ПАЛИНДРОМ")]
    [InlineData(new[] { "localhost:33333", "hi", "there" }, "localhost:33333", "hi there")]
    [InlineData(new[] { "[::1]:33333", "hi" }, "[::1]:33333", "hi")]
    [InlineData(new[] { "udp://127.0.0.1:5", "hi" }, "udp://127.0.0.1:5", "hi")]
    [InlineData(new[] { "unix:/tmp/r.sock", "hi" }, "unix:/tmp/r.sock", "hi")]
    [InlineData(new[] { "12", "monkeys" }, Default, "12 monkeys")]
    [InlineData(new[] { "Re:", "hello" }, Default, "Re: hello")]
    [InlineData(new[] { "localhost", "hi" }, Default, "localhost hi")]
    public void Split_words_findsTheServerOnlyWhenItLooksLikeOne(string[] words, string server, string text) =>
        Assert.Equal((server, text), ReverseCommand.Split(words, null));

    [Fact]
    public void Split_serverOption_takesEveryWordAsText() =>
        Assert.Equal(("h:1", "localhost:33333 hi"), ReverseCommand.Split(["localhost:33333", "hi"], "h:1"));

    [Fact]
    public void Split_noWords_readsStdin() =>
        Assert.Equal((Default, (string?)null), ReverseCommand.Split([], null));
}
