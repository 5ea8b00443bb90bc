using System.Globalization;
using System.Text;

namespace NetKit.Services;

/// <summary>Text handled as a person sees it: in user-perceived characters.</summary>
public static class TextElements
{
    /// <summary>
    /// Reverses text by grapheme cluster (UAX #29), never by byte or UTF-16 unit:
    /// <c>ПАЛИНДРОМ</c> gives <c>МОРДНИЛАП</c>, a combining accent stays on its
    /// letter, and an emoji sequence or a flag stays whole.
    /// </summary>
    public static string Reverse(string text)
    {
        if (text.Length < 2)
        {
            return text;
        }

        var boundaries = StringInfo.ParseCombiningCharacters(text);
        var result = new StringBuilder(text.Length);
        for (var i = boundaries.Length - 1; i >= 0; i--)
        {
            var start = boundaries[i];
            var end = i + 1 < boundaries.Length ? boundaries[i + 1] : text.Length;
            result.Append(text, start, end - start);
        }

        return result.ToString();
    }
}
