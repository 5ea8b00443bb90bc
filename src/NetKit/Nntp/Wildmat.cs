namespace NetKit.Nntp;

/// <summary>
/// RFC 3977 section 4 wildmats: comma-separated patterns, each optionally
/// negated with "!"; the LAST pattern that matches decides (so "a.*,!a.b.*"
/// is every a. group but a.b.'s). In a pattern "*" is any run, "?" one
/// character, "[...]" a set (with ranges and "^" for not), "\" escapes.
/// </summary>
public sealed class Wildmat
{
    private readonly (bool Negated, string Pattern)[] _parts;

    private Wildmat((bool, string)[] parts) => _parts = parts;

    /// <summary>Matches everything ("*").</summary>
    public static Wildmat All { get; } = new([(false, "*")]);

    public string Text => string.Join(',', _parts.Select(p => (p.Negated ? "!" : "") + p.Pattern));

    /// <summary>Parses a wildmat; false for an empty one, an empty pattern or an unclosed "[".</summary>
    public static bool TryParse(string text, out Wildmat wildmat)
    {
        wildmat = All;
        if (string.IsNullOrEmpty(text) || text.Any(c => c is ' ' or '\t' or '\r' or '\n'))
        {
            return false;
        }

        var parts = new List<(bool, string)>();
        foreach (var raw in text.Split(','))
        {
            var negated = raw.StartsWith('!');
            var pattern = negated ? raw[1..] : raw;
            if (pattern.Length == 0 || !WellFormed(pattern))
            {
                return false;
            }

            parts.Add((negated, pattern));
        }

        wildmat = new Wildmat([.. parts]);
        return true;
    }

    public static Wildmat Parse(string text) =>
        TryParse(text, out var wildmat) ? wildmat : throw new FormatException($"not a wildmat: \"{text}\"");

    public bool IsMatch(string value)
    {
        for (var i = _parts.Length - 1; i >= 0; i--)
        {
            if (Match(_parts[i].Pattern, 0, value, 0))
            {
                return !_parts[i].Negated;
            }
        }

        return false;
    }

    public override string ToString() => Text;

    private static bool WellFormed(string pattern)
    {
        for (var i = 0; i < pattern.Length; i++)
        {
            if (pattern[i] == '\\')
            {
                i++;
                if (i >= pattern.Length)
                {
                    return false;
                }
            }
            else if (pattern[i] == '[')
            {
                var end = SetEnd(pattern, i);
                if (end < 0)
                {
                    return false;
                }

                i = end;
            }
        }

        return true;
    }

    /// <summary>The index of the "]" that closes the set opening at <paramref name="open"/>, or -1.</summary>
    private static int SetEnd(string pattern, int open)
    {
        var i = open + 1;
        if (i < pattern.Length && pattern[i] == '^')
        {
            i++;
        }

        if (i < pattern.Length && pattern[i] == ']')
        {
            i++; // A "]" first in a set is a member.
        }

        for (; i < pattern.Length; i++)
        {
            if (pattern[i] == '\\')
            {
                i++;
            }
            else if (pattern[i] == ']')
            {
                return i;
            }
        }

        return -1;
    }

    private static bool Match(string pattern, int p, string text, int t)
    {
        while (p < pattern.Length)
        {
            var c = pattern[p];
            switch (c)
            {
                case '*':
                    while (p < pattern.Length && pattern[p] == '*')
                    {
                        p++; // A run of stars is one star.
                    }

                    if (p == pattern.Length)
                    {
                        return true;
                    }

                    for (var k = t; k <= text.Length; k++)
                    {
                        if (Match(pattern, p, text, k))
                        {
                            return true;
                        }
                    }

                    return false;
                case '?':
                    if (t >= text.Length)
                    {
                        return false;
                    }

                    p++;
                    t++;
                    break;
                case '[':
                    var end = SetEnd(pattern, p);
                    if (t >= text.Length || !InSet(pattern, p + 1, end, text[t]))
                    {
                        return false;
                    }

                    p = end + 1;
                    t++;
                    break;
                default:
                    if (c == '\\')
                    {
                        p++;
                        c = pattern[p];
                    }

                    if (t >= text.Length || text[t] != c)
                    {
                        return false;
                    }

                    p++;
                    t++;
                    break;
            }
        }

        return t == text.Length;
    }

    private static bool InSet(string pattern, int start, int end, char c)
    {
        var negated = start < end && pattern[start] == '^';
        var i = negated ? start + 1 : start;
        var found = false;
        var first = true;
        while (i < end)
        {
            var low = pattern[i];
            if (low == '\\')
            {
                low = pattern[++i];
            }
            else if (low == ']' && !first)
            {
                break;
            }

            first = false;
            i++;
            var high = low;
            if (i + 1 < end && pattern[i] == '-')
            {
                high = pattern[i + 1] == '\\' ? pattern[i + 2] : pattern[i + 1];
                i += pattern[i + 1] == '\\' ? 3 : 2;
            }

            if (c >= low && c <= high)
            {
                found = true;
            }
        }

        return found != negated;
    }
}
