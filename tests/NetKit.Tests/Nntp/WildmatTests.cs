using NetKit.Nntp;

namespace NetKit.Tests.Nntp;

public sealed class WildmatTests
{
    [Theory]
    [InlineData("*", "comp.lang.c", true)]
    [InlineData("comp.*", "comp.lang.c", true)]
    [InlineData("comp.*", "alt.comp", false)]
    [InlineData("comp.*,!comp.lang.*", "comp.lang.c", false)]
    [InlineData("comp.*,!comp.lang.*", "comp.os", true)]
    [InlineData("!comp.lang.*,comp.*", "comp.lang.c", true)] // the last match decides
    [InlineData("a?c", "abc", true)]
    [InlineData("a?c", "ac", false)]
    [InlineData("[abc]x", "bx", true)]
    [InlineData("[^abc]x", "bx", false)]
    [InlineData("[a-c]x", "cx", true)]
    [InlineData("[]]x", "]x", true)]
    [InlineData("a\\*b", "a*b", true)]
    [InlineData("a\\*b", "axb", false)]
    [InlineData("*.test", "local.test", true)]
    [InlineData("**x", "abx", true)]
    [InlineData("local.test", "local.testing", false)]
    public void IsMatch_pattern_decidesAsRfc3977Says(string pattern, string name, bool expected) =>
        Assert.Equal(expected, Wildmat.Parse(pattern).IsMatch(name));

    [Theory]
    [InlineData("")]
    [InlineData("a,,b")]
    [InlineData("!")]
    [InlineData("[abc")]
    [InlineData("a\\")]
    [InlineData("a b")]
    public void TryParse_malformed_isRefused(string pattern) => Assert.False(Wildmat.TryParse(pattern, out _));
}
