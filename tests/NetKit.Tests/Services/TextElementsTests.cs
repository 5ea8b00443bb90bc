using NetKit.Services;

namespace NetKit.Tests.Services;

public class TextElementsTests
{
    [Theory]
    [InlineData("ПАЛИНДРОМ", "МОРДНИЛАП")]
    [InlineData("hello", "olleh")]
    [InlineData("", "")]
    [InlineData("a", "a")]
    [InlineData("e\u0301a", "ae\u0301")]                       // a combining acute accent stays on its e
    [InlineData("x\U0001F1EE\U0001F1F9y", "y\U0001F1EE\U0001F1F9x")]   // the Italian flag (two regional indicators) stays whole
    [InlineData("a\U0001F44D\U0001F3FDb", "b\U0001F44D\U0001F3FDa")]   // thumbs up with a skin tone
    [InlineData("1\U0001F468\u200D\U0001F469\u200D\U0001F467 2", "2 \U0001F468\u200D\U0001F469\u200D\U0001F467" + "1")] // a ZWJ family
    [InlineData("\U0001D11E!", "!\U0001D11E")]                  // a character outside the BMP (a surrogate pair)
    [InlineData("한국어", "어국한")]
    [InlineData("\u1100\u1161\u11A8x", "x\u1100\u1161\u11A8")]  // Hangul jamo forming one syllable
    public void Reverse_textElements_keepsEachWhole(string text, string expected) =>
        Assert.Equal(expected, TextElements.Reverse(text));

    [Fact]
    public void Reverse_twice_givesTheTextBack()
    {
        const string text = "Ciao, мир! e\u0301 \U0001F1EE\U0001F1F9 \U0001F468\u200D\U0001F4BB";
        Assert.Equal(text, TextElements.Reverse(TextElements.Reverse(text)));
    }
}
